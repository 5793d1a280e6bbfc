// What the registers keep and for how long, on localcloud: entries stay while the community uses the service; a
// person's deletion removes the entries naming them (the household's all, with its last member) and their photos;
// a closed community's deletion removes every type, entry and import; the consent text and the committee's
// retention schedule say so.
import type { Envelope, RegisterEntryView, RetentionSchedule } from '../../typings/api'
import { CONSENTS } from '../../server/community/consent'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, C2, H, loadFixture, WHO } from '../support/community'
import { freshId, installStarter, registers, STARTER } from '../support/registers'

const MINUTE = 60_000
// The smallest JPEG header the photo check reads.
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0])

let t: TestCloud
let r: ReturnType<typeof registers>
beforeAll(async () => {
  t = await startTestCloud()
  r = registers(t)
})
afterAll(() => t.stop())
beforeEach(async () => {
  await loadFixture(t)
  await installStarter(t)
})

async function medicine(householdId: string, memberId: string, photo?: string): Promise<RegisterEntryView> {
  return r.ok<RegisterEntryView>(WHO.committee, 'addRegisterEntry', {
    typeId: STARTER('medicine'),
    householdId,
    requestId: freshId(),
    values: { f2: memberId, f3: '硝苯地平', f7: '待配', ...(photo ? { f6: photo } : {}) },
  })
}

async function photo(): Promise<string> {
  const res = (await t.sdk.uploadFile({
    cloudPath: `registers/${C1}/${STARTER('medicine')}/p-${freshId()}.jpg`,
    fileContent: JPEG,
  })) as { fileID: string }
  return res.fileID
}

async function stored(fileID: string): Promise<boolean> {
  const res = (await t.sdk.getTempFileURL({ fileList: [fileID] })) as { fileList: { status: number }[] }
  return res.fileList[0]?.status === 0
}

describe('a person deleting their data', () => {
  it('removes the entries naming them and their photos, and leaves their household’s others', async () => {
    const file = await photo()
    const theirs = await medicine(H.b1r101._id, 'm-zhang', file)
    const other = await medicine(H.b1r101._id, 'm-li')
    // A photo is shown to leads and above, as a temporary link.
    const view = await r.ok<{ entries: RegisterEntryView[] }>(WHO.buildingLead, 'registerEntries', {
      typeId: STARTER('medicine'),
    })
    expect(view.entries.find((e) => e.id === theirs.id)?.cells.find((c) => c.fieldId === 'f6')?.photoUrl).toBeTruthy()
    const reply = await t.call<Envelope<unknown>>(
      'community',
      { action: 'deleteMyData', payload: { householdId: H.b1r101._id, confirm: '删除' } },
      WHO.resident,
    )
    expect(reply.ok).toBe(true)
    expect(await t.data.get('registerEntries', theirs.id)).toBeNull()
    expect(await t.data.get('registerEntries', other.id)).not.toBeNull()
    expect(await stored(file)).toBe(false)
  })

  it('removes every entry of the household with its last member', async () => {
    const a = await medicine(H.b2r101._id, 'm-qian')
    const gas = await r.ok<RegisterEntryView>(WHO.committee, 'addRegisterEntry', {
      typeId: STARTER('gas'),
      householdId: H.b2r101._id,
      requestId: freshId(),
      values: { f3: 'IC卡', f4: 100, f5: '2026-11-24', f6: '待充值' },
    })
    const elsewhere = await medicine(H.b1r102._id, 'm-wang')
    const reply = await t.call<Envelope<unknown>>(
      'community',
      { action: 'deleteMyData', payload: { householdId: H.b2r101._id, confirm: '删除' } },
      WHO.residentB2,
    )
    expect(reply.ok).toBe(true)
    for (const id of [a.id, gas.id]) expect(await t.data.get('registerEntries', id)).toBeNull()
    expect(await t.data.get('registerEntries', elsewhere.id)).not.toBeNull()
  })
})

describe('a closed community', () => {
  it('keeps the registers until its data goes, then removes every type, entry, import and photo', async () => {
    const file = await photo()
    await medicine(H.b1r101._id, 'm-zhang', file)
    await r.ok(WHO.otherCommittee, 'installStarterSet', { communityId: C2 })
    const closed = await t.call<{ ok: true; data: { deleteAfter: string } }>(
      'community',
      { action: 'closeCommunity', payload: { communityId: C1, confirm: '测试小区' } },
      WHO.committee,
    )
    expect(closed.ok).toBe(true)
    const schedule = await t.call<Envelope<RetentionSchedule>>(
      'community',
      { action: 'retentionSchedule', payload: { communityId: C1 } },
      WHO.committee,
    )
    if (!schedule.ok) throw new Error(schedule.message)
    expect(schedule.data.items.find((i) => i.kind === 'registers')).toMatchObject({
      label: '民生底账登记',
      unit: '条',
      due: [{ date: expect.any(String), count: 1 }],
    })
    const timers = async () => {
      await t.admin('functions/community/trigger', { body: {} })
      await t.admin('functions/antigen/trigger', { body: {} })
    }
    await t.setClock(Date.parse(closed.data.deleteAfter) - MINUTE)
    await timers()
    expect(await t.data.count('registerEntries', { communityId: C1 })).toBe(1)
    await t.advanceClock(2 * MINUTE)
    await timers()
    for (const coll of ['registerTypes', 'registerEntries', 'registerImports', 'registerImportRows'] as const)
      expect([coll, await t.data.count(coll, { communityId: C1 })]).toEqual([coll, 0])
    expect(await stored(file)).toBe(false)
    expect(await t.data.count('registerTypes', { communityId: C2 })).toBe(10)
  })
})

describe('what residents are told', () => {
  it('lists the registers in the consent text and the committee’s schedule', async () => {
    expect(CONSENTS.personal.version).toBe('2026-12-v5')
    expect(CONSENTS.personal.text).toContain('民生底账')
    expect(CONSENTS.personal.text).toContain('居委以外的人看到的姓名是打码的')
    expect(CONSENTS.personal.text).toContain('登记保存到社区停止使用本服务为止')
    expect(CONSENTS.personal.text).toContain('民生底账中登记了您的条目')
    const schedule = await t.call<Envelope<RetentionSchedule>>(
      'community',
      { action: 'retentionSchedule', payload: { communityId: C1 } },
      WHO.committee,
    )
    if (!schedule.ok) throw new Error(schedule.message)
    await medicine(H.b1r101._id, 'm-zhang')
    const again = await t.call<Envelope<RetentionSchedule>>(
      'community',
      { action: 'retentionSchedule', payload: { communityId: C1 } },
      WHO.committee,
    )
    if (!again.ok) throw new Error(again.message)
    expect(again.data.items.find((i) => i.kind === 'registers')).toMatchObject({ waiting: 1, due: [] })
    expect(again.data.items.find((i) => i.kind === 'registers')?.rule).toMatch(/保存到社区停止使用/)
  })
})
