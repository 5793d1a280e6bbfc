// A planned delivery's printable lists through the sheets function on localcloud, the .xlsx read back with exceljs
// (and its sheet XML for the row breaks): per building its bags in natural room order with a 合计 and a tick column,
// A4 portrait with the title and headers on every page; per volunteer their trips and doors. Who may print what:
// the committee and 团长 everything, leads their buildings with names masked, phones for the committee on request
// alone; every refusal writes nothing, an unplanned delivery says so.
import type ExcelJS from 'exceljs'
import type { Envelope, ExportFile, PlanView } from '../../typings/api'
import type { DeliveryBuildingDoc } from '../../server/delivery/model'
import type { ExportDoc } from '../../server/platform/exports'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { manyHouseholds, snapshot, WHO } from '../support/community'
import { maskName } from '../../server/community/mask'
import { buyDoc, orderDoc } from '../support/closedbuy'
import { BUY, DELIVERY, freshId, loadRelay, PEOPLE, relay } from '../support/relay'
import { openExport, rowBreaks, rowsOf } from '../support/printfiles'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

/** Ten more households in 1号, rooms 1001 … 1008, 1101, 1102: after 201 in a walk, before it as plain text. */
const MORE = manyHouseholds(10)

async function planned(): Promise<PlanView> {
  await loadRelay(t)
  const buy = buyDoc(BUY)
  await t.data.insertMany('households', MORE)
  await t.data.insertMany(
    'orders',
    MORE.map((h, i) => orderDoc(buy, h, { i1: 1 }, 6 + i)),
  )
  return relay(t).ok<PlanView>(WHO.committee, 'planDelivery', { deliveryId: DELIVERY, requestId: freshId() })
}

const exportDelivery = (openid: string, payload: object) =>
  t.call<Envelope<ExportFile>>(
    'sheets',
    { action: 'exportDelivery', payload: { deliveryId: DELIVERY, ...payload } },
    openid,
  )

const fetchFile = (openid: string, payload: object) => openExport(t, exportDelivery(openid, payload))

/** The call is refused with `code` and the database is exactly as it was (no file recorded). */
async function refusedWith(code: string, who: string, payload: object): Promise<void> {
  const before = await snapshot(t)
  expect(await exportDelivery(who, payload)).toMatchObject({ ok: false, code })
  expect(await snapshot(t)).toBe(before)
}

const doorNames = async (buildingId: string) =>
  (await t.data.get<DeliveryBuildingDoc>('deliveryBuildings', `${DELIVERY}:${buildingId}`))?.doorNames ?? []

describe('per building', () => {
  beforeAll(planned)

  it('gives a building a worksheet: its bags in natural room order, a 合计 and a blank 签收 column', async () => {
    const { wb, out } = await fetchFile(WHO.committee, { sheet: 'buildings' })
    expect(out.fileName).toBe('楼栋送货单-周末蔬菜团.xlsx')
    expect(wb.worksheets.map((w) => w.name)).toEqual(['1号', '2号', '3号'])
    const rows = rowsOf(wb.getWorksheet('1号'))
    const door = await doorNames('b1')
    expect(door.length).toBeGreaterThan(0)
    expect(rows[0]?.[0]).toBe(`周末蔬菜团 · 1号 · 13户 · 送到门口：${door.join('、')}`)
    expect(rows[2]).toEqual(['序号', '房号', '物资', '件数', '签收'])
    const body = rows.slice(3)
    // 101, 102, 201, then 1001 … 1102: never 1001 before 201.
    expect(body.slice(0, -1).map((x) => x[1])).toEqual(['1-101', '1-102', '1-201', ...MORE.map((h) => `1-${h.room}`)])
    expect(body.slice(0, -1).map((x) => x[0])).toEqual(body.slice(0, -1).map((_, i) => String(i + 1)))
    // 张三's household: two bags of potatoes and two cases of eggs, one item a line.
    expect(body[0]?.[2]?.split('\n')).toEqual([expect.stringContaining('土豆'), expect.stringContaining('鸡蛋')])
    expect(body[0]?.[3]).toBe('4')
    expect(body.slice(0, -1).every((x) => x[4] === '')).toBe(true)
    expect(body.at(-1)).toEqual(['', '合计', '13户', String(4 + 2 + 2 + 10), ''])
    // What the planning counted for the building is what the list adds up to.
    const part = await t.data.get<DeliveryBuildingDoc>('deliveryBuildings', `${DELIVERY}:b1`)
    expect(part).toMatchObject({ households: 13, pieces: 18 })
    expect(rowsOf(wb.getWorksheet('2号')).slice(3)).toEqual([
      ['1', '2-101', expect.stringContaining('土豆'), '2', ''],
      ['', '合计', '1户', '2', ''],
    ])
  })

  it('sets up each building for A4 portrait, one page wide, its title and headers repeated on every page', async () => {
    const { wb, xml } = await fetchFile(WHO.committee, { sheet: 'buildings' })
    for (const [n, ws] of wb.worksheets.entries()) {
      expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1 })
      expect(ws.pageSetup.fitToHeight).toBe(0)
      expect(ws.pageSetup.printTitlesRow).toBe('1:3')
      expect(ws.headerFooter.oddFooter).toContain('第 &P 页，共 &N 页')
      // A building per worksheet: each prints from a new page, no breaks inside.
      expect(rowBreaks(await xml(n + 1))).toEqual([])
    }
  })

  it('adds phones for the committee alone, on request', async () => {
    const plain = await fetchFile(WHO.committee, { sheet: 'buildings' })
    expect(JSON.stringify(plain.wb.worksheets.map(rowsOf))).not.toContain('1380000')
    const { wb, out } = await fetchFile(WHO.committee, { sheet: 'buildings', phones: true })
    expect(out.fileName).toBe('楼栋送货单-周末蔬菜团-含电话.xlsx')
    const rows = rowsOf(wb.getWorksheet('1号'))
    expect(rows[2]).toEqual(['序号', '房号', '物资', '件数', '签收', '电话'])
    expect(rows[3]?.slice(1, 2)).toEqual(['1-101'])
    expect(rows[3]?.[5]).toBe('13800001111、13800002222')
    expect(rows.find((x) => x[1] === '1-1001')?.[5]).toBe('')
    expect(rowsOf(wb.getWorksheet('3号'))[3]?.[5]).toBe('13800006666')
    const exports = await t.data.find<ExportDoc>('exports', { fileName: out.fileName })
    expect(exports).toEqual([expect.objectContaining({ kind: 'delivery', communityId: 'c1', by: WHO.committee })])
  })

  it('gives a lead their building only, names masked; a 营长 their 营’s; 团长 all, masked', async () => {
    const door = await doorNames('b1')
    const masked = door.map(maskName)
    for (const who of [WHO.buildingLead, WHO.floorLead]) {
      const { wb } = await fetchFile(who, { sheet: 'buildings' })
      expect(wb.worksheets.map((w) => w.name)).toEqual(['1号'])
      const rows = rowsOf(wb.getWorksheet('1号'))
      expect(rows[0]?.[0]).toBe(`周末蔬菜团 · 1号 · 13户 · 送到门口：${masked.join('、')}`)
      expect(rows.slice(3).map((x) => x[1])).toContain('1-1102')
      expect(JSON.stringify(rows)).not.toMatch(/2-101|3-301/)
    }
    const group = await fetchFile(WHO.groupLead, { sheet: 'buildings' })
    expect(group.wb.worksheets.map((w) => w.name)).toEqual(['1号', '2号'])
    const lead = await fetchFile(WHO.communityLead, { sheet: 'buildings' })
    expect(lead.wb.worksheets.map((w) => w.name)).toEqual(['1号', '2号', '3号'])
    expect(rowsOf(lead.wb.getWorksheet('1号'))[0]?.[0]).toContain(`送到门口：${masked.join('、')}`)
    expect(masked.join('')).toContain('*')
  })

  it('limits the file to one building when asked', async () => {
    const { wb, out } = await fetchFile(WHO.committee, { sheet: 'buildings', buildingId: 'b3' })
    expect(out.fileName).toBe('楼栋送货单-周末蔬菜团-3号.xlsx')
    expect(wb.worksheets.map((w) => w.name)).toEqual(['3号'])
    expect(
      rowsOf(wb.getWorksheet('3号'))
        .slice(3)
        .map((x) => x[1]),
    ).toEqual(['3-301', '合计'])
    const lead = await fetchFile(WHO.buildingLead, { sheet: 'buildings', buildingId: 'b1' })
    expect(lead.wb.worksheets.map((w) => w.name)).toEqual(['1号'])
  })

  it('refuses everyone else, phones to anyone but the committee, and another lead’s building; writes nothing', async () => {
    for (const who of [WHO.resident, WHO.volunteer, PEOPLE.building2, WHO.stranger, WHO.otherCommittee])
      await refusedWith('FORBIDDEN', who, { sheet: 'buildings' })
    for (const who of [WHO.communityLead, WHO.buildingLead])
      await refusedWith('FORBIDDEN', who, { sheet: 'buildings', phones: true })
    await refusedWith('FORBIDDEN', WHO.buildingLead, { sheet: 'buildings', buildingId: 'b3' })
    await refusedWith('FORBIDDEN', WHO.committee, { sheet: 'buildings', deliveryId: 'no-such-delivery' })
    await refusedWith('INVALID_INPUT', WHO.committee, { sheet: 'rooms' })
  })
})

describe('per volunteer', () => {
  let plan: PlanView
  beforeAll(async () => {
    plan = await planned()
  })

  it('gives each transport volunteer their trips, buildings in order with their bags, and a total', async () => {
    const { wb, out } = await fetchFile(WHO.committee, { sheet: 'volunteers' })
    expect(out.fileName).toBe('志愿者任务单-周末蔬菜团.xlsx')
    const transport = [...new Set(plan.trips.map((x) => x.openid))]
    expect(wb.worksheets).toHaveLength(transport.length + 1)
    for (const openid of transport) {
      const trips = plan.trips.filter((x) => x.openid === openid).sort((a, b) => a.no - b.no)
      const name = trips[0]?.volunteerName as string
      const rows = rowsOf(wb.getWorksheet(`运输-${name}`))
      expect(rows[0]?.[0]).toBe(`运输任务：${name}　周末蔬菜团`)
      expect(rows[2]).toEqual(['趟次', '楼栋', '袋数', '件数', '已到楼门口'])
      const expected = trips.flatMap((trip) =>
        trip.stops.map((s, i) => [
          i === 0 ? `第${trip.no}趟（${trip.bags}袋）` : '',
          s.buildingName,
          String(s.bags),
          String(s.pieces),
          '',
        ]),
      )
      const bags = trips.reduce((n, x) => n + x.bags, 0)
      const pieces = trips.reduce((n, x) => n + x.stops.reduce((m, s) => m + s.pieces, 0), 0)
      expect(rows.slice(3)).toEqual([...expected, ['合计', `${trips.length}趟`, String(bags), String(pieces), '']])
    }
    // Every bag leaves the gate on some trip: the lists add up to the delivery.
    const all = wb.worksheets.filter((w) => w.name.startsWith('运输-')).map((w) => rowsOf(w).at(-1)?.[2])
    expect(all.reduce((n, b) => n + Number(b), 0)).toBe(13 + 1 + 1)
  })

  it('gives each door-team member a page of their buildings with households, each from a new page', async () => {
    const { wb, xml } = await fetchFile(WHO.committee, { sheet: 'volunteers' })
    const ws = wb.getWorksheet('送到门口') as ExcelJS.Worksheet
    const rows = rowsOf(ws)
    expect(rows[0]?.[0]).toContain('送到门口任务：周末蔬菜团')
    expect(rows[1]).toEqual(['楼栋', '户数', '件数', '同组', '已送完'])
    const teams = Object.fromEntries(plan.doorTeams.map((d) => [d.buildingId, d.members]))
    const sections = rows.flatMap((x, i) => (x[0]?.includes('　共 ') ? [i] : []))
    expect(sections).toHaveLength(3)
    expect(rows[sections[0] as number]?.[0]).toBe(`${teams.b1?.[0]?.name}　共 1 栋、13 户`)
    expect(rows[(sections[0] as number) + 1]).toEqual(['1号', '13', '18', '', ''])
    expect(rows[(sections[1] as number) + 1]?.slice(0, 2)).toEqual(['2号', '1'])
    expect(rows[(sections[2] as number) + 1]?.slice(0, 2)).toEqual(['3号', '1'])
    // A break before the second and third person (a break after the row before each one's heading).
    const index = wb.worksheets.indexOf(ws) + 1
    expect(rowBreaks(await xml(index))).toEqual([sections[1] as number, sections[2] as number])
    expect(ws.pageSetup.printTitlesRow).toBe('1:2')
  })

  it('is the committee’s and 团长’s alone', async () => {
    const lead = await fetchFile(WHO.communityLead, { sheet: 'volunteers' })
    expect(lead.wb.worksheets.length).toBeGreaterThan(1)
    for (const who of [WHO.buildingLead, WHO.groupLead, WHO.floorLead, WHO.volunteer, WHO.resident])
      await refusedWith('FORBIDDEN', who, { sheet: 'volunteers' })
  })
})

describe('before planning', () => {
  beforeAll(() => loadRelay(t))

  it('says the delivery is not planned yet, to the committee and to leads, and writes nothing', async () => {
    for (const who of [WHO.committee, WHO.buildingLead]) await refusedWith('NOT_PLANNED', who, { sheet: 'buildings' })
    await refusedWith('FORBIDDEN', WHO.resident, { sheet: 'buildings' })
    await refusedWith('FORBIDDEN', WHO.otherCommittee, { sheet: 'buildings' })
  })
})
