// Requests to the local cloud, through the preview server (same origin): the person chosen in the preview is sent
// as `x-wx-openid`, the header localcloud's client gateway reads as WeChat's verified caller.
import { state, tracked } from './state'

export class NetError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message)
  }
}

async function post(url: string, body: unknown): Promise<unknown> {
  return tracked(async () => {
    let res: Response
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': state.openid },
        body: JSON.stringify(body ?? {}),
      })
    } catch (err) {
      throw new NetError(`request:fail ${err instanceof Error ? err.message : String(err)}`, 0, null)
    }
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      /* not JSON */
    }
    if (!res.ok) {
      const msg = (parsed as { errMsg?: string; error?: string; message?: string } | null) ?? {}
      throw new NetError(msg.errMsg ?? msg.error ?? msg.message ?? `HTTP ${res.status}`, res.status, parsed)
    }
    return parsed
  })
}

/** A cloud function called as the chosen person: the function's return value. */
export const invokeFunction = (name: string, data: unknown) => post(`/functions/${encodeURIComponent(name)}`, data)

/** localcloud's client routes: `database`, `storage/upload`, `storage/tempUrl`, `storage/delete`. */
export const cloudPost = (route: string, body: unknown) => post(`/client/${route}`, body)

/** The preview server's own routes (identities, subscription credits). */
export async function previewGet<T>(route: string): Promise<T> {
  const res = await fetch(`/__preview/${route}`)
  if (!res.ok) throw new NetError(`/__preview/${route}: HTTP ${res.status}`, res.status, null)
  return (await res.json()) as T
}

export const previewPost = (route: string, body: unknown) => post(`/__preview/${route}`, body)

/** Bytes of a file in cloud storage, as the chosen person may read it (security rules apply). */
export async function downloadCloudFile(fileID: string): Promise<Blob> {
  return tracked(async () => {
    const res = await fetch('/client/storage/download', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': state.openid },
      body: JSON.stringify({ fileID }),
    })
    if (!res.ok) throw new NetError(`downloadFile:fail ${res.status} ${await res.text()}`, res.status, null)
    return res.blob()
  })
}
