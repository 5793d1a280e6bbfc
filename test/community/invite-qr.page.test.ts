// Inviting by scanning, on the pages: the roster shows each invite's 小程序码 (tap to enlarge), makes the entrance
// poster on a canvas and opens it as a picture, and shares an invite as a card; the join page takes the code from a
// 小程序码's scene and from 扫一扫; the chain page shares the round into the building's group.
import type { InviteQr } from '../../typings/api'
import { POSTER_HEIGHT, POSTER_WIDTH, posterText, wrap } from '../../miniprogram/packageLead/utils/poster'
import { codeFromScan } from '../../miniprogram/utils/format'
import {
  antigen,
  chainView,
  community,
  consentText,
  fail,
  invite,
  leadRole,
  me,
  ok,
  roster,
  sent,
} from '../support/pages/fixtures'
import { attr, mount, settleAll, tap, text, texts } from '../support/pages/harness'

type Wx = Record<string, unknown>
const w = wx as unknown as Wx

/** Put wx APIs in place for one test (the simulator has no canvas), and take them back after it. */
const installed: [string, unknown][] = []
function install(apis: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(apis)) {
    installed.push([k, w[k]])
    w[k] = v
  }
}
afterEach(() => {
  for (const [k, v] of installed.reverse()) w[k] = v
  installed.length = 0
})

const PNG_BASE64 = 'iVBORw0KGgo='
const qrOf = (code: string, p: { envVersion?: InviteQr['envVersion']; image?: boolean } = {}): InviteQr => ({
  code,
  scene: code,
  page: 'pages/join/index',
  envVersion: p.envVersion ?? 'release',
  fileID: `cloud://env/invite-codes/c/${code}-release.png`,
  url: `https://tmp.example/${code}.png`,
  ...(p.image ? { image: PNG_BASE64 } : {}),
})

function lead(invites = [invite(), invite({ code: 'R8T2WX4N', room: '302', maxUses: 1, uses: 0 })]) {
  community({
    whoami: () => ok(me({ roles: [leadRole] })),
    buildingRoster: () => ok(roster()),
    listInvites: () => ok(invites),
    inviteQr: (p) => ok(qrOf(p.code, p)),
  })
}

/** A Canvas 2D that records what is drawn on it. */
function fakeCanvas() {
  const drawn: { text: string[]; images: { src: string; w: number; h: number }[] } = { text: [], images: [] }
  const ctx = {
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    font: '10px sans-serif',
    textAlign: 'left',
    textBaseline: 'alphabetic',
    fillRect: () => undefined,
    strokeRect: () => undefined,
    fillText: (t: string) => void drawn.text.push(t),
    // A Chinese character as wide as the font is tall, a Latin one half that.
    measureText: (t: string) => ({
      width:
        [...t].reduce((w, c) => w + (c.charCodeAt(0) < 128 ? 0.5 : 1), 0) * Number(/(\d+)px/.exec(ctx.font)?.[1] ?? 10),
    }),
    drawImage: (img: { src: string }, _x: number, _y: number, w: number, h: number) =>
      void drawn.images.push({ src: img.src, w, h }),
  }
  const canvas = {
    width: 300,
    height: 150,
    getContext: () => ctx,
    createImage: () => {
      const img = { onload: null as null | (() => void), onerror: null, src_: '' }
      return Object.defineProperty(img, 'src', {
        get: () => img.src_,
        set: (v: string) => {
          img.src_ = v
          setTimeout(() => img.onload?.(), 0)
        },
      })
    },
  }
  return { canvas, drawn }
}

function canvasApis(canvas: object) {
  const exported: object[] = []
  install({
    createSelectorQuery: () => {
      const q = {
        in: () => q,
        select: (sel: string) => ({
          fields: () => ({
            exec: (cb: (r: unknown[]) => void) =>
              setTimeout(() => cb([sel === '#poster-canvas' ? { node: canvas } : null])),
          }),
        }),
      }
      return q
    },
    canvasToTempFilePath: (o: { canvas: object; success: (r: object) => void }) => {
      exported.push(o.canvas)
      o.success({ tempFilePath: 'wxfile://tmp_poster.png', errMsg: 'canvasToTempFilePath:ok' })
    },
  })
  return exported
}

describe('roster: invite codes', () => {
  it('shows each invite’s 小程序码 for the build the lead runs; tapping one enlarges it', async () => {
    lead()
    install({ getAccountInfoSync: () => ({ miniProgram: { appId: 'wx1', envVersion: 'trial', version: '' } }) })
    const preview = jest.spyOn(wx, 'previewImage').mockImplementation((() => undefined) as never)
    const comp = mount('packageLead/pages/roster', { buildingId: 'b_12' })
    await settleAll()
    expect(sent('inviteQr')).toEqual([
      { code: 'K7MPQ2XA', envVersion: 'trial' },
      { code: 'R8T2WX4N', envVersion: 'trial' },
    ])
    expect(comp.data.invites.map((i: { qr: string }) => i.qr)).toEqual([
      'https://tmp.example/K7MPQ2XA.png',
      'https://tmp.example/R8T2WX4N.png',
    ])
    expect(texts(comp, '.qr-thumb')).toHaveLength(2)
    await tap(comp, '#invite-K7MPQ2XA .qr-thumb')
    expect(preview).toHaveBeenCalledWith(
      expect.objectContaining({ urls: ['https://tmp.example/K7MPQ2XA.png'], showmenu: true }),
    )
    preview.mockRestore()
  })

  it('says when a code could not be made, keeps the typed code, and retries on a tap', async () => {
    let failing = true
    community({
      whoami: () => ok(me({ roles: [leadRole] })),
      buildingRoster: () => ok(roster()),
      listInvites: () => ok([invite()]),
      inviteQr: (p) =>
        failing ? fail('QR_UNAVAILABLE', '小程序码暂时没有生成，请稍后再试；住户仍可输入邀请码加入') : ok(qrOf(p.code)),
    })
    const comp = mount('packageLead/pages/roster', { buildingId: 'b_12' })
    await settleAll()
    expect(text(comp, '#invite-K7MPQ2XA')).toContain('小程序码没有生成，点这里重试')
    expect(text(comp, '#invite-K7MPQ2XA .invite-code')).toBe('K7MP Q2XA')
    failing = false
    await tap(comp, '#invite-K7MPQ2XA .qr-error')
    expect(comp.data.invites[0].qr).toBe('https://tmp.example/K7MPQ2XA.png')
  })

  it('draws the entrance poster with the code’s image and opens it as a picture to save or print', async () => {
    lead()
    const { canvas, drawn } = fakeCanvas()
    const exported = canvasApis(canvas)
    const preview = jest.spyOn(wx, 'previewImage').mockImplementation((() => undefined) as never)
    const comp = mount('packageLead/pages/roster', { buildingId: 'b_12' })
    await settleAll()
    await tap(comp, '#invite-R8T2WX4N .poster')
    await settleAll()

    // The build the simulator reports (开发版), as a phone's would be.
    const build = wx.getAccountInfoSync().miniProgram.envVersion
    expect(sent('inviteQr').at(-1)).toEqual({ code: 'R8T2WX4N', envVersion: build, image: true })
    expect(drawn.images).toEqual([{ src: `data:image/png;base64,${PNG_BASE64}`, w: 760, h: 760 }])
    expect([canvas.width, canvas.height]).toEqual([POSTER_WIDTH, POSTER_HEIGHT])
    expect(drawn.text).toEqual(
      expect.arrayContaining([
        '12号 住户加入 邻里接力',
        '仅限 302 室使用 · 有效期至 11月23日 18:00',
        '1. 打开微信，点右上角「＋」，选「扫一扫」',
        'R8T2 WX4N',
      ]),
    )
    // A line never starts with punctuation.
    expect(drawn.text.filter((t) => /^[，。：；、」）]/.test(t))).toEqual([])
    expect(drawn.text.join('')).toContain('点「加入我家」，输入邀请码：')
    expect(exported).toEqual([canvas])
    expect(preview).toHaveBeenCalledWith(expect.objectContaining({ urls: ['wxfile://tmp_poster.png'], showmenu: true }))
    expect(comp.data.posterFor).toBe('')
    preview.mockRestore()
  })

  it('says so when the poster cannot be made', async () => {
    community({
      whoami: () => ok(me({ roles: [leadRole] })),
      buildingRoster: () => ok(roster()),
      listInvites: () => ok([invite()]),
      inviteQr: (p) => (p.image ? fail('INVITE_EXPIRED', '这个邀请码已过期，请生成新的邀请码') : ok(qrOf(p.code))),
    })
    canvasApis(fakeCanvas().canvas)
    const modal = jest.spyOn(wx, 'showModal').mockImplementation((() => undefined) as never)
    const comp = mount('packageLead/pages/roster', { buildingId: 'b_12' })
    await settleAll()
    await tap(comp, '#invite-K7MPQ2XA .poster')
    await settleAll()
    expect(modal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '海报没有生成', content: '这个邀请码已过期，请生成新的邀请码' }),
    )
    expect(comp.data.posterFor).toBe('')
    modal.mockRestore()
  })

  it('shares an invite as a card that opens the join page with the code, its picture the code', async () => {
    lead()
    const comp = mount('packageLead/pages/roster', { buildingId: 'b_12' })
    await settleAll()
    const page = comp.instance as unknown as {
      onShareAppMessage(o: object): { title: string; path: string; imageUrl: string }
    }
    const room = page.onShareAppMessage({ from: 'button', target: { dataset: { code: 'R8T2WX4N' } } })
    expect(room).toEqual({
      title: '12号 302 室：点开加入「邻里接力」，填房号和姓名即可',
      path: '/pages/join/index?code=R8T2WX4N',
      imageUrl: 'https://tmp.example/R8T2WX4N.png',
    })
    // From the menu: the building-wide invite.
    expect(page.onShareAppMessage({ from: 'menu' })).toEqual({
      title: '12号住户：点开加入「邻里接力」，填房号和姓名即可',
      path: '/pages/join/index?code=K7MPQ2XA',
      imageUrl: 'https://tmp.example/K7MPQ2XA.png',
    })
    expect(attr(comp, '#invite-K7MPQ2XA .share', 'openType')).toBe('share')
    expect(attr(comp, '#invite-K7MPQ2XA .share', 'data-code')).toBe('K7MPQ2XA')
  })

  it('shares a sensible card with no invite yet, never a picture of the roster', async () => {
    lead([])
    const comp = mount('packageLead/pages/roster', { buildingId: 'b_12' })
    await settleAll()
    const card = (
      comp.instance as unknown as { onShareAppMessage(o: object): Record<string, string> }
    ).onShareAppMessage({ from: 'menu' })
    expect(card).toEqual({
      title: '12号住户：点开小程序，加入我家',
      path: '/pages/index/index',
      imageUrl: '/images/share.png',
    })
  })
})

describe('the poster’s text', () => {
  it('names the building, says who may use it until when, and gives the code to type', () => {
    expect(posterText({ buildingName: '1号', code: 'K7MPQ2XA', expires: '11月27日 10:00' })).toEqual({
      title: '1号 住户加入 邻里接力',
      subtitle: '本楼住户都可以用 · 有效期至 11月27日 10:00',
      steps: [
        '1. 打开微信，点右上角「＋」，选「扫一扫」',
        '2. 对准上面的二维码扫一下',
        '3. 填写房号和姓名，等楼组长审核通过',
      ],
      fallback: '扫不了？在微信里搜「邻里接力」小程序，点「加入我家」，输入邀请码：',
      code: 'K7MP Q2XA',
      footer: '请勿撕毁 · 有问题请找楼组长',
    })
  })

  it('breaks a long line between characters', () => {
    const ctx = { measureText: (t: string) => ({ width: [...t].length * 10 }) }
    expect(wrap(ctx, '钟楼新村三十五号楼二单元', 50)).toEqual(['钟楼新村三', '十五号楼二', '单元'])
    // Punctuation stays at the end of the line it closes.
    expect(wrap(ctx, '点「加入我家」，输入', 70)).toEqual(['点「加入我家」，', '输入'])
  })
})

describe('join page: a 小程序码 and 扫一扫', () => {
  const preview = () => ok({ communityName: '阳光小区', buildingName: '12号', expiresAt: '2026-11-23T10:00:00.000Z' })

  it.each([
    ['the scene as WeChat hands it to onLoad', { scene: 'K7MPQ2XA' }],
    ['a URL-encoded scene', { scene: encodeURIComponent('K7MPQ2XA') }],
    ['an older code’s scene code=…', { scene: encodeURIComponent('code=K7MPQ2XA') }],
    ['a share card’s code', { code: 'K7MPQ2XA' }],
  ])('opens from %s and previews the invite', async (_label, query) => {
    community({ consentText, previewInvite: preview })
    const comp = mount('pages/join/index', query)
    await settleAll()
    expect(sent('previewInvite')).toEqual([{ code: 'K7MPQ2XA' }])
    expect(text(comp, '#invite-place')).toBe('阳光小区 · 12号')
  })

  it('says so when opened with a scene that holds no invite code', async () => {
    community({ consentText, previewInvite: preview })
    const comp = mount('pages/join/index', { scene: encodeURIComponent('https://example.com/a') })
    await settleAll()
    expect(sent('previewInvite')).toEqual([])
    expect(text(comp, '#code-error')).toContain('这不是邀请码的二维码')
  })

  it.each([
    ['a 小程序码 (res.path with the scene)', { path: 'pages/join/index?scene=K7MPQ2XA', result: '' }],
    ['a QR code of that path (res.result)', { result: 'pages/join/index?scene=K7MPQ2XA' }],
    ['a QR code of the bare code', { result: 'k7mp q2xa' }],
  ])('takes the code from %s', async (_label, res) => {
    community({ consentText, previewInvite: preview })
    const scan = jest
      .spyOn(wx, 'scanCode')
      .mockImplementation(((o: WechatMiniprogram.ScanCodeOption) =>
        o.success?.(res as WechatMiniprogram.ScanCodeSuccessCallbackResult)) as never)
    const comp = mount('pages/join/index')
    await settleAll()
    await tap(comp, '#scan')
    await settleAll()
    scan.mockRestore()
    expect(sent('previewInvite')).toEqual([{ code: 'K7MPQ2XA' }])
    expect(comp.data.step).toBe('form')
  })

  it('tells a scan of another QR code apart, and sends nothing', async () => {
    community({ consentText, previewInvite: preview })
    const scan = jest.spyOn(wx, 'scanCode').mockImplementation(((o: WechatMiniprogram.ScanCodeOption) =>
      o.success?.({
        result: 'https://shop.example/item/1',
      } as WechatMiniprogram.ScanCodeSuccessCallbackResult)) as never)
    const comp = mount('pages/join/index')
    await settleAll()
    await tap(comp, '#scan')
    scan.mockRestore()
    expect(sent('previewInvite')).toEqual([])
    expect(text(comp, '#code-error')).toContain('这不是邀请码的二维码')
  })

  it.each([
    ['K7MPQ2XA', 'K7MPQ2XA'],
    ['k7mp q2xa', 'K7MPQ2XA'],
    ['pages/join/index?scene=K7MPQ2XA', 'K7MPQ2XA'],
    ['/pages/join/index?scene=K7MPQ2XA&x=1', 'K7MPQ2XA'],
    ['pages%2Fjoin%2Findex%3Fscene%3DK7MPQ2XA', 'K7MPQ2XA'],
    ['code%3DK7MPQ2XA', 'K7MPQ2XA'],
    ['/pages/join/index?code=K7MPQ2XA', 'K7MPQ2XA'],
    ['https://example.com/?q=1', ''],
    ['pages/index/index', ''],
    ['AB', ''],
    ['', ''],
  ])('codeFromScan(%j) is %j', (raw, code) => {
    expect(codeFromScan(raw)).toBe(code)
  })
})

describe('chain page: sharing the round into the building’s group', () => {
  it('a card with the building, the day and the deadline, opening the home page; one even before it loaded', async () => {
    antigen({ chain: () => ok(chainView()) })
    community({ whoami: () => ok(me({ roles: [leadRole] })) })
    const comp = mount('packageAntigen/pages/chain', { roundId: 'r1', buildingId: 'b_12' })
    const page = comp.instance as unknown as { onShareAppMessage(o: object): Record<string, string> }
    expect(page.onShareAppMessage({ from: 'menu' })).toEqual({
      title: '邻里接力：本楼接龙报抗原',
      path: '/pages/index/index',
      imageUrl: '/images/share.png',
    })
    await settleAll()
    const card = page.onShareAppMessage({ from: 'menu' })
    expect(card.title).toMatch(/^12号 \d+月\d+日抗原接龙：请在 .+ 前报结果$/)
    expect(card.path).toBe(`/pages/index/index?roundId=${chainView().round.id}`)
    expect(card.imageUrl).toBe('/images/share.png')
  })
})
