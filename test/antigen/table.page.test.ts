import type { Envelope, RoundTable } from '../../typings/api'
import {
  antigen,
  committeeRole,
  community,
  communityLeadRole,
  fail,
  leadRole,
  me,
  ok,
  role,
  round,
  roundTable,
  sentAntigen,
  sentSheets,
  sheets,
  tableRow,
} from '../support/pages/fixtures'
import { phoneFiles, USER_DATA_PATH } from '../support/pages/documents'
import { fakeCloud, find, mount, setDataLog, settleAll, tap, text, texts, type Mounted } from '../support/pages/harness'
import { buildingIdOf, groupIdOf, largeTable, zoneIdOf } from '../support/pages/large'

const PAGE = 'packageAntigen/pages/table'
const q = { roundId: 'r_1120' }
const groupLead = role({ role: 'groupLead', place: '第1营 营长', scope: { communityId: 'c_sunny', groupId: 'g_1' } })

function answerModal(confirm: boolean) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({ confirm, cancel: !confirm, content: '', errMsg: 'showModal:ok' })
  }) as never)
}

/** The figures inside a card's grid component, as 「36应报户」. */
const figures = (comp: Mounted, selector: string) =>
  (find(comp, `${selector} .figs`)?.querySelectorAll('.figure') ?? []).map(
    (n) => n.dom?.textContent?.replace(/\s+/g, '') ?? '',
  )

describe('round table', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('shows the total, a subtotal per 营 and each building, abnormal first and in red', async () => {
    community({ whoami: () => ok(me({ roles: [groupLead] })) })
    antigen({ table: () => ok(roundTable()) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentAntigen('table')).toEqual([q])
    expect(text(comp, '#head')).toContain('11月20日 检测汇总')
    expect(text(comp, '#head')).toContain('进行中')

    expect(text(comp, '#total')).toContain('全社区合计')
    expect(text(comp, '#total')).toContain('已确认 1/3 栋')
    expect(figures(comp, '#total')).toEqual([
      '106应报户',
      '98已报户',
      '8未报户',
      '232人数',
      '227阴性',
      '2异常',
      '2无效',
      '1未测',
    ])
    expect(find(comp, '#total .figs', '.figure-positive')?.dom?.className).toContain('figure-alert')
    expect(find(comp, '#total .figs', '.figure-negative')?.dom?.className).not.toContain('figure-alert')

    expect(text(comp, '#alerts')).toContain('1 栋楼报告异常')
    expect(text(comp, '#alerts')).toContain('12号：异常 2 人')

    expect(texts(comp, '.subtotal .block-name')).toEqual(['第1营 小计', '第2营 小计'])
    expect(text(comp, '#group-g_1 .subtotal')).toContain('已确认 1/2 栋')
    expect(figures(comp, '#group-g_1 .subtotal')[0]).toBe('76应报户')
    expect(texts(comp, '.building-name')).toEqual(['12号', '1号', '21号'])
    expect(find(comp, '#row-b_12')?.dom?.className).toContain('building-abnormal')
    expect(find(comp, '#row-b_1')?.dom?.className).not.toContain('building-abnormal')
    expect(text(comp, '#row-b_12')).toContain('未确认')
    expect(text(comp, '#row-b_1')).toContain('已确认')
    expect(figures(comp, '#row-b_12')).toEqual([
      '36应报户',
      '30已报户',
      '6未报户',
      '70人数',
      '66阴性',
      '2异常',
      '1无效',
      '1未测',
    ])
    expect(comp.querySelector('#export')).toBeUndefined()
    expect(comp.querySelector('#close-round')).toBeUndefined()
  })

  it('puts a 营 with an abnormal building before the others', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    const rows = [
      tableRow({ buildingId: 'b_21', name: '21号', groupId: 'g_2', groupName: '第2营', positive: 1, negative: 23 }),
      tableRow({ buildingId: 'b_1', name: '1号' }),
    ]
    antigen({ table: () => ok(roundTable({ rows })) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(texts(comp, '.subtotal .block-name')).toEqual(['第2营 小计', '第1营 小计'])
    expect(texts(comp, '.building-name')).toEqual(['21号', '1号'])
  })

  it('shows a subtotal per 片区 (团) when the community has them', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    const rows = [tableRow({ buildingId: 'b_1', name: '1号', negative: 30, people: 30, submitted: 12 })]
    const zone = {
      zoneId: 'z_1',
      zoneName: '东片',
      buildings: 1,
      expected: 12,
      submitted: 12,
      people: 30,
      negative: 30,
      positive: 0,
      invalid: 0,
      untested: 0,
      missing: 0,
      confirmed: 0,
    }
    antigen({ table: () => ok(roundTable({ rows, zones: [zone] })) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#zone-z_1 .block-name')).toBe('东片（团）小计')
    expect(figures(comp, '#zone-z_1')).toContain('30阴性')
  })

  it('opens the abnormal follow-ups of the round', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    antigen({ table: () => ok(roundTable()) })
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#followups')
    expect(navigate).toHaveBeenCalledWith(
      expect.objectContaining({
        url: expect.stringMatching(/^\/packageAntigen\/pages\/followups\?communityId=.+&roundId=r_1120$/),
      }),
    )
  })

  it('shows how many floors their 层长 confirmed on a building not yet confirmed', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    const rows = [
      tableRow({ buildingId: 'b_1', name: '1号', confirmed: false, floors: { toConfirm: 5, confirmed: 3 } }),
      tableRow({ buildingId: 'b_2', name: '2号', confirmed: true, floors: { toConfirm: 5, confirmed: 5 } }),
      tableRow({ buildingId: 'b_3', name: '3号', confirmed: false }),
    ]
    antigen({ table: () => ok(roundTable({ rows })) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#row-b_1 .floors-tag')).toBe('楼层 3/5 已确认')
    expect(find(comp, '#row-b_2 .floors-tag')).toBeUndefined()
    expect(find(comp, '#row-b_3 .floors-tag')).toBeUndefined()
  })

  it('opens a building’s chain from its row', async () => {
    community({ whoami: () => ok(me({ roles: [leadRole] })) })
    antigen({ table: () => ok(roundTable({ scope: 'building' })) })
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#total')).toContain('本楼合计')
    await tap(comp, '#row-b_21')
    expect(navigate).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/packageAntigen/pages/chain?roundId=r_1120&buildingId=b_21' }),
    )
    await tap(comp, '#alerts .alert')
    expect(navigate).toHaveBeenLastCalledWith(
      expect.objectContaining({ url: '/packageAntigen/pages/chain?roundId=r_1120&buildingId=b_12' }),
    )
  })

  it('computes the table again on pull-down', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    let table = roundTable()
    antigen({ table: () => ok(table) })
    const stop = jest.spyOn(wx, 'stopPullDownRefresh')
    spies.push(stop)
    const comp = mount(PAGE, q)
    await settleAll()
    table = roundTable({ rows: [tableRow({ buildingId: 'b_1', name: '1号' })] })
    comp.instance.onPullDownRefresh()
    await settleAll()
    expect(sentAntigen('table')).toHaveLength(2)
    expect(texts(comp, '.building-name')).toEqual(['1号'])
    expect(comp.querySelector('#alerts')).toBeUndefined()
    expect(stop).toHaveBeenCalled()
  })

  it('lets the committee export the table to Excel and opens it by its fileID under its own name', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    antigen({ table: () => ok(roundTable()) })
    sheets({
      exportTable: () =>
        ok({
          fileID: 'cloud://test-env.test-env-bucket/exports/c_sunny/antigen_x1y2.xlsx',
          tempFileURL: 'https://tmp/r_1120.xlsx',
          fileName: '抗原检测-2026-11-20.xlsx',
        }),
    })
    const phone = phoneFiles()
    phone.put(`${USER_DATA_PATH}/exports/抗原检测-2026-11-19.xlsx`)
    const download = jest.spyOn(wx, 'downloadFile')
    spies.push(download, { mockRestore: () => phone.restore() } as jest.SpyInstance)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#export')
    await settleAll()
    expect(sentSheets('exportTable')).toEqual([q])
    // From cloud storage by fileID (no download domain needed), never the temporary URL.
    expect(fakeCloud.downloads).toEqual(['cloud://test-env.test-env-bucket/exports/c_sunny/antigen_x1y2.xlsx'])
    expect(download).not.toHaveBeenCalled()
    // Copied under the name the function chose (the viewer shows it), yesterday's copy gone.
    expect(phone.userFiles()).toEqual([`${USER_DATA_PATH}/exports/抗原检测-2026-11-20.xlsx`])
    expect(phone.opened).toEqual([
      { filePath: `${USER_DATA_PATH}/exports/抗原检测-2026-11-20.xlsx`, fileType: 'xlsx', showMenu: true },
    ])
    expect(comp.data.busy).toBe('')
  })

  it('falls back to the temporary URL when storage refuses the fileID, and still names the file', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    antigen({ table: () => ok(roundTable()) })
    sheets({
      exportTable: () =>
        ok({
          fileID: 'cloud://e.b/exports/x.xlsx',
          tempFileURL: 'https://tmp/x.xlsx',
          fileName: '抗原检测-2026-11-20.xlsx',
        }),
    })
    const phone = phoneFiles()
    fakeCloud.failDownloads = true
    const download = jest.spyOn(wx, 'downloadFile').mockImplementation(((o: WechatMiniprogram.DownloadFileOption) => {
      o.success?.({ tempFilePath: 'wxfile://tmp_url.xlsx', statusCode: 200, errMsg: 'downloadFile:ok' } as never)
      return {} as never
    }) as never)
    spies.push(download, { mockRestore: () => phone.restore() } as jest.SpyInstance)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#export')
    await settleAll()
    expect(fakeCloud.downloads).toEqual(['cloud://e.b/exports/x.xlsx'])
    expect(download).toHaveBeenCalledWith(expect.objectContaining({ url: 'https://tmp/x.xlsx' }))
    expect(phone.opened).toEqual([
      { filePath: `${USER_DATA_PATH}/exports/抗原检测-2026-11-20.xlsx`, fileType: 'xlsx', showMenu: true },
    ])
  })

  it('opens the downloaded file itself when it cannot be copied', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    antigen({ table: () => ok(roundTable()) })
    sheets({
      exportTable: () =>
        ok({ fileID: 'cloud://e.b/exports/x.xlsx', tempFileURL: '', fileName: '抗原检测-2026-11-20.xlsx' }),
    })
    const phone = phoneFiles()
    phone.failCopies = true
    spies.push({ mockRestore: () => phone.restore() } as jest.SpyInstance)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#export')
    await settleAll()
    expect(phone.opened).toEqual([{ filePath: 'wxfile://tmp_0001a1b2c3.xlsx', fileType: 'xlsx', showMenu: true }])
  })

  it('says so when the export cannot be downloaded', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    antigen({ table: () => ok(roundTable()) })
    sheets({ exportTable: () => ok({ fileID: 'cloud://e.b/exports/x.xlsx', tempFileURL: '', fileName: 'x.xlsx' }) })
    const phone = phoneFiles()
    spies.push({ mockRestore: () => phone.restore() } as jest.SpyInstance)
    fakeCloud.failDownloads = true
    const modal = jest.spyOn(wx, 'showModal').mockImplementation((() => undefined) as never)
    spies.push(modal)
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#export')
    await settleAll()
    expect(phone.opened).toEqual([])
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ content: '表格没有打开，请检查网络后再试' }))
    expect(comp.data.busy).toBe('')
  })

  it('lets the committee end the round after confirming', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    antigen({
      table: () => ok(roundTable()),
      closeRound: (p) => ok(round({ id: p.roundId, status: 'closed', closedAt: '2026-11-20T12:00:00.000Z' })),
    })
    const comp = mount(PAGE, q)
    await settleAll()

    let modal = answerModal(false)
    await tap(comp, '#close-round')
    expect(sentAntigen('closeRound')).toEqual([])
    modal.mockRestore()

    modal = answerModal(true)
    spies.push(modal)
    await tap(comp, '#close-round')
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ title: '结束本轮检测' }))
    expect(sentAntigen('closeRound')).toEqual([q])
    expect(text(comp, '#status')).toBe('已结束')
    expect(text(comp, '#closed-at')).toBe('已于 11月20日 20:00 结束')
    expect(comp.querySelector('#close-round')).toBeUndefined()
    expect(find(comp, '#export')).toBeDefined()
  })

  it('says what to do when the round has no buildings', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    antigen({ table: () => ok(roundTable({ rows: [] })) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#empty')).toContain('本轮没有楼栋')
  })

  it('shows the error and retries', async () => {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    let answer: Envelope<RoundTable> = fail('NOT_FOUND', '没有找到这一轮检测')
    antigen({ table: () => answer })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error', '.status-message')).toBe('没有找到这一轮检测')
    answer = ok(roundTable())
    await tap(comp, '#error', '.status-action')
    expect(comp.data.state).toBe('ready')
  })

  it('gives a 团长 the end of the round but not the export (names, numbers and results: the committee’s)', async () => {
    community({ whoami: () => ok(me({ roles: [communityLeadRole] })) })
    antigen({ table: () => ok(roundTable()) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.querySelector('#export')).toBeUndefined()
    expect(find(comp, '#close-round')).toBeDefined()
  })
})

describe('round table of a large community', () => {
  const page = (comp: Mounted) => comp.instance as unknown as { onReachBottom: () => void }
  const tableCalls = () => setDataLog.calls.filter((c) => c.page === PAGE)
  /** The setData that put the table on screen (state: ready). */
  const firstRender = () => tableCalls().find((c) => c.keys.includes('state') && c.keys.includes('groups'))

  async function open(table: RoundTable) {
    community({ whoami: () => ok(me({ roles: [committeeRole] })) })
    antigen({ table: () => ok(table) })
    const comp = mount(PAGE, q)
    await settleAll()
    return comp
  }

  it('shows the summaries of 1,000 buildings first, each 营 folded, in small setData calls', async () => {
    const table = largeTable(1000)
    const comp = await open(table)
    expect(text(comp, '#total')).toContain('已确认 800/1000 栋')
    expect(figures(comp, '#total')).toEqual([
      `${table.total.expected}应报户`,
      `${table.total.submitted}已报户`,
      `${table.total.missing}未报户`,
      `${table.total.people}人数`,
      `${table.total.negative}阴性`,
      `${table.total.positive}异常`,
      `${table.total.invalid}无效`,
      `${table.total.untested}未测`,
    ])
    expect(texts(comp, '.subtotal-zone .block-name')).toHaveLength(5)
    expect(figures(comp, `#zone-${zoneIdOf(1)}`)[0]).toBe(`${table.zones[0]!.expected}应报户`)
    // Every 97th building is abnormal: all ten listed, and their 营 come first.
    expect(text(comp, '#alerts .alerts-title')).toBe('10 栋楼报告异常，请尽快联系')
    expect(texts(comp, '#alerts .alert')[9]).toBe('970号：异常 1 人')
    const names = texts(comp, '.subtotal .block-name')
    expect(names).toHaveLength(50)
    expect(names.slice(0, 3)).toEqual(['第5营 小计', '第10营 小计', '第15营 小计'])
    expect(names[49]).toBe('第50营 小计')
    expect(text(comp, `#group-${groupIdOf(50)} .subtotal`)).toContain('已确认 16/20 栋')
    expect(comp.querySelectorAll('.building')).toHaveLength(0)
    expect(comp.querySelector('#more-groups')).toBeUndefined()

    const first = firstRender()!
    console.log(`table page, 1,000 buildings: first render ${first.bytes} bytes`)
    expect(first.bytes).toBeLessThan(32 * 1024)
    expect(setDataLog.largest(PAGE)!.bytes).toBe(first.bytes)

    // Open the last 营: its 20 buildings, down to the last building of the community.
    await tap(comp, `#group-${groupIdOf(50)} .group-toggle`)
    expect(texts(comp, '.building-name')).toEqual(Array.from({ length: 20 }, (_, i) => `${981 + i}号`))
    expect(figures(comp, `#row-${buildingIdOf(1000)}`)[0]).toBe('14应报户')
    expect(text(comp, `#group-${groupIdOf(50)} .group-toggle`)).toBe('收起本营楼栋')
    // An abnormal 营 keeps its abnormal building first.
    await tap(comp, `#group-${groupIdOf(49)} .group-toggle`)
    expect(texts(comp, `#group-${groupIdOf(49)} .building-name`)[0]).toBe('970号')
    expect(find(comp, `#row-${buildingIdOf(970)}`)?.dom?.className).toContain('building-abnormal')
    await tap(comp, `#group-${groupIdOf(50)} .group-toggle`)
    expect(comp.querySelector(`#row-${buildingIdOf(1000)}`)).toBeUndefined()
    expect(setDataLog.largest(PAGE)!.bytes).toBeLessThan(32 * 1024)
  })

  it('pages 1,000 buildings without 营 by 50, with 「加载更多」 and on reaching the bottom, to the last one', async () => {
    const comp = await open(largeTable(1000, { groupSize: 1000, groupsPerZone: 0 }))
    expect(texts(comp, '.subtotal .block-name')).toEqual(['第1营 小计'])
    expect(comp.querySelectorAll('.building')).toHaveLength(50)
    expect(texts(comp, '.building-name').slice(0, 2)).toEqual(['97号', '194号'])
    expect(text(comp, '.more-rows')).toBe('加载更多（还有 950 栋）')
    await tap(comp, '.more-rows')
    expect(comp.querySelectorAll('.building')).toHaveLength(100)
    for (let i = 0; i < 20; i++) page(comp).onReachBottom()
    await settleAll()
    const names = texts(comp, '.building-name')
    expect(names).toHaveLength(1000)
    expect(new Set(names).size).toBe(1000)
    expect(names[999]).toBe('1000号')
    expect(comp.querySelector('.more-rows')).toBeUndefined()
    // Each page sent only its own 50 cards.
    const pages = tableCalls().filter((c) => c.keys.some((k) => k.includes('].rows[')))
    expect(pages).toHaveLength(19)
    expect(Math.max(...pages.map((c) => c.bytes))).toBeLessThan(16 * 1024)
    expect(firstRender()!.bytes).toBeLessThan(32 * 1024)
  })

  it('keeps the open 营 open when pulled down', async () => {
    const comp = await open(largeTable(1000))
    await tap(comp, `#group-${groupIdOf(50)} .group-toggle`)
    comp.instance.onPullDownRefresh()
    await settleAll()
    expect(sentAntigen('table')).toHaveLength(2)
    expect(texts(comp, '.building-name')).toHaveLength(20)
    expect(find(comp, `#row-${buildingIdOf(1000)}`)).toBeDefined()
  })

  it('pages 13,637 buildings: 营 and abnormal buildings 50 at a time, to the last building', async () => {
    const table = largeTable(13637)
    const comp = await open(table)
    expect(text(comp, '#total')).toContain(`已确认 ${table.total.confirmed}/13637 栋`)
    expect(texts(comp, '.subtotal-zone .block-name')).toHaveLength(69)
    expect(text(comp, '#alerts .alerts-title')).toBe('140 栋楼报告异常，请尽快联系')
    expect(texts(comp, '#alerts .alert')).toHaveLength(50)
    await tap(comp, '#more-alerts')
    await tap(comp, '#more-alerts')
    expect(texts(comp, '#alerts .alert')).toHaveLength(140)
    expect(comp.querySelector('#more-alerts')).toBeUndefined()

    expect(texts(comp, '.subtotal .block-name')).toHaveLength(50)
    expect(text(comp, '#more-groups')).toBe('加载更多营（还有 632 个营）')
    await tap(comp, '#more-groups')
    for (let i = 0; i < 20; i++) page(comp).onReachBottom()
    await settleAll()
    const names = texts(comp, '.subtotal .block-name')
    expect(names).toHaveLength(682)
    expect(names[681]).toBe('第682营 小计')
    expect(comp.querySelector('#more-groups')).toBeUndefined()
    await tap(comp, `#group-${groupIdOf(682)} .group-toggle`)
    expect(texts(comp, '.building-name').at(-1)).toBe('13637号')

    console.log(`table page, 13,637 buildings: first render ${firstRender()!.bytes} bytes`)
    expect(firstRender()!.bytes).toBeLessThan(64 * 1024)
    expect(setDataLog.largest(PAGE)!.bytes).toBe(firstRender()!.bytes)
  })
})
