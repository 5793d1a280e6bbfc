// `wx` for the browser: the APIs the pages use, with WeChat's callback and promise styles and its errMsg strings.
// Cloud calls go to localcloud as the person chosen in the preview; storage is kept per person; what a phone would
// do with the system (dial, clipboard, open a document, scan) is shown on screen and logged. Any other API fails
// loudly instead of doing nothing.
import { TEMPLATE_IDS } from '../../miniprogram/shared/constants'
import {
  base64Of,
  baseName,
  fromBase64,
  localFile,
  resolveImageSrc,
  saveTemp,
  tempFile,
  USER_DATA_PATH,
  userFiles,
  viaPreview,
} from './files'
import { cloudPost, downloadCloudFile, invokeFunction, NetError, previewPost } from './net'
import * as router from './router'
import { canvasToTempFilePath, createSelectorQuery } from './canvas'
import { record, reportError, state } from './state'
import * as ui from './ui'

type Opts = Record<string, unknown> & {
  success?: (res: unknown) => void
  fail?: (err: unknown) => void
  complete?: (res: unknown) => void
}

class ApiError extends Error {
  constructor(
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

/** WeChat's calling convention: callbacks when given, a promise otherwise; `errMsg` is `name:ok` / `name:fail …`. */
function api(name: string, run: (o: Opts) => unknown) {
  return (options?: Opts) => {
    const o = options ?? {}
    const usesCallbacks = !!(o.success || o.fail || o.complete)
    const p = (async () => {
      try {
        const res = ((await run(o)) ?? {}) as Record<string, unknown>
        const out = { errMsg: `${name}:ok`, ...res }
        o.success?.(out)
        o.complete?.(out)
        return out
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err)
        const errMsg = msg.startsWith(`${name}:`) ? msg : `${name}:fail ${msg}`
        const out = { errMsg, ...(err instanceof ApiError ? err.extra : {}) }
        o.fail?.(out)
        o.complete?.(out)
        if (!usesCallbacks) throw out
        return undefined
      }
    })()
    if (usesCallbacks) return undefined
    return p
  }
}

// ---------- storage, per person ----------

const storageKey = (key: string) => `pv:${state.openid}:${key}`
const storageKeys = () => {
  const prefix = `pv:${state.openid}:`
  const keys: string[] = []
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i)
    if (k?.startsWith(prefix)) keys.push(k.slice(prefix.length))
  }
  return keys
}
function getStorageSync(key: string): unknown {
  const raw = localStorage.getItem(storageKey(String(key)))
  if (raw === null) return ''
  try {
    return (JSON.parse(raw) as { v: unknown }).v
  } catch {
    return ''
  }
}
function setStorageSync(key: string, value: unknown): void {
  if (!key) throw new Error('setStorageSync:fail parameter error: key should not be empty')
  localStorage.setItem(storageKey(String(key)), JSON.stringify({ v: value }))
}
const removeStorageSync = (key: string) => localStorage.removeItem(storageKey(String(key)))
const clearStorageSync = () => storageKeys().forEach((k) => removeStorageSync(k))

// ---------- privacy authorisation (base library 2.32.3) ----------

const privacyKey = () => `pvp:${state.openid}`
let privacyListener: ((resolve: (r: { event: string; buttonId?: string }) => void) => void) | null = null
const agreeTaps = new Set<string>()

/** The popup's open-type="agreePrivacyAuthorization" button was tapped (builtins.ts). */
export function onAgreePrivacyButton(id: string): void {
  agreeTaps.add(id)
}

async function requirePrivacy(): Promise<void> {
  if (localStorage.getItem(privacyKey()) === 'agreed') return
  if (!privacyListener) {
    const r = await ui.modal({
      title: '隐私保护提示',
      content: '使用这个功能前，请阅读并同意小程序的《用户隐私保护指引》。',
      confirmText: '同意',
      cancelText: '拒绝',
    })
    if (!r.confirm) throw new Error('privacy permission is not authorized')
    localStorage.setItem(privacyKey(), 'agreed')
    return
  }
  agreeTaps.clear()
  await new Promise<void>((resolve, reject) => {
    privacyListener?.((r) => {
      // WeChat accepts an agreement only from the tap of an agreePrivacyAuthorization button with that id.
      if (r?.event === 'agree' && r.buttonId && agreeTaps.has(r.buttonId)) {
        localStorage.setItem(privacyKey(), 'agreed')
        resolve()
      } else reject(new Error('privacy permission is not authorized'))
    })
  })
}

// ---------- subscription messages ----------

const TEMPLATE_TITLES: Record<string, string> = {
  [TEMPLATE_IDS.joinRequest]: '新的加入申请待审核',
  [TEMPLATE_IDS.joinResult]: '加入申请审核结果',
  [TEMPLATE_IDS.roundOpened]: '抗原检测开始接龙',
  [TEMPLATE_IDS.antigenReminder]: '抗原检测未报提醒',
  [TEMPLATE_IDS.abnormal]: '抗原结果异常提醒',
  [TEMPLATE_IDS.reopened]: '楼栋接龙重新打开',
}

// ---------- helpers ----------

function fail(name: string): never {
  const message = `wx.${name} 在开发预览中没有实现 / is not available in the development preview`
  reportError(message)
  throw new Error(message)
}

function netFail(err: unknown): ApiError {
  if (err instanceof NetError) {
    const body = (err.body ?? {}) as { errCode?: number }
    return new ApiError(err.message, body.errCode === undefined ? {} : { errCode: body.errCode })
  }
  return new ApiError(err instanceof Error ? err.message : String(err))
}

const nameOf = (url: string) => decodeURIComponent(url.split('?')[0]?.split('/').pop() || 'file')

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image()
    img.onload = () => resolve(img)
    img.onerror = () => reject(new Error('image decode failed'))
    img.src = src
  })
}

export function navigateFromNavigator(openType: string, url: string, delta: number): void {
  try {
    if (openType === 'navigateBack') router.navigateBack(delta)
    else if (openType === 'redirect') router.redirectTo(url)
    else if (openType === 'switchTab') router.switchTab(url)
    else if (openType === 'reLaunch') router.reLaunch(url)
    else router.navigateTo(url)
  } catch (err) {
    reportError(err instanceof Error ? err.message : String(err))
  }
}

// ---------- network status ----------

type NetworkListener = (res: { isConnected: boolean; networkType: string }) => void
const networkListeners = new Set<NetworkListener>()
let watchingNetwork = false

/** The browser's online / offline events, told to the page's listeners as WeChat tells them. */
function watchNetwork(): void {
  if (watchingNetwork) return
  watchingNetwork = true
  const tell = () => {
    const res = { isConnected: navigator.onLine, networkType: navigator.onLine ? 'wifi' : 'none' }
    record('api', `网络${res.isConnected ? '已连接' : '已断开'}`)
    for (const cb of [...networkListeners]) cb(res)
  }
  window.addEventListener('online', tell)
  window.addEventListener('offline', tell)
}

// ---------- the object ----------

function build(): Record<string, unknown> {
  let lastClipboard = ''
  const impl: Record<string, unknown> = {
    // cloud
    cloud: {
      init: (o?: { env?: string }) => {
        record('api', `wx.cloud.init(${o?.env ? o.env : '默认环境'})`)
      },
      callFunction: api('cloud.callFunction', async (o) => {
        try {
          const result = await invokeFunction(String(o.name), o.data ?? {})
          return { result, requestID: `preview-${Date.now().toString(36)}` }
        } catch (err) {
          throw netFail(err)
        }
      }),
      uploadFile: api('cloud.uploadFile', async (o) => {
        const file = tempFile(String(o.filePath))
        if (!file) throw new Error(`file ${String(o.filePath)} not found`)
        try {
          const res = (await cloudPost('storage/upload', {
            cloudPath: o.cloudPath,
            base64: await base64Of(file.blob),
          })) as { fileID: string }
          record('upload', `上传 ${String(o.cloudPath)}（${file.blob.size} 字节）`)
          return { fileID: res.fileID, statusCode: 200 }
        } catch (err) {
          throw netFail(err)
        }
      }),
      getTempFileURL: api('cloud.getTempFileURL', async (o) => {
        try {
          const res = (await cloudPost('storage/tempUrl', { fileList: o.fileList })) as {
            fileList: { tempFileURL: string }[]
          }
          return {
            fileList: res.fileList.map((f) => ({
              ...f,
              tempFileURL: f.tempFileURL ? new URL(viaPreview(f.tempFileURL), location.href).href : '',
            })),
          }
        } catch (err) {
          throw netFail(err)
        }
      }),
      downloadFile: api('cloud.downloadFile', async (o) => {
        try {
          record('api', `wx.cloud.downloadFile ${String(o.fileID)}`)
          const blob = await downloadCloudFile(String(o.fileID))
          return { tempFilePath: saveTemp(blob, nameOf(String(o.fileID))), statusCode: 200 }
        } catch (err) {
          throw netFail(err)
        }
      }),
      deleteFile: api('cloud.deleteFile', async (o) => {
        try {
          return await cloudPost('storage/delete', { fileList: o.fileList })
        } catch (err) {
          throw netFail(err)
        }
      }),
      database: () => fail('cloud.database（本产品只经云函数读写数据）'),
      callContainer: () => fail('cloud.callContainer'),
    },

    // storage
    getStorageSync,
    setStorageSync,
    removeStorageSync,
    clearStorageSync,
    getStorageInfoSync: () => ({ keys: storageKeys(), currentSize: 0, limitSize: 10240 }),
    getStorage: api('getStorage', (o) => {
      const raw = localStorage.getItem(storageKey(String(o.key)))
      if (raw === null) throw new Error('data not found')
      return { data: getStorageSync(String(o.key)) }
    }),
    setStorage: api('setStorage', (o) => setStorageSync(String(o.key), o.data)),
    removeStorage: api('removeStorage', (o) => removeStorageSync(String(o.key))),
    clearStorage: api('clearStorage', () => clearStorageSync()),

    // privacy
    onNeedPrivacyAuthorization: (listener: typeof privacyListener) => {
      privacyListener = listener
    },
    requirePrivacyAuthorize: api('requirePrivacyAuthorize', () => requirePrivacy()),
    getPrivacySetting: api('getPrivacySetting', () => ({
      needAuthorization: localStorage.getItem(privacyKey()) !== 'agreed',
      privacyContractName: '《邻里接力隐私保护指引》',
    })),
    openPrivacyContract: api('openPrivacyContract', async () => {
      await ui.systemNotice('《邻里接力隐私保护指引》', [
        '在微信中，这里会打开小程序后台填写的用户隐私保护指引。',
        '开发预览：指引的内容见仓库 docs/privacy.md。',
      ])
    }),

    // interaction
    showModal: api('showModal', (o) => ui.modal(o as ui.ModalOptions)),
    showToast: api('showToast', (o) => ui.toast(o as { title: string })),
    hideToast: api('hideToast', () => ui.hideToast()),
    showLoading: api('showLoading', (o) => ui.toast(o as { title: string }, true)),
    hideLoading: api('hideLoading', () => ui.hideToast()),
    showActionSheet: api('showActionSheet', async (o) => {
      const i = await ui.actionSheet((o.itemList as string[]) ?? [], String(o.alertText ?? ''), o.itemColor as string)
      if (i === null) throw new Error('cancel')
      return { tapIndex: i }
    }),

    // navigation
    navigateTo: api('navigateTo', (o) => void router.navigateTo(String(o.url))),
    redirectTo: api('redirectTo', (o) => void router.redirectTo(String(o.url))),
    reLaunch: api('reLaunch', (o) => void router.reLaunch(String(o.url))),
    switchTab: api('switchTab', (o) => void router.switchTab(String(o.url))),
    navigateBack: api('navigateBack', (o) => void router.navigateBack(Number(o.delta ?? 1))),
    setNavigationBarTitle: api('setNavigationBarTitle', (o) => router.setTitle(String(o.title ?? ''))),
    startPullDownRefresh: api('startPullDownRefresh', () => router.startRefresh()),
    stopPullDownRefresh: api('stopPullDownRefresh', () => router.stopRefresh()),

    // media and files
    chooseMedia: api('chooseMedia', async (o) => {
      const sources = (o.sourceType as string[] | undefined) ?? ['album', 'camera']
      const camera = sources.length === 1 && sources[0] === 'camera'
      const file = await ui.chooseFile(
        camera ? '拍照' : '选择照片',
        'image/*',
        camera ? '开发预览：电脑没有手机相机，请选择一张照片文件代替拍照' : '开发预览：从电脑上选择照片',
      )
      if (!file) throw new Error('cancel')
      const tempFilePath = saveTemp(file, file.name)
      let width = 0
      let height = 0
      try {
        const img = await loadImage(URL.createObjectURL(file))
        width = img.naturalWidth
        height = img.naturalHeight
      } catch {
        /* not decodable: the page will find out */
      }
      return { type: 'image', tempFiles: [{ tempFilePath, size: file.size, fileType: 'image', width, height }] }
    }),
    chooseMessageFile: api('chooseMessageFile', async (o) => {
      const ext = (o.extension as string[] | undefined) ?? []
      const file = await ui.chooseFile(
        '选择聊天中的文件',
        ext.map((e) => `.${e.replace(/^\./, '')}`).join(','),
        '开发预览：从电脑上选择文件，代替从微信聊天中选择',
      )
      if (!file) throw new Error('cancel')
      return {
        tempFiles: [
          { path: saveTemp(file, file.name), size: file.size, name: file.name, type: 'file', time: Date.now() / 1000 },
        ],
      }
    }),
    compressImage: api('compressImage', async (o) => {
      const file = tempFile(String(o.src))
      if (!file) throw new Error(`file ${String(o.src)} not found`)
      const img = await loadImage(URL.createObjectURL(file.blob))
      const canvas = document.createElement('canvas')
      canvas.width = img.naturalWidth
      canvas.height = img.naturalHeight
      canvas.getContext('2d')?.drawImage(img, 0, 0)
      const q = Math.max(0, Math.min(100, Number(o.quality ?? 80))) / 100
      const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', q))
      if (!blob) throw new Error('compress failed')
      return { tempFilePath: saveTemp(blob, 'compressed.jpg') }
    }),
    getFileInfo: api('getFileInfo', (o) => {
      const file = tempFile(String(o.filePath))
      if (!file) throw new Error('file not exist')
      return { size: file.blob.size, digest: '' }
    }),
    // The file system: temporary files, and this person's user files under wx.env.USER_DATA_PATH (files.ts).
    getFileSystemManager: () => ({
      getFileInfo: api('getFileInfo', (o) => {
        const file = localFile(state.openid, String(o.filePath))
        if (!file) throw new Error(`no such file or directory ${String(o.filePath)}`)
        return { size: file.blob.size }
      }),
      readFile: api('readFile', async (o) => {
        const file = localFile(state.openid, String(o.filePath))
        if (!file) throw new Error(`no such file or directory ${String(o.filePath)}`)
        if (o.encoding === 'base64') return { data: await base64Of(file.blob) }
        if (o.encoding === 'utf8' || o.encoding === 'utf-8') return { data: await file.blob.text() }
        return { data: await file.blob.arrayBuffer() }
      }),
      access: api('access', (o) => {
        if (!userFiles.exists(state.openid, String(o.path)))
          throw new Error(`no such file or directory ${String(o.path)}`)
      }),
      mkdir: api('mkdir', (o) => userFiles.mkdir(state.openid, String(o.dirPath), o.recursive === true)),
      readdir: api('readdir', (o) => ({ files: userFiles.readdir(state.openid, String(o.dirPath)) })),
      unlink: api('unlink', (o) => userFiles.unlink(state.openid, String(o.filePath))),
      copyFile: api('copyFile', (o) => {
        userFiles.copyFile(state.openid, String(o.srcPath), String(o.destPath))
        record('api', `保存文件 ${String(o.destPath)}`)
      }),
    }),
    env: { USER_DATA_PATH },
    // canvas (Canvas 2D) and node queries
    createSelectorQuery: () => createSelectorQuery(),
    canvasToTempFilePath: api('canvasToTempFilePath', (o) => canvasToTempFilePath(o)),
    previewImage: api('previewImage', async (o) => {
      const urls = (o.urls as string[]) ?? []
      const resolved = await Promise.all(urls.map((u) => resolveImageSrc(u)))
      const current = typeof o.current === 'string' ? o.current : urls[Number(o.current) || 0]
      ui.previewImages(resolved, resolved[Math.max(0, urls.indexOf(current ?? ''))] ?? resolved[0] ?? '')
    }),
    downloadFile: api('downloadFile', async (o) => {
      const url = String(o.url)
      let res: Response
      try {
        res = await fetch(viaPreview(url))
      } catch (err) {
        throw new Error(err instanceof Error ? err.message : String(err))
      }
      const blob = await res.blob()
      return { tempFilePath: saveTemp(blob, nameOf(url)), statusCode: res.status }
    }),
    openDocument: api('openDocument', async (o) => {
      const path = String(o.filePath)
      const file = localFile(state.openid, path)
      if (!file) throw new Error(`file ${path} not found`)
      // The viewer shows the file's own name: a temporary file's (tmp_…), or the name it was saved under.
      const base = baseName(path)
      const fileType = String(o.fileType ?? base.split('.').pop() ?? '')
      const name = base.includes('.') ? base : `${base}.${fileType}`
      state.documents.push({ name, path, fileType, size: file.blob.size, base64: await base64Of(file.blob) })
      record('document', `打开文档 ${name}（${(file.blob.size / 1024).toFixed(1)} KB）`)
      const link = ui.h('a', 'pv-document-link', `下载 ${name}`)
      link.setAttribute('href', URL.createObjectURL(file.blob))
      link.setAttribute('download', name)
      void ui.systemNotice(
        '打开文档',
        [name, `${(file.blob.size / 1024).toFixed(1)} KB · 在手机上会用微信的文档查看器打开`],
        link,
      )
    }),

    // system
    scanCode: api('scanCode', () => {
      const value = window.prompt(
        '扫一扫（开发预览）：输入二维码的内容，例如邀请码，或小程序码的路径 pages/join/index?scene=…',
      )
      record('scan', value === null ? '扫码：取消' : `扫码：${value}`)
      if (value === null) throw new Error('cancel')
      const isPath = /^\/?(pages|package)\w*\//.test(value)
      return {
        result: value,
        scanType: isPath ? 'WX_CODE' : 'QR_CODE',
        charSet: 'utf-8',
        ...(isPath ? { path: value } : {}),
      }
    }),
    requestSubscribeMessage: api('requestSubscribeMessage', async (o) => {
      const ids = ((o.tmplIds as string[]) ?? []).map(String)
      if (!ids.length) throw new ApiError('TmplIds can not be empty', { errCode: 10001 })
      const accepted = await ui.subscribePrompt(ids.map((id) => ({ id, title: TEMPLATE_TITLES[id] ?? id })))
      const yes = accepted ?? []
      if (yes.length) await previewPost('subscribe', { templateIds: yes })
      record(
        'subscribe',
        `订阅消息：${ids.map((id) => `${TEMPLATE_TITLES[id] ?? id} ${yes.includes(id) ? '允许' : '拒绝'}`).join('，')}`,
      )
      return Object.fromEntries(ids.map((id) => [id, yes.includes(id) ? 'accept' : 'reject']))
    }),
    makePhoneCall: api('makePhoneCall', async (o) => {
      const number = String(o.phoneNumber ?? '')
      if (!number) throw new Error('parameter error: phoneNumber should not be empty')
      record('call', `拨打电话 ${number}`, number)
      await ui.systemNotice('拨打电话', [number, '开发预览：在手机上会打开拨号界面'])
    }),
    setClipboardData: api('setClipboardData', async (o) => {
      lastClipboard = String(o.data ?? '')
      record('clipboard', `复制到剪贴板：${lastClipboard}`, lastClipboard)
      try {
        await navigator.clipboard?.writeText(lastClipboard)
      } catch {
        /* the browser may refuse without focus; the log has it */
      }
      ui.toast({ title: '内容已复制', icon: 'none' })
    }),
    getClipboardData: api('getClipboardData', () => ({ data: lastClipboard })),

    // network: the browser's own state (a test takes the phone offline with the browser context's setOffline)
    getNetworkType: api('getNetworkType', () => ({ networkType: navigator.onLine ? 'wifi' : 'none' })),
    onNetworkStatusChange: (cb: NetworkListener) => {
      watchNetwork()
      networkListeners.add(cb)
    },
    offNetworkStatusChange: (cb?: NetworkListener) => {
      if (cb) networkListeners.delete(cb)
      else networkListeners.clear()
    },

    // environment
    getSystemInfoSync: () => systemInfo(),
    getSystemInfo: api('getSystemInfo', () => systemInfo()),
    getWindowInfo: () => systemInfo(),
    getDeviceInfo: () => systemInfo(),
    getAppBaseInfo: () => systemInfo(),
    getAccountInfoSync: () => ({ miniProgram: { appId: 'wx0000000000000000', envVersion: 'develop', version: '' } }),
    getLaunchOptionsSync: () => launchOptions(),
    getEnterOptionsSync: () => launchOptions(),
    nextTick: (fn: () => void) => void Promise.resolve().then(fn),
    vibrateShort: api('vibrateShort', () => undefined),
  }
  impl.canIUse = (schema: string) => (String(schema).split('.')[0] ?? '') in impl
  return impl
}

function systemInfo() {
  const pages = document.getElementById('pv-pages')
  return {
    brand: 'preview',
    model: '开发预览',
    system: 'Browser',
    platform: 'devtools',
    language: 'zh_CN',
    version: '8.0.50',
    SDKVersion: '3.7.0',
    pixelRatio: window.devicePixelRatio || 2,
    screenWidth: 375,
    screenHeight: 812,
    windowWidth: 375,
    windowHeight: pages?.clientHeight ?? 724,
    statusBarHeight: 44,
    safeArea: { left: 0, right: 375, top: 44, bottom: 812, width: 375, height: 768 },
    theme: 'light',
    fontSizeSetting: 16,
  }
}

function launchOptions() {
  const top = router.topPage()
  return { path: top?.route ?? state.manifest.routes[0], query: top?.query ?? {}, scene: 1001, referrerInfo: {} }
}

/** `wx`: the implemented APIs, and a loud failure for any other. */
export function createWx(): Record<string, unknown> {
  const impl = build()
  return new Proxy(impl, {
    get(target, prop) {
      if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return undefined
      if (prop in target) return target[prop]
      return () => fail(prop)
    },
  })
}

export { fromBase64 }
