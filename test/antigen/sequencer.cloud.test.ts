// The sequencer and the write paths around it, through localcloud: many households of one entrance submitting at
// once, and each race the design must hold against (a close, an erase, a flag, a merge repeated after a crash, an
// open or a close stopped half-way). Where a race needs a submission that was read before something and lands after
// it, the test writes that submission's intake document as the submit action would have, at the moment the race
// puts it, and lets the real function merge it.
import type { ChainView, Envelope, MySubmissionView, RoundView } from '../../typings/api'
import type { ChainDoc, IntakeDoc, RoundDoc } from '../../server/antigen/model'
import type { HouseholdDoc } from '../../server/community/model'
import { intakeId } from '../../server/antigen/sequencer'
import { chainId } from '../../server/antigen/rules'
import ExcelJS from 'exceljs'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, H, loadFixture, manyHouseholds, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const call = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('antigen', { action, payload }, openid)
const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
  const r = await call<T>(openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const runTimer = () => t.admin('functions/antigen/trigger', { body: {} })
const chainOf = (roundId: string, buildingId = B.b1._id) =>
  t.data.get<ChainDoc>('chains', chainId(roundId, buildingId)) as Promise<ChainDoc>

/** Until no submission of the round waits to be merged (the kicked sequencers run on their own). */
async function settled(roundId: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await t.data.count('intake', { roundId })) === 0) return
    await sleep(50)
  }
  throw new Error('submissions still waiting after 10 s')
}

const untested = (h: HouseholdDoc, reason = '外出') =>
  h.members.map((m) => ({ memberId: m.id, result: 'untested' as const, reason }))

async function open(extra: object = {}): Promise<RoundView> {
  return ok<RoundView>(WHO.committee, 'openRound', {
    communityId: C1,
    date: '2026-11-24',
    deadline: new Date(t.now() + 3600_000).toISOString(),
    notice: '请自测',
    ...extra,
  })
}

/** An intake document as `submit` writes it, for a submission made at `at`. */
function intake(roundId: string, h: HouseholdDoc, at: number, reason: string): IntakeDoc {
  return {
    _id: intakeId(roundId, h._id),
    roundId,
    chainId: chainId(roundId, h.buildingId),
    communityId: h.communityId,
    buildingId: h.buildingId,
    householdId: h._id,
    room: h.room,
    floor: h.floor,
    at: new Date(at),
    by: WHO.buildingLead,
    proxy: true,
    members: h.members.map((m) => ({ memberId: m.id, name: m.name, result: 'untested' as const, reason })),
    nonce: Math.random().toString(16).slice(2).padEnd(24, '0').slice(0, 24),
  }
}

beforeEach(() => loadFixture(t))

describe('one entrance, many households at once', () => {
  it('numbers 80 concurrent submissions 1..n in one chain, counts each once, and tells nobody an error', async () => {
    const many = manyHouseholds(80)
    await t.data.insertMany('households', many)
    const round = await open()
    // Each household once, a tenth of them twice at the same moment (a double tap).
    const replies = await Promise.all(
      many.flatMap((h, i) => {
        const send = () =>
          call<MySubmissionView>(WHO.buildingLead, 'submit', {
            roundId: round.id,
            householdId: h._id,
            members: untested(h),
          })
        return i % 10 === 0 ? [send(), send()] : [send()]
      }),
    )
    expect(replies.filter((r) => !r.ok)).toEqual([])
    await settled(round.id)
    const chain = await chainOf(round.id)
    const entries = Object.values(chain.entries)
    expect(entries).toHaveLength(80)
    expect(entries.map((e) => e.no).sort((a, b) => a - b)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1))
    expect({ seq: chain.seq, submitted: chain.submitted, untested: chain.untested, people: chain.people }).toEqual({
      seq: 80,
      submitted: 80,
      untested: 160,
      people: 0,
    })
    // Every reply that carries a number carries the stored one.
    for (const r of replies) if (r.ok && r.data.no) expect(r.data.no).toBe(chain.entries[r.data.householdId]?.no)
    // 88 function invocations on two cores: room for a loaded machine (what it checks is order, not speed).
  }, 90000)

  it('keeps a household’s number across its later edits, in the order the first submissions were made', async () => {
    const round = await open()
    for (const h of [H.b1r102, H.b1r201, H.b1r101]) {
      await ok(WHO.buildingLead, 'submit', { roundId: round.id, householdId: h._id, members: untested(h) })
      await settled(round.id)
    }
    await ok(WHO.buildingLead, 'submit', {
      roundId: round.id,
      householdId: H.b1r102._id,
      members: untested(H.b1r102, '住院'),
    })
    await settled(round.id)
    const chain = await chainOf(round.id)
    expect(chain.entries[H.b1r102._id]).toMatchObject({ no: 1, members: [{ reason: '住院' }] })
    expect(chain.entries[H.b1r201._id]?.no).toBe(2)
    expect(chain.entries[H.b1r101._id]?.no).toBe(3)
    expect(chain.seq).toBe(3)
  })
})

describe('write paths that hold against each other', () => {
  it('a submission read before the close and landing after it counts if it was made before; none made after', async () => {
    const round = await open()
    const before = t.now()
    await ok(WHO.committee, 'closeRound', { roundId: round.id })
    // Landed after the close: one made before it (read the chain while open), one dated after it.
    await t.data.insertMany('intake', [
      intake(round.id, H.b1r102, before, '出差'),
      intake(round.id, H.b1r201, t.now() + 1000, '出差'),
    ])
    await runTimer()
    const chain = await chainOf(round.id)
    expect(Object.keys(chain.entries)).toEqual([H.b1r102._id])
    expect({ seq: chain.seq, submitted: chain.submitted }).toEqual({ seq: 1, submitted: 1 })
    expect(await t.data.count('intake', { roundId: round.id })).toBe(0)
    // And a submission after the close is refused outright.
    const late = await call(WHO.buildingLead, 'submit', {
      roundId: round.id,
      householdId: H.b1r101._id,
      members: untested(H.b1r101),
    })
    expect(late).toMatchObject({ ok: false, code: 'ROUND_CLOSED' })
  })

  it('an in-flight submission cannot bring back a member’s erased result', async () => {
    const round = await open()
    await ok(WHO.buildingLead, 'submit', { roundId: round.id, householdId: H.b1r201._id, members: untested(H.b1r201) })
    await settled(round.id)
    const made = t.now()
    await t.advanceClock(1000)
    // 赵六 (1-201, with 赵小六) deletes their data; a submission for the household made before lands afterwards.
    const del = await t.call<Envelope<unknown>>(
      'community',
      { action: 'deleteMyData', payload: { householdId: H.b1r201._id, confirm: '删除' } },
      WHO.floorLead,
    )
    if (!del.ok) throw new Error(`deleteMyData: ${del.code} ${del.message}`)
    await t.data.insertMany('intake', [intake(round.id, H.b1r201, made, '回来了')])
    await runTimer()
    const entry = (await chainOf(round.id)).entries[H.b1r201._id]
    expect(entry?.members.map((m) => m.memberId)).toEqual(['m-zhao2'])
    expect(entry?.members[0]?.reason).toBe('回来了')
    expect(JSON.stringify(await chainOf(round.id))).not.toContain('赵六')
    expect(await t.data.count('intake', { roundId: round.id })).toBe(0)
  })

  it('a flag set while a resubmission waits survives the merge', async () => {
    const round = await open()
    await ok(WHO.buildingLead, 'submit', { roundId: round.id, householdId: H.b1r102._id, members: untested(H.b1r102) })
    await settled(round.id)
    await t.data.insertMany('intake', [intake(round.id, H.b1r102, t.now(), '改了')])
    await ok(WHO.buildingLead, 'flag', { roundId: round.id, householdId: H.b1r102._id, reason: '请补拍' })
    await runTimer()
    const entry = (await chainOf(round.id)).entries[H.b1r102._id]
    expect(entry).toMatchObject({ no: 1, members: [{ reason: '改了' }], flagged: { reason: '请补拍' } })
  })

  it('a merge repeated after a crash (the intake document not yet removed) changes nothing', async () => {
    const round = await open()
    await ok(WHO.buildingLead, 'submit', { roundId: round.id, householdId: H.b1r102._id, members: untested(H.b1r102) })
    await settled(round.id)
    await ok(WHO.buildingLead, 'confirm', { roundId: round.id, buildingId: B.b1._id, reason: '2层层长外出' })
    const once = await chainOf(round.id)
    const entry = once.entries[H.b1r102._id]
    // The document the sequencer merged, as it would be had it died before removing it.
    await t.data.insertMany('intake', [
      { ...intake(round.id, H.b1r102, new Date(entry?.updatedAt ?? 0).getTime(), '外出'), nonce: entry?.nonce },
    ])
    await runTimer()
    const again = await chainOf(round.id)
    // Merged again, it would have reopened the confirmed building and told its leads.
    expect(again.confirmed).toBe(true)
    expect(again.entries).toEqual(once.entries)
    expect({ seq: again.seq, submitted: again.submitted, untested: again.untested }).toEqual({
      seq: once.seq,
      submitted: once.submitted,
      untested: once.untested,
    })
    expect(await t.data.count('intake', { roundId: round.id })).toBe(0)
  })

  it('an export with submissions waiting (their kick lost) merges them first: the file counts what the table shows', async () => {
    const round = await open()
    await t.data.insertMany('intake', [intake(round.id, H.b1r102, t.now(), '外出')])
    const out = await t.call<Envelope<{ fileID: string }>>(
      'sheets',
      { action: 'exportTable', payload: { roundId: round.id } },
      WHO.committee,
    )
    if (!out.ok) throw new Error(`exportTable failed: ${out.code}`)
    expect(await t.data.count('intake', { roundId: round.id })).toBe(0)
    expect((await chainOf(round.id)).entries[H.b1r102._id]?.no).toBe(1)
    const file = (await t.sdk.downloadFile({ fileID: out.data.fileID })) as { fileContent: Buffer }
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(file.fileContent as unknown as ArrayBuffer)
    const missing = (wb.getWorksheet('未报户')?.getSheetValues() ?? [])
      .slice(2)
      .map((r) => (r as unknown[]).slice(1, 3).join('-'))
    expect(missing).not.toContain(`1号-${H.b1r102.room}`)
    // 楼道号, 营, 应报户数, 已报户数: the waiting submission is counted.
    const summary = (wb.getWorksheet('汇总')?.getSheetValues() ?? []).slice(2).map((r) => (r as unknown[]).slice(1, 5))
    expect(summary.find((r) => r[0] === '1号')?.[3]).toBe(1)
  })

  it('a chain read with submissions waiting (their kick lost) merges them first: the lead sees and confirms them', async () => {
    const round = await open()
    await t.data.insertMany('intake', [intake(round.id, H.b1r102, t.now(), '外出')])
    const view = await ok<ChainView>(WHO.buildingLead, 'chain', { roundId: round.id, buildingId: B.b1._id })
    expect(view.entries.find((e) => e.householdId === H.b1r102._id)?.no).toBe(1)
    expect(await t.data.count('intake', { roundId: round.id })).toBe(0)
    await t.data.insertMany('intake', [intake(round.id, H.b1r201, t.now(), '外出')])
    const second = await ok<ChainView>(WHO.buildingLead, 'confirm', {
      roundId: round.id,
      buildingId: B.b1._id,
      reason: '2层层长外出',
    })
    expect(second.confirmReason).toBe('2层层长外出')
    expect(second.confirmed).toBe(true)
    expect(second.entries.find((e) => e.householdId === H.b1r201._id)?.no).toBe(2)
  })
})

describe('floors', () => {
  it('a 层长 confirms their floor only; a change on another floor leaves it confirmed, one on it reopens it', async () => {
    const round = await open()
    const ids = { roundId: round.id, buildingId: B.b1._id }
    expect(await call(WHO.floorLead, 'confirmFloor', { ...ids, floor: 1 })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    await ok(WHO.buildingLead, 'submit', { roundId: round.id, householdId: H.b1r201._id, members: untested(H.b1r201) })
    await settled(round.id)
    const view = await ok<ChainView>(WHO.floorLead, 'confirmFloor', { ...ids, floor: 2 })
    expect(view.floors.map((f) => [f.floor, f.toConfirm, f.confirmed])).toEqual([
      [1, false, false],
      [2, true, true],
    ])
    expect(await call(WHO.floorLead, 'confirmFloor', { ...ids, floor: 2 })).toMatchObject({ code: 'ALREADY_CONFIRMED' })
    // Floor 1 changes: floor 2 stays confirmed.
    await ok(WHO.buildingLead, 'submit', { roundId: round.id, householdId: H.b1r102._id, members: untested(H.b1r102) })
    await settled(round.id)
    expect((await chainOf(round.id)).floors?.['2']).toBeDefined()
    // 1-201 changes (a lead's correction): floor 2 is open again.
    await ok(WHO.buildingLead, 'submit', {
      roundId: round.id,
      householdId: H.b1r201._id,
      members: untested(H.b1r201, '住院'),
    })
    await settled(round.id)
    expect((await chainOf(round.id)).floors?.['2']).toBeUndefined()
  })
})

describe('opening and closing resume where they stopped', () => {
  it('openRound retried with the same request id opens one round', async () => {
    // The page sends the same form with the same request id; a different form (here another deadline) is another
    // round.
    const asked = { requestId: 'req-12345678', deadline: new Date(t.now() + 3600_000).toISOString() }
    const [a, b] = await Promise.all([open(asked), open(asked)])
    expect(a.id).toBe(b.id)
    const again = await open(asked)
    expect(again.id).toBe(a.id)
    const other = await open({ ...asked, deadline: new Date(t.now() + 7200_000).toISOString() })
    expect(other.id).not.toBe(a.id)
    expect(await t.data.count('rounds', { communityId: C1, _id: a.id })).toBe(1)
    expect(await t.data.count('chains', { roundId: a.id })).toBe(3)
    expect(await t.data.count('chains', { roundId: a.id, status: 'open' })).toBe(3)
  })

  it('an open stopped after some chains is in nobody’s list, and its retry finishes it', async () => {
    const asked = { requestId: 'req-halfway1', deadline: new Date(t.now() + 3600_000).toISOString() }
    const first = await open(asked)
    // As if the first call had died after writing one chain: the round and the other chains gone, that one opening.
    await t.data.remove('rounds', first.id)
    await t.data.removeWhere('chains', { roundId: first.id, buildingId: t.data._.neq(B.b1._id) })
    await t.data.updateWhere('chains', { roundId: first.id }, { status: 'opening' })
    const mine = await ok<MySubmissionView[]>(WHO.resident, 'myRounds')
    expect(mine.filter((m) => m.round.id === first.id)).toEqual([])
    const refused = await call(WHO.buildingLead, 'submit', {
      roundId: first.id,
      householdId: H.b1r102._id,
      members: untested(H.b1r102),
    })
    expect(refused).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    const retried = await open(asked)
    expect(retried.id).toBe(first.id)
    expect(await t.data.count('chains', { roundId: first.id, status: 'open' })).toBe(3)
    expect((await ok<MySubmissionView[]>(WHO.resident, 'myRounds')).some((m) => m.round.id === first.id)).toBe(true)
  })

  it('closeRound retried after a close that stopped half-way closes every chain', async () => {
    const round = await open()
    // As the old close left it: the round closed, the chains still open.
    await t.data.update('rounds', round.id, { status: 'closed', closedAt: new Date(t.now()) })
    const closed = await ok<RoundView>(WHO.committee, 'closeRound', { roundId: round.id })
    expect(closed.status).toBe('closed')
    expect(await t.data.count('chains', { roundId: round.id, status: 'open' })).toBe(0)
    const doc = (await t.data.get<RoundDoc>('rounds', round.id)) as RoundDoc
    const chain = await chainOf(round.id)
    expect(new Date(chain.closedAt ?? 0).getTime()).toBe(new Date(doc.closedAt ?? 1).getTime())
  })
})
