// The one way pages talk to cloud functions: typed by the shared API contract, errors turned into CloudError.
import type { ActionInput, ActionName, ActionOutput, Envelope, ErrorCode, FunctionName } from '../../typings/api'

export class CloudError extends Error {
  readonly code: ErrorCode
  readonly field?: string

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message)
    this.name = 'CloudError'
    this.code = code
    if (field !== undefined) this.field = field
  }
}

export interface CallOptions {
  /** Do not show the error to the user; the caller renders its own error state. */
  silent?: boolean
  /**
   * Send again this many times when the network or the service failed (NETWORK, INTERNAL), after 0.6 s, 1.2 s …:
   * only for actions the service makes idempotent (a submission, opening or closing a round), never for one that
   * would do something twice.
   */
  retries?: number
}

/** Errors another try may get past: the call did not reach the function, or the function failed inside. */
const RETRYABLE: readonly ErrorCode[] = ['NETWORK', 'INTERNAL']
const RETRY_DELAY_MS = 600
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const NETWORK_MESSAGE = '网络不太好，请检查网络后再试'
const BAD_REPLY_MESSAGE = '服务暂时不可用，请稍后再试'

function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { ok?: unknown; code?: unknown; message?: unknown }
  return v.ok === true || (v.ok === false && typeof v.code === 'string' && typeof v.message === 'string')
}

/** Show an error in a dialog: easier to read than a toast that vanishes, especially for older users. */
export function showError(err: CloudError): void {
  wx.showModal({ title: '提示', content: err.message, showCancel: false, confirmText: '知道了' })
}

export async function call<F extends FunctionName, A extends ActionName<F>>(
  name: F,
  action: A,
  payload: ActionInput<F, A>,
  options: CallOptions = {},
): Promise<ActionOutput<F, A>> {
  const retries = Math.max(0, Math.min(5, options.retries ?? 0))
  let error = new CloudError('NETWORK', NETWORK_MESSAGE)
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await wait(RETRY_DELAY_MS * attempt)
    const outcome = await once(name, action, payload)
    if (!(outcome instanceof CloudError)) return outcome
    error = outcome
    if (!RETRYABLE.includes(error.code)) break
  }
  if (!options.silent) showError(error)
  throw error
}

/** One call: the action's output, or the error as a CloudError. */
async function once<F extends FunctionName, A extends ActionName<F>>(
  name: F,
  action: A,
  payload: ActionInput<F, A>,
): Promise<ActionOutput<F, A> | CloudError> {
  let error: CloudError
  try {
    const res = await wx.cloud.callFunction({ name, data: { action, payload } })
    const reply: unknown = res.result
    if (isEnvelope(reply)) {
      if (reply.ok) return reply.data as ActionOutput<F, A>
      error = new CloudError(reply.code, reply.message, reply.field)
    } else {
      error = new CloudError('NETWORK', BAD_REPLY_MESSAGE)
    }
  } catch {
    error = new CloudError('NETWORK', NETWORK_MESSAGE)
  }
  return error
}
