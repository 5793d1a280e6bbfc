// The care function on localcloud through the real SDK: who sees whom on the check list (leads by scope, 楼栋 / 云上
// volunteers by post and only on shift), checks with their history and retries, overdue with the clock moved, the
// 联系不上 alert once, the morning notice only to those on shift, the committee's overview and the needs shown.
import type { CareHistoryView, CareListView, CareOverviewView, CareRecordResult, Envelope } from '../../typings/api'
import type { CareCheckDoc, CareStatusDoc } from '../../server/care/model'
import { TEMPLATES } from '../../server/templates'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { H, WHO } from '../support/community'
import { settledOutbox } from '../support/pushes'
import { C1, care, CARE, freshRequest, loadCare, needDoc, PERSON } from '../support/care'

let t: TestCloud
let c: ReturnType<typeof care>
beforeAll(async () => {
  t = await startTestCloud()
  c = care(t)
})
afterAll(() => t.stop())
beforeEach(async () => {
  await t.setClock('2026-11-24T02:00:00.000Z')
  await loadCare(t)
})

const HOUR = 3_600_000
const names = (v: CareListView) => v.people.map((p) => `${p.label} ${p.name}`)
const list = (who: string, buildingId?: string) =>
  c.ok<CareListView>(who, 'careList', buildingId ? { communityId: C1, buildingId } : { communityId: C1 })
const check = (who: string, person: { householdId: string; memberId: string }, extra: object = {}) =>
  c.ok<CareRecordResult>(who, 'recordCheck', {
    ...person,
    how: 'phone',
    result: 'safe',
    requestId: freshRequest(),
    ...extra,
  })
const trigger = () => t.admin<{ result: Envelope<Record<string, unknown>> }>('functions/care/trigger', { body: {} })

describe('the check list per role and scope', () => {
  it('gives each lead their building or floor, with every flag and the full name the policy allows', async () => {
    const lead = await list(WHO.buildingLead)
    expect(names(lead)).toEqual(['1-102 王五', '1-201 赵小六'])
    expect(lead.people.map((p) => p.flags)).toEqual([['elderly', 'alone'], ['infant']])
    expect(lead.people.every((p) => p.state === 'overdue')).toBe(true)
    expect(lead.counts).toEqual({ people: 2, checkedToday: 0, overdue: 2, unreachable: 0 })
    expect(lead.people[0]).toMatchObject({ intervalHours: 24, revealable: true, unreachableStreak: 0 })
    expect(names(await list(WHO.floorLead))).toEqual(['1-201 赵小六'])
    expect(lead.day).toBe('2026-11-24')
  })

  it('gives a 楼栋 volunteer on shift their posts, names masked, no health flag, nobody they do not look after', async () => {
    const v = await list(CARE.bv1)
    expect(names(v)).toEqual(['1-102 王*'])
    expect(v.people[0]?.flags).toEqual(['elderly', 'alone'])
    expect(JSON.stringify(v)).not.toMatch(/王五|赵小六|138/)
    // 云上 of 2号: 钱七 is elderly and chronic: the volunteer sees 60岁以上 only.
    const online = await list(CARE.on2)
    expect(names(online)).toEqual(['2-101 钱*'])
    expect(online.people[0]?.flags).toEqual(['elderly'])
  })

  it('gives a volunteer off shift nobody, and says so with their shifts; a transport volunteer has no list', async () => {
    const off = await list(CARE.bv3)
    expect(off.people).toEqual([])
    expect(off.offShift).toEqual({ shifts: '每天 18:00–22:00' })
    await t.setClock('2026-11-24T11:00:00.000Z') // 19:00 in Shanghai
    expect(names(await list(CARE.bv3))).toEqual(['3-301 孙*'])
    expect((await list(WHO.volunteer)).people).toEqual([])
  })

  it('gives 营长, 团长 and the committee a building they cover, and refuses one they do not', async () => {
    expect(names(await list(WHO.groupLead, 'b2'))).toEqual(['2-101 钱*'])
    expect(names(await list(WHO.communityLead, 'b3'))).toEqual(['3-301 孙*'])
    expect(names(await list(WHO.committee, 'b2'))).toEqual(['2-101 钱七'])
    expect((await list(WHO.committee, 'b2')).people[0]?.flags).toEqual(['elderly', 'chronic'])
    for (const [who, b] of [
      [WHO.groupLead, 'b3'],
      [WHO.buildingLead, 'b2'],
      [WHO.otherCommittee, 'b1'],
      [WHO.resident, 'b1'],
    ] as const)
      expect(await c.call(who, 'careList', { communityId: C1, buildingId: b })).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      })
    expect(await c.call(WHO.stranger, 'careList', { communityId: C1 })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })

  it('shows a person’s open needs, read from the needs as stored, and not the finished ones', async () => {
    await t.data.insertMany('needs', [
      needDoc('n-open', H.b1r102, 'new', 'm-wang'),
      needDoc('n-esc', H.b1r102, 'escalated'),
      needDoc('n-done', H.b1r102, 'done', 'm-wang'),
      needDoc('n-other', H.b1r201, 'taken', 'm-zhao'),
    ])
    const lead = await list(WHO.buildingLead)
    expect(lead.people[0]?.openNeeds).toEqual([
      { id: 'n-open', type: 'medicine', status: 'new' },
      { id: 'n-esc', type: 'medicine', status: 'escalated' },
    ])
    // 赵六's own need is not his child's.
    expect(lead.people[1]?.openNeeds).toEqual([])
  })
})

describe('recording checks', () => {
  it('stores the check and the person’s status, and the list says 今日已联系', async () => {
    const r = await check(CARE.bv1, PERSON.wang, { how: 'visit', note: '精神不错，缺米', result: 'needs' })
    expect(r.alerted).toBe(false)
    expect(r.person).toMatchObject({ state: 'done', contactedToday: true, unreachableStreak: 0 })
    expect(r.check).toMatchObject({
      how: 'visit',
      result: 'needs',
      // Their own name as the volunteer sees it: masked, like everyone's outside the committee.
      byName: '志****1',
      note: '精神不错，缺米',
    })
    const stored = await t.data.find<CareCheckDoc>('careChecks', { householdId: H.b1r102._id })
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({
      communityId: C1,
      buildingId: 'b1',
      memberId: 'm-wang',
      how: 'visit',
      result: 'needs',
      by: CARE.bv1,
      byName: '志愿者bv1',
      role: 'volunteer',
      day: '2026-11-24',
      note: '精神不错，缺米',
    })
    expect(new Date(stored[0]?.deleteAfter as Date).getTime() - new Date(stored[0]?.at as Date).getTime()).toBe(
      30 * 24 * HOUR,
    )
    const status = await t.data.get<CareStatusDoc>('careStatus', `${H.b1r102._id}:m-wang`)
    expect(status).toMatchObject({ lastResult: 'needs', unreachableStreak: 0, lastCheckId: stored[0]?._id })
    const lead = await list(WHO.buildingLead)
    expect(lead.people.map((p) => p.state)).toEqual(['overdue', 'done'])
    expect(lead.counts).toMatchObject({ checkedToday: 1, overdue: 1 })
    // The lead reads the note and the checker's name masked (only the committee sees names in full).
    expect(lead.people[1]?.last).toMatchObject({ note: '精神不错，缺米', byName: '志****1' })
  })

  it('counts a retry once: the same requestId returns the first check and writes nothing', async () => {
    const requestId = freshRequest()
    const first = await c.ok<CareRecordResult>(CARE.bv1, 'recordCheck', {
      ...PERSON.wang,
      how: 'phone',
      result: 'safe',
      requestId,
    })
    await t.advanceClock(60_000)
    const again = await c.ok<CareRecordResult>(CARE.bv1, 'recordCheck', {
      ...PERSON.wang,
      how: 'wechat',
      result: 'unreachable',
      requestId,
    })
    expect(again.check).toEqual(first.check)
    expect(await t.data.count('careChecks', {})).toBe(1)
    // The same requestId for another person is refused and writes nothing.
    expect(
      await c.call(WHO.buildingLead, 'recordCheck', {
        ...PERSON.zhao2,
        how: 'phone',
        result: 'safe',
        requestId,
      }),
    ).toMatchObject({ ok: true })
    expect(await t.data.count('careChecks', {})).toBe(2)
  })

  it('keeps the history newest first; a volunteer reads their own notes only', async () => {
    await check(WHO.buildingLead, PERSON.wang, { note: '女儿每天送饭' })
    await t.advanceClock(HOUR)
    await check(CARE.bv1, PERSON.wang, { how: 'visit', note: '门口放了米' })
    await t.advanceClock(30 * 60_000) // 11:30: o-bv1 is still on shift (08:00–12:00)
    await check(CARE.bv3, PERSON.sun).catch(() => undefined) // off shift: refused
    const h = await c.ok<CareHistoryView>(WHO.committee, 'careHistory', PERSON.wang)
    expect(h.checks.map((x) => [x.how, x.note, x.byName])).toEqual([
      ['visit', '门口放了米', '志愿者bv1'],
      // A lead with no name registered is recorded by their role.
      ['phone', '女儿每天送饭', '楼组长'],
    ])
    expect(h.person).toMatchObject({ name: '王五', label: '1-102' })
    const mine = await c.ok<CareHistoryView>(CARE.bv1, 'careHistory', PERSON.wang)
    expect(mine.checks.map((x) => x.note)).toEqual(['门口放了米', undefined])
    expect(mine.person.name).toBe('王*')
    expect(await c.call(CARE.on2, 'careHistory', PERSON.wang)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await c.call(CARE.bv1, 'careHistory', PERSON.zhao2)).toMatchObject({
      ok: false,
      code: 'NOT_ON_CARE_LIST',
    })
    // At 12:00 the shift is over: the history is no longer theirs to read.
    await t.advanceClock(30 * 60_000)
    expect(await c.call(CARE.bv1, 'careHistory', PERSON.wang)).toMatchObject({ ok: false, code: 'OFF_SHIFT' })
  })

  it('pages a long history 30 at a time, newest first', async () => {
    for (let i = 0; i < 32; i++) {
      await check(WHO.committee, PERSON.qian, { note: `第${i + 1}次` })
      await t.advanceClock(60_000)
    }
    const first = await c.ok<CareHistoryView>(WHO.committee, 'careHistory', PERSON.qian)
    expect(first.checks).toHaveLength(30)
    expect(first.checks[0]?.note).toBe('第32次')
    expect(first.more).toBe(first.checks[29]?.at)
    const rest = await c.ok<CareHistoryView>(WHO.committee, 'careHistory', { ...PERSON.qian, before: first.more })
    expect(rest.checks.map((x) => x.note)).toEqual(['第2次', '第1次'])
    expect(rest.more).toBeUndefined()
  })

  it('refuses a volunteer off shift, out of post, or not a care volunteer, writing nothing', async () => {
    for (const [who, person, code] of [
      [CARE.bv3, PERSON.sun, 'OFF_SHIFT'],
      [CARE.bv1, PERSON.qian, 'FORBIDDEN'],
      [WHO.volunteer, PERSON.wang, 'FORBIDDEN'],
      [CARE.bv1, PERSON.zhao2, 'NOT_ON_CARE_LIST'],
      [WHO.floorLead, PERSON.wang, 'FORBIDDEN'],
      [WHO.resident, PERSON.wang, 'FORBIDDEN'],
      [WHO.otherCommittee, PERSON.wang, 'FORBIDDEN'],
    ] as const) {
      const res = await c.call(who, 'recordCheck', {
        ...person,
        how: 'phone',
        result: 'safe',
        requestId: freshRequest(),
      })
      expect([who, res]).toEqual([who, expect.objectContaining({ ok: false, code })])
    }
    expect(await t.data.count('careChecks', {})).toBe(0)
    expect(await t.data.count('careStatus', {})).toBe(0)
  })

  it('refuses bad input with a Chinese message naming the field, writing nothing', async () => {
    const base = { ...PERSON.wang, how: 'phone', result: 'safe', requestId: freshRequest() }
    for (const [payload, field] of [
      [{ ...base, how: 'sms' }, 'how'],
      [{ ...base, result: 'fine' }, 'result'],
      [{ ...base, note: '长'.repeat(201) }, 'note'],
      [{ ...base, requestId: 'x' }, 'requestId'],
      [{ ...base, requestId: undefined }, 'requestId'],
      [{ ...base, extra: 1 }, undefined],
      [{ ...base, householdId: '' }, 'householdId'],
    ] as const) {
      const res = (await c.call(WHO.committee, 'recordCheck', payload)) as Envelope<unknown>
      expect(res).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
      if (!res.ok) {
        expect(res.message).toMatch(/[\u4e00-\u9fff]/)
        if (field) expect(res.field).toBe(field)
      }
    }
    expect(await c.call(WHO.committee, 'careHistory', { ...PERSON.wang, before: '2099-13-45' })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      field: 'before',
    })
    expect(await t.data.count('careChecks', {})).toBe(0)
  })
})

describe('overdue with the clock moved', () => {
  it('makes 独居 overdue after 24 h and the others after 48 h', async () => {
    await check(WHO.committee, PERSON.wang)
    await check(WHO.committee, PERSON.qian)
    const state = async () =>
      Object.fromEntries(
        (await list(WHO.committee, 'b1')).people
          .concat((await list(WHO.committee, 'b2')).people)
          .map((p) => [p.name, p.state]),
      )
    expect(await state()).toEqual({ 王五: 'done', 赵小六: 'overdue', 钱七: 'done' })
    await t.advanceClock(23 * HOUR) // 09:00 the next day
    expect(await state()).toEqual({ 王五: 'pending', 赵小六: 'overdue', 钱七: 'pending' })
    await t.advanceClock(2 * HOUR)
    expect(await state()).toEqual({ 王五: 'overdue', 赵小六: 'overdue', 钱七: 'pending' })
    await t.advanceClock(24 * HOUR)
    expect(await state()).toEqual({ 王五: 'overdue', 赵小六: 'overdue', 钱七: 'overdue' })
    // 联系不上 is no contact: still overdue.
    await check(WHO.committee, PERSON.wang, { result: 'unreachable' })
    expect((await state())['王五']).toBe('overdue')
  })
})

describe('联系不上 twice in a row', () => {
  it('alerts the building lead and the committee once per occurrence', async () => {
    const first = await check(CARE.bv1, PERSON.wang, { result: 'unreachable' })
    expect(first.alerted).toBe(false)
    const requestId = freshRequest()
    const payload = { ...PERSON.wang, how: 'visit', result: 'unreachable', requestId }
    const second = await c.ok<CareRecordResult>(CARE.bv1, 'recordCheck', payload)
    expect(second).toMatchObject({ alerted: true, person: { unreachableStreak: 2 } })
    await c.ok(CARE.bv1, 'recordCheck', payload) // a retry
    const third = await check(CARE.bv1, PERSON.wang, { result: 'unreachable' })
    expect(third.alerted).toBe(false)
    const alerts = (await settledOutbox(t)).filter((m) => m.templateId === TEMPLATES.careAlert)
    expect(alerts.map((m) => m.touser).sort()).toEqual([WHO.buildingLead, WHO.committee].sort())
    expect(alerts[0]?.page).toBe(`packageCare/pages/person?householdId=${H.b1r102._id}&memberId=m-wang`)
    expect(alerts[0]?.data).toMatchObject({ thing1: { value: '1-102' } })
    expect(JSON.stringify(alerts)).not.toMatch(/王五/)
    // Reached again, then twice unreachable again: a new occurrence, a new alert.
    await check(CARE.bv1, PERSON.wang)
    await check(CARE.bv1, PERSON.wang, { result: 'unreachable' })
    expect((await check(CARE.bv1, PERSON.wang, { result: 'unreachable' })).alerted).toBe(true)
    const after = (await settledOutbox(t)).filter((m) => m.templateId === TEMPLATES.careAlert)
    expect(after).toHaveLength(4)
  })
})

describe('the morning notice', () => {
  it('goes to each lead and care volunteer on shift with their overdue count, once a day', async () => {
    await check(WHO.committee, PERSON.qian)
    await t.setClock('2026-11-25T00:30:00.000Z') // 08:30 in Shanghai
    const run = await trigger()
    expect(run.result).toMatchObject({ ok: true, data: { morning: { communities: 2 } } })
    await trigger()
    const notices = (await settledOutbox(t)).filter((m) => m.templateId === TEMPLATES.careDue)
    const counts = Object.fromEntries(notices.map((m) => [m.touser, m.data.number2?.value]))
    // 1号 lead: 王五, 赵小六; floor lead: 赵小六; o-bv1 (08:00–12:00): 王五. Not o-bv3 (18:00–22:00), not o-night
    // (Wednesday), not o-on2 (钱七 was checked yesterday: within 48 h), not 营长 or 团长.
    expect(counts).toEqual({ [WHO.buildingLead]: '2', [WHO.floorLead]: '1', [CARE.bv1]: '1' })
    expect(notices.every((m) => m.page === 'packageCare/pages/list')).toBe(true)
  })

  it('sends nothing outside the morning', async () => {
    await t.setClock('2026-11-25T06:00:00.000Z') // 14:00
    await trigger()
    expect((await settledOutbox(t)).filter((m) => m.templateId === TEMPLATES.careDue)).toEqual([])
  })
})

describe('the committee’s overview', () => {
  it('counts per building in the community’s order; 营长 their 营 only; nobody else', async () => {
    await check(WHO.committee, PERSON.wang)
    await check(WHO.committee, PERSON.sun, { result: 'unreachable' })
    const o = await c.ok<CareOverviewView>(WHO.committee, 'careOverview', { communityId: C1 })
    expect(o.buildings).toEqual([
      { buildingId: 'b1', name: '1号', people: 2, checkedToday: 1, overdue: 1, unreachable: 0 },
      { buildingId: 'b2', name: '2号', people: 1, checkedToday: 0, overdue: 1, unreachable: 0 },
      { buildingId: 'b3', name: '3号', people: 1, checkedToday: 0, overdue: 1, unreachable: 1 },
    ])
    expect(o.totals).toEqual({ people: 4, checkedToday: 1, overdue: 3, unreachable: 1 })
    const g = await c.ok<CareOverviewView>(WHO.groupLead, 'careOverview', { communityId: C1 })
    expect(g.buildings.map((b) => b.buildingId)).toEqual(['b1', 'b2'])
    expect(g.totals.people).toBe(3)
    expect((await c.ok<CareOverviewView>(WHO.communityLead, 'careOverview', { communityId: C1 })).totals.people).toBe(4)
    for (const who of [WHO.buildingLead, CARE.bv1, WHO.resident, WHO.otherCommittee])
      expect(await c.call(who, 'careOverview', { communityId: C1 })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})

describe('retention', () => {
  it('lists the checks in the committee’s retention schedule with the day each goes', async () => {
    await check(WHO.committee, PERSON.wang)
    await check(WHO.committee, PERSON.qian)
    const res = await t.call<Envelope<{ items: { kind: string; rule: string; due: unknown[]; days: number }[] }>>(
      'community',
      { action: 'retentionSchedule', payload: { communityId: C1 } },
      WHO.committee,
    )
    if (!res.ok) throw new Error(res.message)
    expect(res.data.items.find((i) => i.kind === 'careChecks')).toMatchObject({
      days: 30,
      rule: '每次联系（方式、结果、备注、联系人）记录 30 天后删除',
      due: [{ date: '2026-12-24', count: 2 }],
    })
  })

  it('deletes checks 30 days after they were made, and the status with its last check', async () => {
    await check(WHO.committee, PERSON.wang)
    await t.advanceClock(10 * 24 * HOUR)
    await check(WHO.committee, PERSON.qian)
    await t.advanceClock(20 * 24 * HOUR + HOUR)
    await trigger()
    expect((await t.data.find<CareCheckDoc>('careChecks', {})).map((x) => x.memberId)).toEqual(['m-qian'])
    expect((await t.data.find<CareStatusDoc>('careStatus', {})).map((x) => x.memberId)).toEqual(['m-qian'])
  })
})
