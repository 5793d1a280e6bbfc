// The livelihood registers across roles in 示范二村 (c-demo-2), through the real pages in Chromium and the data in
// localcloud after each step: the committee installs the starter set with one tap (a second tap adds nothing); 1号's
// building lead adds a 配药需求 entry for a household of their building through the generated form; the committee
// sees it with the full name and exports the register.
import type { HouseholdDoc } from '../../server/community/model'
import type { RegisterEntryDoc, RegisterTypeDoc } from '../../server/registers/model'
import type { ExportDoc } from '../../server/platform/exports'
import { STARTER_SET, starterTypeId } from '../../server/registers/starter'
import ExcelJS from 'exceljs'
import { startE2E, type E2E } from '../support/e2e'
import { rowsOf } from '../support/printfiles'

const COMMUNITY = 'c-demo-2'
const COMMITTEE = 'demo2-committee-1'
/** 1号's building lead. */
const LEAD = 'demo2-lead-1'
const B1 = `${COMMUNITY}-b1`
const MEDICINE = starterTypeId(COMMUNITY, 'medicine')

let e: E2E
let home: HouseholdDoc

async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 10000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

beforeAll(async () => {
  e = await startE2E()
  // The demo installs the starter set in its first community only: 示范二村 starts without registers.
  expect(await e.t.data.count('registerTypes', { communityId: COMMUNITY })).toBe(0)
  const households = await e.t.data.findAll<HouseholdDoc>('households', { communityId: COMMUNITY, buildingId: B1 })
  home = households.find((h) => h.room === '301' && h.members.length > 0) as HouseholdDoc
  expect(home).toBeDefined()
}, 90000)
afterAll(async () => {
  await e?.stop()
})

describe('registers in 示范二村', () => {
  it('the committee installs the starter set with one tap', async () => {
    const phone = await e.phone(COMMITTEE, { at: `packageRegisters/pages/list?communityId=${COMMUNITY}` })
    await phone.$('#install').waitFor()
    await phone.tap('#install')
    await until(
      'the starter set',
      async () => (await e.t.data.count('registerTypes', { communityId: COMMUNITY })) === STARTER_SET.length,
    )
    await phone.$(`#register-${MEDICINE}`).waitFor()
    expect(await phone.texts('.register-name')).toEqual(STARTER_SET.map((s) => s.name))
    expect(await phone.$('#install').count()).toBe(0)
    const medicine = await e.t.data.get<RegisterTypeDoc>('registerTypes', MEDICINE)
    expect(medicine).toMatchObject({ name: '配药需求', needType: 'medicine', created: { openid: COMMITTEE } })
    expect(await phone.problems()).toEqual([])
  })

  it('1号’s lead adds an entry for a household of 1号 through the form', async () => {
    const phone = await e.phone(LEAD, { at: `packageRegisters/pages/list?communityId=${COMMUNITY}` })
    await phone.$(`#register-${MEDICINE}`).waitFor()
    await phone.tap(`#register-${MEDICINE}`)
    expect(await phone.route()).toBe('packageRegisters/pages/entries')
    await phone.$('#add').waitFor()
    await phone.tap('#add')
    expect(await phone.route()).toBe('packageRegisters/pages/entry')
    // The lead leads one building: it is chosen, and its rooms are offered.
    await phone.$('#household').waitFor()
    await phone.tap('#household')
    await phone.sheet('1-301')
    const member = home.members[0]?.name as string
    await phone.tap('#field-f2 .member-picker')
    await phone.sheet(member)
    await phone.type('#field-f3 .text-input', '苯磺酸氨氯地平')
    await phone.tap('#field-f7 .option:nth-child(1)')
    await phone.tap('#save')
    const entry = await until(
      'the entry',
      async () => (await e.t.data.findAll<RegisterEntryDoc>('registerEntries', { typeId: MEDICINE }))[0],
    )
    expect(entry).toMatchObject({
      communityId: COMMUNITY,
      buildingId: B1,
      householdId: home._id,
      room: '301',
      values: { f2: home.members[0]?.id, f3: '苯磺酸氨氯地平', f7: '待配' },
      memberIds: [home.members[0]?.id],
      created: { openid: LEAD },
    })
    expect(await phone.route()).toBe('packageRegisters/pages/entries')
    await phone.$(`#entry-${entry._id}`).waitFor()
    // Outside the committee the name is masked.
    expect(await phone.text(`#entry-${entry._id}`)).not.toContain(member)
    expect(await phone.problems()).toEqual([])
  })

  it('the committee sees the entry with the full name and exports the register', async () => {
    const phone = await e.phone(COMMITTEE, {
      at: `packageRegisters/pages/entries?typeId=${MEDICINE}&communityId=${COMMUNITY}`,
    })
    const [entry] = await e.t.data.findAll<RegisterEntryDoc>('registerEntries', { typeId: MEDICINE })
    await phone.$(`#entry-${entry?._id}`).waitFor()
    const member = home.members[0]?.name as string
    expect(await phone.text(`#entry-${entry?._id}`)).toContain(`人员：${member}`)
    expect(await phone.text('#total')).toBe('共 1 条登记')
    await phone.tap('#export')
    const docs = await until('the opened export', async () => {
      const d = await phone.documents()
      return d.length > 0 && d
    })
    expect(docs[0]?.name).toMatch(/^配药需求-.*\.xlsx$/)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(docs[0]?.bytes as never)
    const rows = rowsOf(wb.worksheets[0])
    expect(rows[3]?.slice(0, 5)).toEqual(['1', '1号', '301', member, '苯磺酸氨氯地平'])
    const exports = await e.t.data.findAll<ExportDoc>('exports', { communityId: COMMUNITY, kind: 'registers' })
    expect(exports).toHaveLength(1)
    expect(exports[0]?.by).toBe(COMMITTEE)
    expect(await phone.problems()).toEqual([])
  })
})
