// A wx.cloud for page tests: callFunction goes to handlers the test registers (or fails like a dropped network);
// uploadFile records what was uploaded and answers with a cloud file id.
export interface CallRecord {
  name: string
  data: Record<string, unknown>
}

export interface UploadRecord {
  cloudPath: string
  filePath: string
}

type Handler = (data: Record<string, unknown>) => unknown

const ENV = 'test-env'

export class FakeCloud {
  readonly calls: CallRecord[] = []
  readonly uploads: UploadRecord[] = []
  private handlers = new Map<string, Handler>()
  initialised: Record<string, unknown> | undefined
  /** Make the next uploads fail like a dropped network (recorded all the same). */
  failUploads = false
  /** fileIDs asked for by downloadFile, in order. */
  readonly downloads: string[] = []
  /** Make the next downloads fail like a dropped network (recorded all the same). */
  failDownloads = false

  /** Answer calls to `name` with whatever `handler` returns (the function's `main` result). */
  on(name: string, handler: Handler): this {
    this.handlers.set(name, handler)
    return this
  }

  /** Forget calls and handlers between tests; the app's init from launch stays. */
  reset(): void {
    this.calls.length = 0
    this.uploads.length = 0
    this.downloads.length = 0
    this.handlers.clear()
    this.failUploads = false
    this.failDownloads = false
  }

  init = (config: Record<string, unknown> = {}): void => {
    this.initialised = config
  }

  callFunction = async (param: {
    name: string
    data?: Record<string, unknown>
  }): Promise<{ result: unknown; errMsg: string }> => {
    const data = param.data ?? {}
    this.calls.push({ name: param.name, data })
    const handler = this.handlers.get(param.name)
    if (!handler)
      throw { errMsg: `cloud.callFunction:fail -504002 functions execute fail. no handler for ${param.name}` }
    const result = await handler(JSON.parse(JSON.stringify(data)) as Record<string, unknown>)
    return { result, errMsg: 'cloud.callFunction:ok' }
  }

  /**
   * Stores nothing: records the fileID and answers like WeChat, a temporary file named by a hash
   * (`wxfile://tmp_<n>.xlsx`, the fileID's extension), in the callback and the promise style.
   */
  downloadFile = (param: {
    fileID: string
    success?: (res: { tempFilePath: string; statusCode: number; errMsg: string }) => void
    fail?: (err: { errCode: number; errMsg: string }) => void
  }): Promise<{ tempFilePath: string; statusCode: number; errMsg: string }> | undefined => {
    this.downloads.push(param.fileID)
    const ext = /\.([A-Za-z0-9]+)$/.exec(param.fileID)?.[1] ?? 'bin'
    const res = {
      tempFilePath: `wxfile://tmp_${String(this.downloads.length).padStart(4, '0')}a1b2c3.${ext}`,
      statusCode: 200,
      errMsg: 'cloud.downloadFile:ok',
    }
    const err = { errCode: -404001, errMsg: 'cloud.downloadFile:fail -404001 network error' }
    if (param.success || param.fail) {
      setTimeout(() => (this.failDownloads ? param.fail?.(err) : param.success?.(res)), 0)
      return undefined
    }
    return this.failDownloads ? Promise.reject(err) : Promise.resolve(res)
  }

  /** Stores nothing: records the upload (or fails when `failUploads`) and answers like CloudBase (fileID `cloud://<env>.<bucket>/<cloudPath>`). */
  uploadFile = async (param: {
    cloudPath: string
    filePath: string
  }): Promise<{ fileID: string; statusCode: number; errMsg: string }> => {
    this.uploads.push({ cloudPath: param.cloudPath, filePath: param.filePath })
    if (this.failUploads) throw { errMsg: 'cloud.uploadFile:fail -404001 network error' }
    return { fileID: `cloud://${ENV}.${ENV}-bucket/${param.cloudPath}`, statusCode: 200, errMsg: 'cloud.uploadFile:ok' }
  }
}
