// Mini-program codes (小程序码) through WeChat's open API: `wxacode.getUnlimited`, unlimited in number and permanent.
// The caller's function must list it in its config.json (`permissions.openapi`). Its limits, from WeChat's
// documentation: `scene` at most 32 visible characters of 0-9 A-Z a-z and !#$&'()*+,/:;=?@-._~ (no %, so no URL
// encoding), `page` a page of the mini-program without a leading / or a query, `check_path: false` to allow a page
// not yet published (and trial or develop builds), `env_version` release / trial / develop; 5,000 calls a minute.
import { AppError } from '../kernel'
import { cloud } from './cloud'

export type EnvVersion = 'release' | 'trial' | 'develop'
export const ENV_VERSIONS: readonly EnvVersion[] = ['release', 'trial', 'develop']

export const SCENE_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@._~-]{1,32}$/

export interface CodeRequest {
  scene: string
  page: string
  envVersion: EnvVersion
  /** Pixels, 280–1280 (WeChat's default 430). */
  width?: number
}

type OpenApi = {
  wxacode: {
    getUnlimited(p: Record<string, unknown>): Promise<{ buffer?: Buffer; contentType?: string; errCode?: number }>
  }
}

/** The code's PNG; a scene or page WeChat would refuse is a bug here, and WeChat's refusal is QR_UNAVAILABLE. */
export async function unlimitedCode(req: CodeRequest): Promise<Buffer> {
  if (!SCENE_PATTERN.test(req.scene)) throw new Error(`wxacode: scene ${JSON.stringify(req.scene)} is not allowed`)
  if (req.page.startsWith('/') || req.page.includes('?')) throw new Error(`wxacode: page ${req.page} has / or ?`)
  let res: Awaited<ReturnType<OpenApi['wxacode']['getUnlimited']>>
  try {
    res = await (cloud.openapi as unknown as OpenApi).wxacode.getUnlimited({
      scene: req.scene,
      page: req.page,
      checkPath: false,
      envVersion: req.envVersion,
      width: req.width ?? 430,
    })
  } catch (err) {
    const e = err as { errCode?: number; errMsg?: string }
    console.error(`wxacode.getUnlimited failed: ${e.errCode ?? ''} ${e.errMsg ?? String(err)}`)
    throw new AppError('QR_UNAVAILABLE')
  }
  if (!res.buffer || !/^image\//.test(res.contentType ?? '')) {
    console.error(`wxacode.getUnlimited answered ${res.contentType ?? 'nothing'}, not an image`)
    throw new AppError('QR_UNAVAILABLE')
  }
  return Buffer.from(res.buffer)
}
