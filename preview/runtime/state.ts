// What the preview knows about this session, and the handle end-to-end tests read (window.__preview).
import type { PreviewManifest } from '../manifest'

export interface LogEntry {
  /** call: makePhoneCall; clipboard; document: openDocument; scan; subscribe; share: 转发; api: another wx call; error. */
  kind: 'call' | 'clipboard' | 'document' | 'scan' | 'subscribe' | 'upload' | 'navigate' | 'share' | 'api' | 'error'
  text: string
  at: number
  data?: unknown
}

export interface OpenedDocument {
  /** The name the document viewer shows: the opened file's own. */
  name: string
  /** The path opened (wxfile://tmp_… or under wx.env.USER_DATA_PATH). */
  path: string
  fileType: string
  size: number
  /** The bytes, base64, for tests that read the exported file. */
  base64: string
}

export interface PreviewHandle {
  openid: string
  log: LogEntry[]
  documents: OpenedDocument[]
  errors: string[]
  /** Route of the page on top. */
  route(): string
  /** Routes of the page stack, bottom first. */
  stack(): string[]
  /** Cloud calls and file transfers still running. */
  inFlight(): number
  /** Launched, no request running, the top page loaded. */
  idle(): boolean
  /** Follow the platform clock again (after a test moved it); resolves the offset from this computer's clock. */
  syncClock(): Promise<number>
}

export const state = {
  openid: '',
  manifest: null as unknown as PreviewManifest,
  log: [] as LogEntry[],
  documents: [] as OpenedDocument[],
  errors: [] as string[],
  inFlight: 0,
  launched: false,
  listeners: [] as ((entry: LogEntry) => void)[],
}

export function record(kind: LogEntry['kind'], text: string, data?: unknown): void {
  const entry: LogEntry = { kind, text, at: Date.now(), ...(data === undefined ? {} : { data }) }
  state.log.push(entry)
  for (const l of state.listeners) l(entry)
}

/** Counts a request for `idle()`. */
export async function tracked<T>(work: () => Promise<T>): Promise<T> {
  state.inFlight++
  try {
    return await work()
  } finally {
    state.inFlight--
  }
}

/** A failure the page did not expect: shown in the shell and kept for tests, never swallowed. */
export function reportError(message: string): void {
  state.errors.push(message)
  record('error', message)
  console.error(`[preview] ${message}`)
}
