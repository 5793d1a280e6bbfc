import type { ConsentView, Envelope, MemberResultView, MySubmissionView } from '../../typings/api'
import {
  antigen,
  callOrder,
  chainView,
  community,
  consentText,
  fail,
  HEALTH,
  household201,
  leadRole,
  me,
  mySubmission,
  ok,
  PHOTO_URL,
  residentRole,
  roster,
  sent,
  sentAntigen,
} from '../support/pages/fixtures'
import { attr, fakeCloud, find, fire, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'
import { privacy } from '../setup/miniprogram'
import { PRIVACY_DECLINED } from '../../miniprogram/services/privacy'

const PAGE = 'packageAntigen/pages/submit'
const q = { roundId: 'r_1120', householdId: 'hh_201' }
const health: ConsentView = { kind: 'health', version: '2026-11-v1', acceptedAt: '2026-11-19T02:00:00.000Z' }
const T0 = Date.parse('2026-11-20T01:00:00.000Z') // 09:00 in Shanghai
const MIN = 60 * 1000

/** The camera answers with one photo; compression and the file size are as given. */
function camera(size = 320 * 1024) {
  return [
    jest.spyOn(wx, 'chooseMedia').mockImplementation(((o: WechatMiniprogram.ChooseMediaOption) => {
      o.success?.({
        tempFiles: [
          {
            tempFilePath: 'wxfile://tmp_kit.jpg',
            size: 4 * 1024 * 1024,
            duration: 0,
            height: 4000,
            width: 3000,
            thumbTempFilePath: '',
            fileType: 'image',
          },
        ],
        type: 'image',
        errMsg: 'chooseMedia:ok',
      } as never)
    }) as never),
    jest.spyOn(wx, 'compressImage').mockImplementation(((o: WechatMiniprogram.CompressImageOption) => {
      o.success?.({ tempFilePath: 'wxfile://tmp_kit_small.jpg', errMsg: 'compressImage:ok' })
    }) as never),
    jest.spyOn(wx, 'getFileSystemManager').mockReturnValue({
      getFileInfo: (o: WechatMiniprogram.GetFileInfoOption) =>
        o.success?.({ size, digest: '', errMsg: 'getFileInfo:ok' } as never),
    } as never),
  ]
}

function answerModal(confirm: boolean) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({ confirm, cancel: !confirm, content: '', errMsg: 'showModal:ok' })
  }) as never)
}

/** A resident of 12-201 with the health consent, whose round answers as the function would. */
function resident(
  options: {
    submission?: MySubmissionView
    submit?: (p: { members: unknown[] }) => Envelope<MySubmissionView>
    consents?: ConsentView[]
  } = {},
) {
  let current = options.submission ?? mySubmission()
  community({
    whoami: () => ok(me({ roles: [residentRole], households: [household201], consents: options.consents ?? [health] })),
    consentText,
    giveConsent: (p) => ok({ kind: p.kind, version: p.version, acceptedAt: '2026-11-20T01:20:00.000Z' }),
  })
  antigen({
    myRounds: () => ok([current]),
    submit: (p) => {
      if (options.submit) return options.submit(p)
      current = {
        ...current,
        submitted: true,
        no: 7,
        members: p.members.map((m) => ({
          ...m,
          name: current.members.find((x) => x.memberId === m.memberId)?.name ?? '',
          ...(m.photo ? { photoUrl: `https://tmp/${m.memberId}.jpg` } : {}),
        })),
      }
      return ok(current)
    },
  })
}

describe('antigen submission', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('shows one card per member with four big result buttons', async () => {
    resident()
    const comp = mount(PAGE, q)
    expect(text(comp, '#loading')).toBe('正在加载…')
    await settleAll()
    expect(sentAntigen('myRounds')).toEqual([{}])
    expect(text(comp, '#head')).toContain('12-201')
    expect(text(comp, '#head')).toContain('11月20日 · 截止 18:00')
    expect(text(comp, '#head')).toContain('滴样后等满 15 分钟再拍照')
    expect(texts(comp, '.member-name')).toEqual(['王建国', '王小明'])
    expect(texts(comp, '#member-m_1 .result')).toEqual(['阴性', '异常（阳性）', '无效', '未测'])
    expect(comp.querySelector('#health-consent')).toBeUndefined()
    expect(sent('consentText')).toEqual([])
  })

  it('will not submit until every member has a result, and 未测 has a reason', async () => {
    resident()
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#submit')
    expect(text(comp, '#form-error')).toBe('还有 2 位没有填好，请看红色提示')
    expect(text(comp, '#member-m_1 .member-error-text')).toBe('请选择这一位的检测结果')

    await tap(comp, '#result-m_1-untested')
    await tap(comp, '#result-m_2-untested')
    expect(comp.data.members[0].result).toBe('untested')
    expect(find(comp, '#result-m_1-untested')?.dom?.className).toContain('result-on')
    expect(texts(comp, '#member-m_1 .reason')).toEqual(['已在外检测', '不在家', '其他'])
    expect(comp.querySelector('#member-m_1 .take-photo')).toBeUndefined()
    await tap(comp, '#submit')
    expect(text(comp, '#member-m_1 .member-error-text')).toBe('请选择或填写没有检测的原因')
    expect(sentAntigen('submit')).toEqual([])

    await tap(comp, '#reason-m_1-1')
    await tap(comp, '#reason-m_2-2')
    expect(find(comp, '#member-m_2 .reason-input')).toBeDefined()
    await tap(comp, '#submit')
    expect(text(comp, '#member-m_2 .member-error-text')).toBe('请选择或填写没有检测的原因')
    await type(comp, ' 住院 ', '#member-m_2 .reason-input')
    await tap(comp, '#submit')
    expect(sentAntigen('submit')).toEqual([
      {
        roundId: 'r_1120',
        householdId: 'hh_201',
        members: [
          { memberId: 'm_1', result: 'untested', reason: '不在家' },
          { memberId: 'm_2', result: 'untested', reason: '住院' },
        ],
      },
    ])
  })

  it('times 15 minutes, takes the photo with the camera, compresses, uploads and sends the exact payload', async () => {
    resident()
    const now = jest.spyOn(Date, 'now').mockReturnValue(T0)
    spies.push(now, ...camera(320 * 1024))
    const comp = mount(PAGE, q)
    await settleAll()

    expect(text(comp, '#member-m_1 .start-timer')).toBe('开始计时（15分钟）')
    await tap(comp, '#member-m_1 .start-timer')
    expect(text(comp, '#member-m_1 .timer-text')).toBe('已计时，还剩 15 分钟才能看结果')
    expect(wx.getStorageSync('antigen-draft:hh_201')).toEqual({
      roundId: 'r_1120',
      members: { m_1: { startedAt: '2026-11-20T01:00:00.000Z' } },
    })
    await tap(comp, '#result-m_1-negative')
    expect(text(comp, '#member-m_1 .take-photo')).toBe('拍试剂照片（还剩 15 分钟）')

    now.mockReturnValue(T0 + 16 * MIN)
    comp.instance.onShow()
    expect(text(comp, '#member-m_1 .timer-text')).toBe('已满 15 分钟，可以看结果、拍照了')
    expect(text(comp, '#member-m_1 .take-photo')).toBe('拍试剂照片')

    await tap(comp, '#member-m_1 .take-photo')
    expect(wx.chooseMedia).toHaveBeenCalledWith(
      expect.objectContaining({ count: 1, mediaType: ['image'], sourceType: ['camera'] }),
    )
    expect(wx.compressImage).toHaveBeenCalledWith(expect.objectContaining({ src: 'wxfile://tmp_kit.jpg', quality: 60 }))
    expect(fakeCloud.uploads).toEqual([
      { cloudPath: `antigen/r_1120/hh_201/m_1-${T0 + 16 * MIN}.jpg`, filePath: 'wxfile://tmp_kit_small.jpg' },
    ])
    expect(text(comp, '#member-m_1 .photo')).toContain('已上传 · 320 KB')
    expect(attr(comp, '#member-m_1 .photo-image', 'src')).toBe('wxfile://tmp_kit_small.jpg')
    expect(comp.querySelector('#member-m_1 .early')).toBeUndefined()

    await tap(comp, '#result-m_2-positive')
    await tap(comp, '#member-m_2 .take-photo')
    await tap(comp, '#submit')
    expect(sentAntigen('submit')).toEqual([
      {
        roundId: 'r_1120',
        householdId: 'hh_201',
        members: [
          {
            memberId: 'm_1',
            result: 'negative',
            photo: `cloud://test-env.test-env-bucket/antigen/r_1120/hh_201/m_1-${T0 + 16 * MIN}.jpg`,
            photoSize: 320 * 1024,
            startedAt: '2026-11-20T01:00:00.000Z',
            photoAt: '2026-11-20T01:16:00.000Z',
          },
          {
            memberId: 'm_2',
            result: 'positive',
            photo: `cloud://test-env.test-env-bucket/antigen/r_1120/hh_201/m_2-${T0 + 16 * MIN}.jpg`,
            photoSize: 320 * 1024,
            photoAt: '2026-11-20T01:16:00.000Z',
          },
        ],
      },
    ])
    // Kept for edits: the API never returns a photo's fileID.
    expect(wx.getStorageSync('antigen-draft:hh_201').members.m_1).toEqual({
      startedAt: '2026-11-20T01:00:00.000Z',
      photo: {
        fileID: `cloud://test-env.test-env-bucket/antigen/r_1120/hh_201/m_1-${T0 + 16 * MIN}.jpg`,
        size: 320 * 1024,
        path: 'wxfile://tmp_kit_small.jpg',
        photoAt: '2026-11-20T01:16:00.000Z',
      },
    })
  })

  it('warns before a photo taken before 15 minutes, and marks it early when taken anyway', async () => {
    resident()
    const now = jest.spyOn(Date, 'now').mockReturnValue(T0)
    spies.push(now, ...camera())
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#member-m_1 .start-timer')
    await tap(comp, '#result-m_1-negative')

    now.mockReturnValue(T0 + 5 * MIN)
    let modal = answerModal(false)
    await tap(comp, '#member-m_1 .take-photo')
    expect(modal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '还没到15分钟', confirmText: '现在拍', cancelText: '再等等' }),
    )
    expect((modal.mock.calls[0]?.[0] as { content: string }).content).toContain('还剩 10 分钟')
    expect(wx.chooseMedia).not.toHaveBeenCalled()
    modal.mockRestore()

    modal = answerModal(true)
    await tap(comp, '#member-m_1 .take-photo')
    modal.mockRestore()
    expect(fakeCloud.uploads).toHaveLength(1)
    expect(text(comp, '#member-m_1 .early')).toContain('拍照时还没到 15 分钟')
    expect(comp.data.members[0]).toMatchObject({
      startedAt: '2026-11-20T01:00:00.000Z',
      photoAt: '2026-11-20T01:05:00.000Z',
    })
  })

  it('refuses a photo over 2 MB before uploading it', async () => {
    resident()
    spies.push(...camera(2.5 * 1024 * 1024))
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#result-m_1-negative')
    await tap(comp, '#member-m_1 .take-photo')
    expect(fakeCloud.uploads).toEqual([])
    expect(text(comp, '#member-m_1 .member-error-text')).toBe(
      '照片有 2.5 MB，超过 2 MB，不能上传。请靠近试剂、只拍试剂重新拍一张',
    )
    await tap(comp, '#result-m_2-untested')
    await tap(comp, '#member-m_2 .reason')
    await tap(comp, '#submit')
    expect(text(comp, '#member-m_1 .member-error-text')).toBe('请拍一张试剂照片')
    expect(sentAntigen('submit')).toEqual([])
  })

  it('asks for the privacy authorisation before the camera, and opens it only once the user agrees', async () => {
    resident()
    spies.push(...camera())
    privacy.agreed = false
    const comp = mount(PAGE, q)
    await settleAll()
    expect(find(comp, '#privacy', '.privacy-title')).toBeUndefined()
    await tap(comp, '#result-m_1-negative')
    await tap(comp, '#member-m_1 .take-photo')
    expect(privacy.asked).toBe(1)
    expect(text(comp, '#privacy', '.privacy-title')).toBe('隐私保护提示')
    expect(wx.chooseMedia).not.toHaveBeenCalled()

    await tap(comp, '#privacy', '.btn-secondary')
    expect(find(comp, '#privacy', '.privacy-title')).toBeUndefined()
    expect(wx.chooseMedia).not.toHaveBeenCalled()
    expect(text(comp, '#member-m_1 .member-error-text')).toBe(PRIVACY_DECLINED)

    const contract = jest.spyOn(wx, 'openPrivacyContract')
    spies.push(contract)
    await tap(comp, '#member-m_1 .take-photo')
    await tap(comp, '#privacy', '.privacy-link')
    expect(contract).toHaveBeenCalledTimes(1)
    await fire(comp, 'agreeprivacyauthorization', {}, '#privacy', '#agree-privacy')
    expect(find(comp, '#privacy', '.privacy-title')).toBeUndefined()
    expect(wx.chooseMedia).toHaveBeenCalledTimes(1)
    expect(fakeCloud.uploads).toHaveLength(1)

    // Agreed once: the camera opens straight away from now on.
    await tap(comp, '#member-m_1 .take-photo')
    expect(privacy.asked).toBe(2)
    expect(wx.chooseMedia).toHaveBeenCalledTimes(2)
  })

  it('says so when the upload fails, and leaves the camera closed quietly when cancelled', async () => {
    resident()
    spies.push(...camera())
    fakeCloud.failUploads = true
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#result-m_1-invalid')
    await tap(comp, '#member-m_1 .take-photo')
    expect(text(comp, '#member-m_1 .member-error-text')).toBe('照片没有上传成功，请检查网络后重新拍摄')
    expect(comp.data.members[0].uploading).toBe(false)

    spies.push(
      jest.spyOn(wx, 'chooseMedia').mockImplementation(((o: WechatMiniprogram.ChooseMediaOption) => {
        o.fail?.({ errMsg: 'chooseMedia:fail cancel' })
      }) as never),
    )
    fakeCloud.failUploads = false
    await tap(comp, '#member-m_2 .start-timer')
    await tap(comp, '#result-m_2-negative')
    await tap(comp, '#member-m_2 .take-photo')
    expect(fakeCloud.uploads).toHaveLength(1)
    expect(comp.data.members[1].error).toBe('')
  })

  it('asks for the health consent first when it is missing, then gives it and submits', async () => {
    resident({ consents: [] })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sent('consentText')).toEqual([{ kind: 'health' }])
    expect(text(comp, '#health-consent')).toContain(HEALTH.title)
    expect(text(comp, '#health-consent')).toContain('提交检测结果前需要同意')

    await tap(comp, '#result-m_1-untested')
    await tap(comp, '#member-m_1 .reason')
    await tap(comp, '#result-m_2-untested')
    await tap(comp, '#member-m_2 .reason')
    await tap(comp, '#submit')
    expect(text(comp, '#health-consent', '.consent-message')).toBe('请阅读并勾选同意健康信息授权后再提交')
    expect(sent('giveConsent')).toEqual([])
    expect(sentAntigen('submit')).toEqual([])

    await tap(comp, '#health-consent', '.consent-tick')
    await tap(comp, '#submit')
    expect(sent('giveConsent')).toEqual([{ kind: 'health', version: HEALTH.version }])
    expect(callOrder().slice(-2)).toEqual(['community.giveConsent', 'antigen.submit'])
    expect(getApp<IAppOption>().globalData.me?.consents.map((c) => c.kind)).toEqual(['health'])
    expect(comp.querySelector('#health-consent')).toBeUndefined()
  })

  it('shows the consent when the function still asks for it', async () => {
    resident({ submit: () => fail('HEALTH_CONSENT_REQUIRED', '提交检测结果前，请先同意健康信息授权') })
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#result-m_1-untested')
    await tap(comp, '#member-m_1 .reason')
    await tap(comp, '#result-m_2-untested')
    await tap(comp, '#member-m_2 .reason')
    await tap(comp, '#submit')
    expect(text(comp, '#form-error')).toBe('提交检测结果前，请先同意健康信息授权')
    expect(find(comp, '#health-consent')).toBeDefined()
  })

  it.each([
    ['ROUND_CLOSED', '本轮检测已结束，不能再提交', '#closed'],
    ['BUILDING_CONFIRMED', '本楼已经确认，如需修改请联系楼组长', '#locked'],
  ] as const)('shows %s and stops offering to submit', async (code, message, notice) => {
    resident({ submit: () => fail(code, message) })
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#result-m_1-untested')
    await tap(comp, '#member-m_1 .reason')
    await tap(comp, '#result-m_2-untested')
    await tap(comp, '#member-m_2 .reason')
    await tap(comp, '#submit')
    expect(text(comp, '#form-error')).toBe(message)
    expect(find(comp, notice)).toBeDefined()
    expect(comp.querySelector('#submit')).toBeUndefined()
  })

  it('puts an error with a field on the member it names', async () => {
    resident({ submit: () => fail('PHOTO_INVALID', '照片没有上传成功，请重新拍摄', 'members.1.photo') })
    spies.push(...camera())
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#result-m_1-untested')
    await tap(comp, '#member-m_1 .reason')
    await tap(comp, '#result-m_2-negative')
    await tap(comp, '#member-m_2 .take-photo')
    await tap(comp, '#submit')
    expect(text(comp, '#form-error')).toBe('照片没有上传成功，请重新拍摄')
    expect(text(comp, '#member-m_2 .member-error-text')).toBe('照片没有上传成功，请重新拍摄')
    expect(comp.data.members[0].error).toBe('')
  })

  it('says the number is coming when the submission is not numbered yet, never 第 0 位', async () => {
    let sent: MySubmissionView | undefined
    resident({
      submit: (p) => {
        sent = {
          ...mySubmission(),
          submitted: true,
          no: 0,
          members: p.members.map((m) => ({ ...(m as MemberResultView), name: '王建国' })),
        } as MySubmissionView
        return ok(sent)
      },
    })
    spies.push(jest.spyOn(Date, 'now').mockReturnValue(T0), ...camera())
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#result-m_1-negative')
    await tap(comp, '#member-m_1 .take-photo')
    await tap(comp, '#result-m_2-untested')
    await tap(comp, '#member-m_2 .reason')
    await tap(comp, '#submit')
    expect(sent?.no).toBe(0)
    expect(text(comp, '#done .done-no')).toBe('已提交 · 正在排接龙号，稍后下拉刷新可看到')
  })

  it('shows the chain number, a calm message for a positive, and edits re-sending the photo taken', async () => {
    resident()
    spies.push(jest.spyOn(Date, 'now').mockReturnValue(T0), ...camera())
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#result-m_1-positive')
    await tap(comp, '#member-m_1 .take-photo')
    await tap(comp, '#result-m_2-untested')
    await tap(comp, '#member-m_2 .reason')
    await tap(comp, '#submit')

    expect(text(comp, '#done .done-no')).toBe('已接龙 · 第 7 位')
    expect(texts(comp, '.done-row')).toEqual(['王建国异常（阳性）', '王小明未测已在外检测'])
    expect(text(comp, '#positive-notice')).toContain('已通知楼组长和居委')
    expect(text(comp, '#positive-notice')).toContain('请不要紧张')
    expect(comp.querySelector('#member-m_1')).toBeUndefined()

    await tap(comp, '#edit')
    expect(comp.data.members[0]).toMatchObject({ result: 'positive', photoPath: 'wxfile://tmp_kit_small.jpg' })
    expect(comp.data.members[1]).toMatchObject({ result: 'untested', reasonChoice: '已在外检测' })
    await tap(comp, '#result-m_2-untested')
    await tap(comp, '#reason-m_2-1')
    await tap(comp, '#submit')
    const edit = sentAntigen('submit')[1]
    expect(edit?.members).toEqual([
      {
        memberId: 'm_1',
        result: 'positive',
        photo: `cloud://test-env.test-env-bucket/antigen/r_1120/hh_201/m_1-${T0}.jpg`,
        photoSize: 320 * 1024,
        photoAt: '2026-11-20T01:00:00.000Z',
      },
      { memberId: 'm_2', result: 'untested', reason: '不在家' },
    ])
    expect(text(comp, '#done .done-no')).toBe('已接龙 · 第 7 位')
  })

  it('no longer offers edits once the building is confirmed', async () => {
    resident({
      submission: mySubmission({
        submitted: true,
        no: 3,
        locked: true,
        members: [
          { memberId: 'm_1', name: '王建国', result: 'negative', photoUrl: PHOTO_URL },
          { memberId: 'm_2', name: '王小明', result: 'invalid', photoUrl: PHOTO_URL },
        ],
      }),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#done .done-no')).toBe('已接龙 · 第 3 位')
    expect(text(comp, '#locked')).toContain('如有错误，请联系楼组长')
    expect(comp.querySelector('#edit')).toBeUndefined()
    expect(text(comp, '#invalid-notice')).toContain('换一个新的重新测')
  })

  it('shows the error and retries, and says what to do when the round is gone', async () => {
    let broken = true
    community({ whoami: () => ok(me({ households: [household201], consents: [health] })) })
    antigen({ myRounds: () => (broken ? fail('INTERNAL', '服务暂时不可用，请稍后再试') : ok([])) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error', '.status-message')).toBe('服务暂时不可用，请稍后再试')
    broken = false
    await tap(comp, '#error', '.status-action')
    expect(text(comp, '#error', '.status-message')).toContain('本轮可能已经结束，请回首页查看')
  })

  it('says what to do for a household with no members in the ledger', async () => {
    resident({ submission: mySubmission({ members: [] }) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#empty')).toContain('请联系楼组长补登')
  })

  it('lets a lead submit for a household (代报) from its roster entry', async () => {
    community({ whoami: () => ok(me({ roles: [leadRole], consents: [health] })), buildingRoster: () => ok(roster()) })
    antigen({
      chain: () => ok(chainView({ entries: [] })),
      submit: (p) => ok(mySubmission({ householdId: p.householdId, submitted: true, no: 12 })),
    })
    const subscribe = jest.spyOn(wx, 'requestSubscribeMessage')
    spies.push(subscribe)
    const comp = mount(PAGE, { roundId: 'r_1120', householdId: 'hh_302', buildingId: 'b_12' })
    await settleAll()
    expect(sentAntigen('chain')).toEqual([{ roundId: 'r_1120', buildingId: 'b_12' }])
    expect(sent('buildingRoster')).toEqual([{ buildingId: 'b_12' }])
    expect(sentAntigen('myRounds')).toEqual([])
    expect(text(comp, '#head')).toContain('12-302')
    expect(text(comp, '#head')).toContain('代报')
    expect(texts(comp, '.member-name')).toEqual(['李秀英'])

    await tap(comp, '#result-m_3-untested')
    await tap(comp, '#reason-m_3-1')
    await tap(comp, '#submit')
    expect(subscribe).not.toHaveBeenCalled()
    expect(sentAntigen('submit')).toEqual([
      {
        roundId: 'r_1120',
        householdId: 'hh_302',
        members: [{ memberId: 'm_3', result: 'untested', reason: '不在家' }],
      },
    ])
    expect(text(comp, '#done .done-no')).toBe('已接龙 · 第 12 位')
  })

  it('asks a household for the reminder and round-opened notifications in one request', async () => {
    resident()
    const subscribe = jest.spyOn(wx, 'requestSubscribeMessage')
    spies.push(subscribe)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#result-m_1-untested')
    await tap(comp, '#member-m_1 .reason')
    await tap(comp, '#result-m_2-untested')
    await tap(comp, '#member-m_2 .reason')
    await tap(comp, '#submit')
    expect(subscribe).toHaveBeenCalledTimes(1)
    expect(subscribe).toHaveBeenCalledWith(
      expect.objectContaining({ tmplIds: ['TPL_ANTIGEN_REMINDER', 'TPL_ROUND_OPENED'] }),
    )
  })

  it('reports the accepted templates to the credits ledger and turns on 开轮提醒 after the submission', async () => {
    resident()
    const subscribe = jest.spyOn(wx, 'requestSubscribeMessage').mockImplementation(((
      o: WechatMiniprogram.RequestSubscribeMessageOption,
    ) => {
      o.success?.({
        errMsg: 'requestSubscribeMessage:ok',
        ...Object.fromEntries(o.tmplIds.map((id) => [id, 'accept'])),
      })
    }) as never)
    spies.push(subscribe)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#result-m_1-untested')
    await tap(comp, '#member-m_1 .reason')
    await tap(comp, '#result-m_2-untested')
    await tap(comp, '#member-m_2 .reason')
    await tap(comp, '#submit')
    await settleAll()
    expect(sent('recordSubscription')).toEqual([
      {
        templateIds: ['TPL_ANTIGEN_REMINDER', 'TPL_ROUND_OPENED'],
        accepted: ['TPL_ANTIGEN_REMINDER', 'TPL_ROUND_OPENED'],
        // The build this is (wx.getAccountInfoSync), so the messages open it: 开发版 in the test harness.
        envVersion: 'develop',
      },
    ])
    expect(sentAntigen('submit')).toHaveLength(1)
    expect(sentAntigen('subscribeRounds')).toEqual([{ communityId: mySubmission().round.communityId }])
  })

  it('keeps a photo taken on this phone when the page is left and opened again', async () => {
    resident()
    spies.push(...camera())
    let comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#result-m_1-negative')
    await tap(comp, '#member-m_1 .take-photo')

    comp = mount(PAGE, q)
    await settleAll()
    expect(comp.data.members[0]).toMatchObject({ result: '', photoPath: 'wxfile://tmp_kit_small.jpg' })
    await tap(comp, '#result-m_1-negative')
    await tap(comp, '#result-m_2-untested')
    await tap(comp, '#reason-m_2-0')
    await tap(comp, '#submit')
    expect(fakeCloud.uploads).toHaveLength(1)
    expect(sentAntigen('submit')[0]?.members[0]).toMatchObject({ memberId: 'm_1', photo: expect.any(String) })
  })

  it('asks for a new photo to change a result submitted from another phone', async () => {
    resident({
      submission: mySubmission({
        submitted: true,
        no: 4,
        members: [
          { memberId: 'm_1', name: '王建国', result: 'negative' },
          { memberId: 'm_2', name: '王小明', result: 'untested', reason: '在外地' },
        ],
      }),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(texts(comp, '.done-row')).toEqual(['王建国阴性', '王小明未测在外地'])
    await tap(comp, '#edit')
    expect(comp.data.members[1]).toMatchObject({ reasonChoice: '其他', reasonText: '在外地' })
    await tap(comp, '#submit')
    expect(text(comp, '#member-m_1 .member-error-text')).toBe('修改结果需要重新拍一张试剂照片')
    expect(sentAntigen('submit')).toEqual([])
    await tap(comp, '#cancel-edit')
    expect(text(comp, '#done .done-no')).toBe('已接龙 · 第 4 位')
  })

  it('still takes a household that has not submitted after the building was confirmed', async () => {
    resident({ submission: mySubmission({ locked: true }) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.querySelector('#locked')).toBeUndefined()
    expect(text(comp, '#submit')).toBe('提交接龙')
  })

  it('does not ask for the health consent when a family member submits for the household they manage (代管)', async () => {
    community({
      whoami: () => ok(me({ roles: [residentRole], households: [{ ...household201, proxy: true }], consents: [] })),
    })
    antigen({ myRounds: () => ok([mySubmission()]) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#head')).toContain('代报')
    expect(comp.querySelector('#health-consent')).toBeUndefined()
    expect(sent('consentText')).toEqual([])
  })

  it('tells a lead that submitting for a confirmed building reopens it', async () => {
    community({ whoami: () => ok(me({ roles: [leadRole], consents: [] })), buildingRoster: () => ok(roster()) })
    antigen({ chain: () => ok(chainView({ confirmed: true, confirmedAt: '2026-11-20T09:00:00.000Z' })) })
    const comp = mount(PAGE, { roundId: 'r_1120', householdId: 'hh_201', buildingId: 'b_12' })
    await settleAll()
    expect(text(comp, '#reopens')).toBe('本楼已确认；提交后本楼需要重新确认。')
    expect(comp.querySelector('#locked')).toBeUndefined()
    expect(comp.querySelector('#health-consent')).toBeUndefined()
    // Its chain entry fills the form: the lead sees what was submitted.
    expect(comp.data.members[0]).toMatchObject({ name: '王建国', result: 'negative', photoPath: PHOTO_URL })
  })
})
