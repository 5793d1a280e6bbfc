// Antigen rounds through localcloud: opening, submissions, chains, confirmation, tables, reminders, export,
// retention and deletion — and every kind of bad input writing nothing.
import ExcelJS from 'exceljs'
import type { ChainView, Envelope, MySubmissionView, RemindResult, RoundTable, RoundView } from '../../typings/api'
import type { ChainDoc } from '../../server/antigen/model'
import { CONSENTS } from '../../server/community/consent'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { pushesSettled } from '../support/pushes'
import { B, C1, H, loadFixture, snapshot, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const call = <T>(openid: string, action: string, payload: object = {}) =>
  // The table's spreadsheet is the `sheets` function's; every other action here is the antigen function's.
  t.call<Envelope<T>>(action === 'exportTable' ? 'sheets' : 'antigen', { action, payload }, openid)
const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
  const r = await call<T>(openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}
const community = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('community', { action, payload }, openid)

let round: RoundView
const inAnHour = () => new Date(t.now() + 3600_000).toISOString()

async function photo(householdId: string, memberId: string, roundId = round.id): Promise<string> {
  const { fileID } = (await t.sdk.uploadFile({
    cloudPath: `antigen/${roundId}/${householdId}/${memberId}-${Math.random()}.jpg`,
    // A JPEG's first bytes: submit reads them from storage.
    fileContent: Buffer.from('ffd8ffe000104a46494600', 'hex'),
  })) as { fileID: string }
  return fileID
}

const negative = async (householdId: string, memberId: string, roundId?: string) => ({
  memberId,
  result: 'negative',
  photo: await photo(householdId, memberId, roundId),
  photoSize: 120_000,
})

async function submitZhang(results: ('negative' | 'positive')[] = ['negative', 'negative']) {
  const members = [
    { ...(await negative(H.b1r101._id, 'm-zhang')), result: results[0] },
    { ...(await negative(H.b1r101._id, 'm-li')), result: results[1] },
  ]
  return ok<MySubmissionView>(WHO.resident, 'submit', { roundId: round.id, householdId: H.b1r101._id, members })
}

beforeEach(async () => {
  await loadFixture(t)
  await community(WHO.resident, 'giveConsent', { kind: 'health', version: CONSENTS.health.version })
  round = await ok<RoundView>(WHO.committee, 'openRound', {
    communityId: C1,
    date: '2026-11-24',
    deadline: inAnHour(),
    notice: '请在 12 点前完成抗原自测并拍照上传',
  })
})

describe('opening a round', () => {
  it('creates one chain per building with the households expected', async () => {
    expect(round).toMatchObject({ communityId: C1, status: 'open', allBuildings: true, buildingCount: 3 })
    const chains = await t.data.find<ChainDoc>('chains', { roundId: round.id }, { orderBy: [['order', 'asc']] })
    expect(chains.map((c) => [c.buildingName, c.expected, c.seq])).toEqual([
      ['1号', 3, 0],
      ['2号', 1, 0],
      ['3号', 1, 0],
    ])
  })

  it('tells the leads in scope and the residents who subscribed', async () => {
    await t.admin('subscribe', { body: { openid: WHO.buildingLead, templateId: 'TPL_ROUND_OPENED' } })
    await t.admin('subscribe', { body: { openid: WHO.residentB2, templateId: 'TPL_ROUND_OPENED' } })
    expect(await call(WHO.residentB2, 'subscribeRounds', { communityId: C1 })).toMatchObject({ ok: true })
    await ok(WHO.committee, 'openRound', {
      communityId: C1,
      date: '2026-11-24',
      deadline: inAnHour(),
      notice: '第二轮',
    })
    await pushesSettled(t)
    const sent = (
      await t.admin<{ touser: string; status: string; data: Record<string, { value: string }> }[]>('outbox')
    ).filter((m) => m.status === 'sent')
    expect(sent.map((m) => m.touser).sort()).toEqual([WHO.buildingLead, WHO.residentB2].sort())
    expect(sent[0]?.data.thing1?.value).toBe('测试小区 2026-11-24 抗原检测')
  })

  it('opens for some buildings only and refuses bad input', async () => {
    const some = await ok<RoundView>(WHO.committee, 'openRound', {
      communityId: C1,
      date: '2026-11-24',
      deadline: inAnHour(),
      notice: '部分楼栋',
      buildingIds: [B.b3._id],
    })
    expect(some).toMatchObject({ allBuildings: false, buildingCount: 1 })
    const before = await snapshot(t)
    expect(
      await call(WHO.committee, 'openRound', {
        communityId: C1,
        date: '2026-11-24',
        deadline: new Date(t.now() - 1000).toISOString(),
        notice: 'x',
      }),
    ).toMatchObject({ code: 'INVALID_INPUT', field: 'deadline' })
    expect(
      await call(WHO.committee, 'openRound', { communityId: C1, date: '24/11', deadline: inAnHour(), notice: 'x' }),
    ).toMatchObject({ code: 'INVALID_INPUT', field: 'date' })
    expect(
      await call(WHO.committee, 'openRound', {
        communityId: C1,
        date: '2026-11-24',
        deadline: inAnHour(),
        notice: 'x',
        buildingIds: [B.x1._id],
      }),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'buildingIds' })
    expect(
      await call(WHO.buildingLead, 'openRound', {
        communityId: C1,
        date: '2026-11-24',
        deadline: inAnHour(),
        notice: 'x',
      }),
    ).toMatchObject({ code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
  })
})

describe('submitting', () => {
  it('numbers the household in the chain and keeps the number on resubmission', async () => {
    const first = await submitZhang()
    // The number comes with the reply when the sequencer answered in time, and is on the chain in any case.
    expect(first).toMatchObject({ submitted: true, label: '1-101', locked: false })
    if (first.no !== undefined) expect(first.no).toBe(1)
    const again = await submitZhang()
    expect(again.no).toBe(1)
    const chain = (await t.data.get<ChainDoc>('chains', `${round.id}:${B.b1._id}`)) as ChainDoc
    expect(chain).toMatchObject({ seq: 1, submitted: 1, people: 2, negative: 2, positive: 0 })
  })

  it('keeps the stored photo when an edit leaves it out and keeps the result', async () => {
    await submitZhang()
    const edited = await ok<MySubmissionView>(WHO.resident, 'submit', {
      roundId: round.id,
      householdId: H.b1r101._id,
      members: [
        { memberId: 'm-zhang', result: 'negative' },
        { memberId: 'm-li', result: 'untested', reason: '出差' },
      ],
    })
    expect(edited.no).toBe(1)
    const chain = (await t.data.get<ChainDoc>('chains', `${round.id}:${B.b1._id}`)) as ChainDoc
    expect(chain.entries[H.b1r101._id]?.members.map((m) => [m.result, Boolean(m.photo)])).toEqual([
      ['negative', true],
      ['untested', false],
    ])
    expect(chain).toMatchObject({ negative: 1, untested: 1, people: 1 })
    expect(
      await call(WHO.resident, 'submit', {
        roundId: round.id,
        householdId: H.b1r101._id,
        members: [
          { memberId: 'm-zhang', result: 'positive' },
          { memberId: 'm-li', result: 'untested', reason: '出差' },
        ],
      }),
    ).toMatchObject({ code: 'PHOTO_REQUIRED', field: 'members.0.photo' })
  })

  it('describes its round from the chain alone', async () => {
    const mine = await submitZhang()
    expect(mine.round).toMatchObject({
      id: round.id,
      allBuildings: true,
      buildingCount: 3,
      openedAt: round.openedAt,
      status: 'open',
    })
  })

  it('shows residents a masked chain and leads the results with photos', async () => {
    await submitZhang()
    const mine = await ok<ChainView>(WHO.residentB2, 'chain', {
      roundId: round.id,
      buildingId: B.b2._id,
    })
    expect(mine.detailed).toBe(false)
    const resident = await ok<ChainView>(WHO.resident, 'chain', { roundId: round.id, buildingId: B.b1._id })
    expect(resident).toMatchObject({ detailed: false, confirmed: false })
    expect(resident.entries).toEqual([expect.objectContaining({ no: 1, label: '1-101 张*', proxy: false })])
    // Their own household's entry in full (the visibility policy: the household itself sees its results).
    expect(resident.entries[0]?.members?.map((m) => [m.name, m.result])).toEqual([
      ['张三', 'negative'],
      ['李四', 'negative'],
    ])
    expect(resident.missing.map((m) => m.label)).toEqual(['1-102 王*', '1-201 赵*'])
    const lead = await ok<ChainView>(WHO.buildingLead, 'chain', { roundId: round.id, buildingId: B.b1._id })
    expect(lead.detailed).toBe(true)
    expect(lead.entries[0]?.members?.map((m) => [m.name, m.result, Boolean(m.photoUrl)])).toEqual([
      ['张三', 'negative', true],
      ['李四', 'negative', true],
    ])
  })

  it('puts an abnormal household first and tells the lead and the committee at once', async () => {
    await t.admin('subscribe', { body: { openid: WHO.buildingLead, templateId: 'TPL_ABNORMAL' } })
    await t.admin('subscribe', { body: { openid: WHO.committee, templateId: 'TPL_ABNORMAL' } })
    await ok(WHO.buildingLead, 'submit', {
      roundId: round.id,
      householdId: H.b1r102._id,
      members: [await negative(H.b1r102._id, 'm-wang')],
    })
    await submitZhang(['negative', 'positive'])
    await pushesSettled(t)
    const sent = (
      await t.admin<{ touser: string; templateId: string; status: string; data: Record<string, { value: string }> }[]>(
        'outbox',
      )
    ).filter((m) => m.status === 'sent' && m.templateId === 'TPL_ABNORMAL')
    expect(sent.map((m) => m.touser).sort()).toEqual([WHO.buildingLead, WHO.committee].sort())
    expect(sent[0]?.data.thing1?.value).toBe('1-101 张*')
    const lead = await ok<ChainView>(WHO.buildingLead, 'chain', { roundId: round.id, buildingId: B.b1._id })
    expect(lead.entries.map((e) => [e.no, e.abnormal ?? false])).toEqual([
      [2, true],
      [1, false],
    ])
    const table = await ok<RoundTable>(WHO.committee, 'table', { roundId: round.id })
    expect(table.rows[0]).toMatchObject({ name: '1号', positive: 1 })
  })

  it('marks a lead’s submission for a household as 代报', async () => {
    await ok(WHO.buildingLead, 'submit', {
      roundId: round.id,
      householdId: H.b1r102._id,
      members: [await negative(H.b1r102._id, 'm-wang')],
    })
    const chain = await ok<ChainView>(WHO.buildingLead, 'chain', { roundId: round.id, buildingId: B.b1._id })
    expect(chain.entries[0]).toMatchObject({ label: '1-102 王*', proxy: true })
  })

  it('records the 15-minute timer and warns the lead of an early photo', async () => {
    const start = new Date(t.now() - 10 * 60_000).toISOString()
    const members = [
      { ...(await negative(H.b1r101._id, 'm-zhang')), startedAt: start, photoAt: new Date(t.now()).toISOString() },
      { memberId: 'm-li', result: 'untested', reason: '不在家' },
    ]
    await ok(WHO.resident, 'submit', { roundId: round.id, householdId: H.b1r101._id, members })
    const lead = await ok<ChainView>(WHO.buildingLead, 'chain', { roundId: round.id, buildingId: B.b1._id })
    expect(lead.entries[0]?.members?.map((m) => [m.result, m.early ?? false, m.reason ?? ''])).toEqual([
      ['negative', true, ''],
      ['untested', false, '不在家'],
    ])
  })
})

describe('bad submissions: clear code, nothing written', () => {
  const attempt = async (openid: string, payload: object) => {
    const before = await snapshot(t)
    const r = await call(openid, 'submit', payload)
    expect(await snapshot(t)).toBe(before)
    return r
  }

  it('refuses without the health consent', async () => {
    await community(WHO.resident, 'withdrawConsent', { kind: 'health' })
    expect(
      await attempt(WHO.resident, {
        roundId: round.id,
        householdId: H.b1r101._id,
        members: [await negative(H.b1r101._id, 'm-zhang'), await negative(H.b1r101._id, 'm-li')],
      }),
    ).toMatchObject({ code: 'HEALTH_CONSENT_REQUIRED' })
  })

  it.each([
    [
      'a member of another household',
      [{ memberId: 'm-wang', result: 'negative' }],
      'NOT_A_MEMBER',
      'members.0.memberId',
    ],
    ['an unknown result', [{ memberId: 'm-zhang', result: 'maybe' }], 'INVALID_INPUT', 'members.0.result'],
    [
      'a missing photo',
      [
        { memberId: 'm-zhang', result: 'negative' },
        { memberId: 'm-li', result: 'untested', reason: '外出' },
      ],
      'PHOTO_REQUIRED',
      'members.0.photo',
    ],
    [
      'an untested member without a reason',
      [
        { memberId: 'm-zhang', result: 'untested' },
        { memberId: 'm-li', result: 'untested', reason: '外出' },
      ],
      'INVALID_INPUT',
      'members.0.reason',
    ],
    ['a member left out', [{ memberId: 'm-zhang', result: 'untested', reason: '外出' }], 'INVALID_INPUT', 'members'],
  ])('refuses %s', async (_label, members, code, field) => {
    expect(await attempt(WHO.resident, { roundId: round.id, householdId: H.b1r101._id, members })).toMatchObject({
      ok: false,
      code,
      field,
    })
  })

  it('refuses a photo outside the household’s folder, one never uploaded, and an oversize one', async () => {
    const other = await photo(H.b1r102._id, 'm-wang')
    const li = { memberId: 'm-li', result: 'untested', reason: '外出' }
    expect(
      await attempt(WHO.resident, {
        roundId: round.id,
        householdId: H.b1r101._id,
        members: [{ memberId: 'm-zhang', result: 'negative', photo: other }, li],
      }),
    ).toMatchObject({ code: 'PHOTO_INVALID', field: 'members.0.photo' })
    const ghost = `cloud://local.local-localcloud/antigen/${round.id}/${H.b1r101._id}/never.jpg`
    expect(
      await attempt(WHO.resident, {
        roundId: round.id,
        householdId: H.b1r101._id,
        members: [{ memberId: 'm-zhang', result: 'negative', photo: ghost }, li],
      }),
    ).toMatchObject({ code: 'PHOTO_INVALID', field: 'members.0.photo' })
    const big = { ...(await negative(H.b1r101._id, 'm-zhang')), photoSize: 5_000_000 }
    expect(
      await attempt(WHO.resident, { roundId: round.id, householdId: H.b1r101._id, members: [big, li] }),
    ).toMatchObject({ code: 'PHOTO_TOO_LARGE', field: 'members.0.photo' })
  })

  it('refuses another household and a closed round', async () => {
    expect(
      await attempt(WHO.resident, {
        roundId: round.id,
        householdId: H.b2r101._id,
        members: [{ memberId: 'm-qian', result: 'untested', reason: '外出' }],
      }),
    ).toMatchObject({ code: 'FORBIDDEN' })
    await ok(WHO.committee, 'closeRound', { roundId: round.id })
    expect(
      await attempt(WHO.resident, {
        roundId: round.id,
        householdId: H.b1r101._id,
        members: [await negative(H.b1r101._id, 'm-zhang'), await negative(H.b1r101._id, 'm-li')],
      }),
    ).toMatchObject({ code: 'ROUND_CLOSED' })
  })
})

describe('confirming a building', () => {
  it('confirms once, locks residents’ edits, and reopens with a push when a late household submits', async () => {
    await submitZhang()
    // Floor 2 has a 层长: the building waits for them (or a reason).
    expect(await call(WHO.buildingLead, 'confirm', { roundId: round.id, buildingId: B.b1._id })).toMatchObject({
      ok: false,
      code: 'FLOORS_UNCONFIRMED',
      field: 'reason',
    })
    const floor = await ok<ChainView>(WHO.floorLead, 'confirmFloor', {
      roundId: round.id,
      buildingId: B.b1._id,
      floor: 2,
    })
    expect(floor.floors.find((f) => f.floor === 2)).toMatchObject({ toConfirm: true, confirmed: true })
    expect(floor.confirmed).toBe(false)
    const confirmed = await ok<ChainView>(WHO.buildingLead, 'confirm', { roundId: round.id, buildingId: B.b1._id })
    expect(confirmed.confirmed).toBe(true)
    expect(await call(WHO.buildingLead, 'confirm', { roundId: round.id, buildingId: B.b1._id })).toMatchObject({
      code: 'ALREADY_CONFIRMED',
    })
    const li = { memberId: 'm-li', result: 'untested', reason: '外出' }
    expect(
      await call(WHO.resident, 'submit', {
        roundId: round.id,
        householdId: H.b1r101._id,
        members: [await negative(H.b1r101._id, 'm-zhang'), li],
      }),
    ).toMatchObject({ code: 'BUILDING_CONFIRMED' })

    await t.admin('subscribe', { body: { openid: WHO.buildingLead, templateId: 'TPL_REOPENED' } })
    await community(WHO.floorLead, 'giveConsent', { kind: 'health', version: CONSENTS.health.version })
    await ok(WHO.floorLead, 'submit', {
      roundId: round.id,
      householdId: H.b1r201._id,
      members: [await negative(H.b1r201._id, 'm-zhao'), { memberId: 'm-zhao2', result: 'untested', reason: '婴儿' }],
    })
    const chain = await ok<ChainView>(WHO.buildingLead, 'chain', { roundId: round.id, buildingId: B.b1._id })
    expect(chain.confirmed).toBe(false)
    // The late change was on floor 2: that floor is open again, and the table says so.
    expect(chain.floors.find((f) => f.floor === 2)).toMatchObject({ toConfirm: true, confirmed: false })
    const table = await ok<RoundTable>(WHO.committee, 'table', { roundId: round.id })
    expect(table.rows.find((r) => r.buildingId === B.b1._id)?.floors).toEqual({ toConfirm: 1, confirmed: 0 })
    await pushesSettled(t)
    const sent = (await t.admin<{ touser: string; templateId: string; status: string }[]>('outbox')).filter(
      (m) => m.templateId === 'TPL_REOPENED' && m.status === 'sent',
    )
    expect(sent.map((m) => m.touser)).toEqual([WHO.buildingLead])
  })
})

describe('the roll-up table', () => {
  beforeEach(async () => {
    await submitZhang(['negative', 'positive'])
    await ok(WHO.buildingLead, 'submit', {
      roundId: round.id,
      householdId: H.b1r102._id,
      members: [{ memberId: 'm-wang', result: 'invalid', photo: await photo(H.b1r102._id, 'm-wang') }],
    })
    await ok(WHO.committee, 'submit', {
      roundId: round.id,
      householdId: H.b3r301._id,
      members: [await negative(H.b3r301._id, 'm-sun')],
    })
    await ok(WHO.committee, 'confirm', { roundId: round.id, buildingId: B.b3._id })
  })

  it('gives the committee every building, subtotals per 营 and the total', async () => {
    const table = await ok<RoundTable>(WHO.committee, 'table', { roundId: round.id })
    expect(table.scope).toBe('community')
    expect(
      table.rows.map((r) => [
        r.name,
        r.expected,
        r.submitted,
        r.people,
        r.negative,
        r.positive,
        r.invalid,
        r.untested,
        r.missing,
        r.confirmed,
      ]),
    ).toEqual([
      ['1号', 3, 2, 3, 1, 1, 1, 0, 1, false],
      ['2号', 1, 0, 0, 0, 0, 0, 0, 1, false],
      ['3号', 1, 1, 1, 1, 0, 0, 0, 0, true],
    ])
    expect(table.groups.map((g) => [g.groupName, g.expected, g.submitted, g.positive, g.missing, g.confirmed])).toEqual(
      [
        ['第1营', 4, 2, 1, 2, 0],
        ['第2营', 1, 1, 0, 0, 1],
      ],
    )
    expect(table.total).toMatchObject({
      buildings: 3,
      expected: 5,
      submitted: 3,
      people: 4,
      negative: 2,
      positive: 1,
      invalid: 1,
      missing: 2,
      confirmed: 1,
    })
  })

  it('adds a subtotal per 片区 (团) when buildings have one', async () => {
    const zone = await community<{ id: string }>(WHO.committee, 'upsertZone', { communityId: C1, name: '东片' })
    if (!zone.ok) throw new Error(zone.message)
    await community(WHO.committee, 'upsertBuilding', {
      communityId: C1,
      buildingId: B.b3._id,
      name: '3号',
      zoneId: zone.data.id,
    })
    const next = await ok<RoundView>(WHO.committee, 'openRound', {
      communityId: C1,
      date: '2026-11-24',
      deadline: inAnHour(),
      notice: '第二轮',
    })
    await ok(WHO.committee, 'submit', {
      roundId: next.id,
      householdId: H.b3r301._id,
      members: [await negative(H.b3r301._id, 'm-sun', next.id)],
    })
    const table = await ok<RoundTable>(WHO.committee, 'table', { roundId: next.id })
    expect(table.zones.map((z) => [z.zoneName, z.buildings, z.submitted, z.negative])).toEqual([['东片', 1, 1, 1]])
  })

  it('cuts the table to the 营长’s 营 and the lead’s building', async () => {
    const group = await ok<RoundTable>(WHO.groupLead, 'table', { roundId: round.id })
    expect([group.scope, group.rows.map((r) => r.name)]).toEqual(['group', ['1号', '2号']])
    const lead = await ok<RoundTable>(WHO.buildingLead, 'table', { roundId: round.id })
    expect([lead.scope, lead.rows.map((r) => r.name)]).toEqual(['building', ['1号']])
    expect(await call(WHO.resident, 'table', { roundId: round.id })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await call(WHO.otherCommittee, 'table', { roundId: round.id })).toMatchObject({ code: 'FORBIDDEN' })
  })

  it('exports the table with sheets of abnormal and missing households', async () => {
    const out = await ok<{ fileID: string; fileName: string }>(WHO.committee, 'exportTable', { roundId: round.id })
    expect(out.fileName).toBe('抗原检测-2026-11-24.xlsx')
    const file = (await t.sdk.downloadFile({ fileID: out.fileID })) as { fileContent: Buffer }
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(file.fileContent as unknown as ArrayBuffer)
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '异常户', '未报户'])
    const rows = (name: string) =>
      (wb.getWorksheet(name)?.getSheetValues() ?? []).slice(2).map((r) => (r as unknown[]).slice(1, 4))
    expect(rows('汇总')[0]).toEqual(['1号', '第1营', 3])
    expect(rows('异常户')).toEqual([['1号', '101', '张三:阴性；李四:异常']])
    expect(rows('未报户').map((r) => r.slice(0, 2))).toEqual([
      ['1号', '201'],
      ['2号', '101'],
    ])
  })
})

describe('reminders, retention and deletion', () => {
  it('pushes to non-submitters who subscribed and lists the others to call', async () => {
    await t.admin('subscribe', { body: { openid: WHO.floorLead, templateId: 'TPL_ANTIGEN_REMINDER' } })
    // The ledger, which the call list comes from, knows the credit the page reported.
    await community(WHO.floorLead, 'recordSubscription', {
      templateIds: ['TPL_ANTIGEN_REMINDER'],
      accepted: ['TPL_ANTIGEN_REMINDER'],
    })
    await submitZhang()
    const r = await ok<RemindResult>(WHO.buildingLead, 'remind', { roundId: round.id, buildingId: B.b1._id })
    expect(r.pushed).toBe(1)
    // Masked numbers with the ids to reveal one (revealPhone), never the full number.
    expect(r.callList).toEqual([
      {
        householdId: H.b1r102._id,
        label: '1-102 王*',
        floor: 1,
        contacts: [{ memberId: 'm-wang', name: '王五', phone: '138****3333', revealable: true }],
      },
    ])
    expect(await t.data.count('reminders', { roundId: round.id })).toBe(1)
  })

  it('deletes kit photos after the retention period and keeps the results', async () => {
    const sub = await submitZhang()
    expect(sub.no).toBe(1)
    await ok(WHO.committee, 'closeRound', { roundId: round.id })
    await t.data.update('rounds', round.id, { closedAt: new Date(t.now() - 15 * 86_400_000) })
    const chainBefore = (await t.data.get<ChainDoc>('chains', `${round.id}:${B.b1._id}`)) as ChainDoc
    const fileIds = chainBefore.entries[H.b1r101._id]?.members.map((m) => m.photo) as string[]
    const result = await t.admin<{ result: { ok: boolean; data: { photos: number } } }>('functions/antigen/trigger', {
      body: {},
    })
    expect(result.result).toMatchObject({ ok: true, data: { rounds: 1, photos: 2 } })
    const urls = (await t.sdk.getTempFileURL({ fileList: fileIds })) as { fileList: { tempFileURL: string }[] }
    expect(urls.fileList.map((f) => f.tempFileURL)).toEqual(['', ''])
    const after = (await t.data.get<ChainDoc>('chains', `${round.id}:${B.b1._id}`)) as ChainDoc
    expect(after.entries[H.b1r101._id]?.members.map((m) => [m.result, m.photo])).toEqual([
      ['negative', undefined],
      ['negative', undefined],
    ])
    expect(after).toMatchObject({ negative: 2, submitted: 1 })
  })

  it('closes rounds past their deadline on the timer', async () => {
    await t.data.update('rounds', round.id, { deadline: new Date(t.now() - 1000) })
    await t.admin('functions/antigen/trigger', { body: {} })
    expect((await ok<RoundView[]>(WHO.committee, 'listRounds', { communityId: C1 }))[0]?.status).toBe('closed')
  })

  it('erases a member’s result and photo when they delete their data, keeping the others’ and the counts', async () => {
    await submitZhang()
    const before = (await t.data.get<ChainDoc>('chains', `${round.id}:${B.b1._id}`)) as ChainDoc
    const zhangsPhoto = before.entries[H.b1r101._id]?.members.find((m) => m.memberId === 'm-zhang')?.photo as string
    await community(WHO.resident, 'deleteMyData', { householdId: H.b1r101._id, confirm: '删除' })
    const chain = (await t.data.get<ChainDoc>('chains', `${round.id}:${B.b1._id}`)) as ChainDoc
    // 李四 (no WeChat of his own) stays in the household, and so does his result; 张三's is gone.
    expect(chain.entries[H.b1r101._id]?.members.map((m) => [m.name, m.result])).toEqual([['李四', 'negative']])
    expect(chain.entries[H.b1r101._id]).toMatchObject({ no: 1, by: '' })
    expect(chain).toMatchObject({ submitted: 1, negative: 2, seq: 1 })
    const urls = (await t.sdk.getTempFileURL({ fileList: [zhangsPhoto] })) as { fileList: { tempFileURL: string }[] }
    expect(urls.fileList[0]?.tempFileURL).toBe('')
  })

  it('lists a resident’s open rounds with their state', async () => {
    expect((await ok<MySubmissionView[]>(WHO.resident, 'myRounds'))[0]).toMatchObject({
      submitted: false,
      label: '1-101',
      locked: false,
    })
    await submitZhang()
    expect((await ok<MySubmissionView[]>(WHO.resident, 'myRounds'))[0]).toMatchObject({ submitted: true, no: 1 })
  })
})
