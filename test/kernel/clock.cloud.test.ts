// Day rules at their edges, read from the platform clock the test sets through localcloud's admin API: just before
// and after Shanghai midnight (16:00 UTC), a month's last day, New Year, a leap day. And the clock is the
// platform's: what a round records is the platform's now, and nothing a client sends moves it.
import type { Envelope, ImportPreview, InviteView, RoundView } from '../../typings/api'
import type { RoundDoc } from '../../server/antigen/model'
import { CONSENTS } from '../../server/community/consent'
import { startTestCloud, TEST_NOW, type TestCloud } from '../support/localcloud'
import { B, C1, H, loadFixture, snapshot, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())
beforeEach(async () => {
  await t.setClock(TEST_NOW)
  await loadFixture(t)
})

const antigen = <T>(openid: string, action: string, payload: object) =>
  t.call<Envelope<T>>('antigen', { action, payload }, openid)
const community = <T>(openid: string, action: string, payload: object) =>
  t.call<Envelope<T>>('community', { action, payload }, openid)
const sheets = <T>(openid: string, action: string, payload: object) =>
  t.call<Envelope<T>>('sheets', { action, payload }, openid)

/** Open a round for `date` with a deadline 50 seconds from the platform's now (yesterday's round opened at 23:59
 * may run only until midnight). */
const open = (date: string, extra: object = {}) =>
  antigen<RoundView>(WHO.committee, 'openRound', {
    communityId: C1,
    date,
    deadline: new Date(t.now() + 50_000).toISOString(),
    notice: '请完成抗原自测',
    ...extra,
  })
const outcome = (r: Envelope<unknown>) => (r.ok ? 'ok' : `${r.code} ${r.field ?? ''}`.trim())

/** Dates around the clock: [date, expected outcome]. */
async function expectDays(cases: [string, string][]) {
  const got: [string, string][] = []
  for (const [date] of cases) got.push([date, outcome(await open(date))])
  expect(got).toEqual(cases)
}

describe('a round’s day: yesterday … 7 days ahead, in Shanghai', () => {
  it('at 23:59 on the last day of November (15:59 UTC)', async () => {
    await t.setClock('2026-11-30T15:59:00Z')
    await expectDays([
      ['2026-11-28', 'INVALID_INPUT date'],
      ['2026-11-29', 'ok'],
      ['2026-11-30', 'ok'],
      ['2026-12-07', 'ok'],
      ['2026-12-08', 'INVALID_INPUT date'],
    ])
  })

  it('a second later, on 1 December (16:00:00 UTC)', async () => {
    await t.setClock('2026-11-30T16:00:01Z')
    await expectDays([
      ['2026-11-29', 'INVALID_INPUT date'],
      ['2026-11-30', 'ok'],
      ['2026-12-01', 'ok'],
      ['2026-12-08', 'ok'],
      ['2026-12-09', 'INVALID_INPUT date'],
    ])
  })

  it('across New Year', async () => {
    await t.setClock('2026-12-31T15:59:00Z')
    await expectDays([
      ['2026-12-29', 'INVALID_INPUT date'],
      ['2026-12-30', 'ok'],
      ['2027-01-07', 'ok'],
      ['2027-01-08', 'INVALID_INPUT date'],
    ])
    await t.setClock('2026-12-31T16:00:30Z')
    await expectDays([
      ['2026-12-30', 'INVALID_INPUT date'],
      ['2026-12-31', 'ok'],
      ['2027-01-01', 'ok'],
      ['2027-01-08', 'ok'],
      ['2027-01-09', 'INVALID_INPUT date'],
    ])
  })

  it('on a leap day, and refuses 29 February of a common year', async () => {
    await t.setClock('2028-02-28T16:30:00Z')
    await expectDays([
      ['2028-02-28', 'ok'],
      ['2028-02-29', 'ok'],
      ['2028-03-07', 'ok'],
      ['2028-03-08', 'INVALID_INPUT date'],
    ])
    await t.setClock('2027-02-28T02:00:00Z')
    await expectDays([['2027-02-29', 'INVALID_INPUT date']])
  })

  it('with the clock starting at 2027-03-31 16:05 UTC (1 April in Shanghai)', async () => {
    await t.setClock('2027-03-31T16:05:00Z')
    await expectDays([
      ['2027-03-30', 'INVALID_INPUT date'],
      ['2027-03-31', 'ok'],
      ['2027-04-01', 'ok'],
      ['2027-04-08', 'ok'],
      ['2027-04-09', 'INVALID_INPUT date'],
    ])
  })
})

describe('dates and times that are no real value', () => {
  it.each([
    ['2099-13-45', 'date'],
    ['2026-11-31', 'date'],
    ['2026-02-29', 'date'],
    ['2026-00-10', 'date'],
    ['2026-1-24', 'date'],
    ['２０２６-11-24', 'date'],
    ['2026-11-24T00:00:00Z', 'date'],
  ])('refuses the day %s and writes nothing', async (date, field) => {
    const before = await snapshot(t)
    const reply = await open(date)
    expect(reply).toMatchObject({ ok: false, code: 'INVALID_INPUT', field })
    expect(reply.ok ? '' : reply.message).toMatch(/检测日期/)
    expect(await snapshot(t)).toBe(before)
  })

  it.each([
    '2026-11-24T25:00:00+08:00',
    '2026-11-31T10:00:00+08:00',
    '2026-11-24 12:00',
    '2026-11-24T12:00:00',
    '1900-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
  ])('refuses the deadline %s and writes nothing', async (deadline) => {
    const before = await snapshot(t)
    expect(await open('2026-11-24', { deadline })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      field: 'deadline',
    })
    expect(await snapshot(t)).toBe(before)
  })

  it('bounds the deadline: after now, and by the end of the day after the round’s day (Shanghai)', async () => {
    expect(outcome(await open('2026-11-24', { deadline: new Date(t.now() - 1000).toISOString() }))).toBe(
      'INVALID_INPUT deadline',
    )
    // The round of 24 November may run until 26 November 00:00 in Shanghai, not a second later.
    expect(outcome(await open('2026-11-24', { deadline: '2026-11-26T00:00:00+08:00' }))).toBe('ok')
    expect(outcome(await open('2026-11-24', { deadline: '2026-11-26T00:00:01+08:00' }))).toBe('INVALID_INPUT deadline')
  })

  it('refuses timer times that are no real time, far from now, or out of order', async () => {
    await community(WHO.resident, 'giveConsent', { kind: 'health', version: CONSENTS.health.version })
    const round = await open('2026-11-24')
    if (!round.ok) throw new Error(round.code)
    const submit = (times: object) =>
      antigen(WHO.resident, 'submit', {
        roundId: round.data.id,
        householdId: H.b1r101._id,
        members: [
          { memberId: 'm-zhang', result: 'untested', reason: '外出', ...times },
          { memberId: 'm-li', result: 'untested', reason: '外出' },
        ],
      })
    const iso = (ms: number) => new Date(t.now() + ms).toISOString()
    const before = await snapshot(t)
    for (const times of [
      { startedAt: '2026-11-24T10:61:00+08:00' },
      { photoAt: '2026-02-30T10:00:00+08:00' },
      { startedAt: iso(-3 * 86_400_000) },
      { photoAt: iso(3600_000) },
      { startedAt: iso(-60_000), photoAt: iso(-20 * 60_000) },
    ])
      expect(outcome(await submit(times))).toMatch(/^INVALID_INPUT members\.0\.(startedAt|photoAt)$/)
    expect(await snapshot(t)).toBe(before)
    expect(outcome(await submit({ startedAt: iso(-20 * 60_000), photoAt: iso(-60_000) }))).toBe('ok')
  })
})

describe('the platform’s clock, and only it', () => {
  it('dates a round from the platform clock, not the machine’s', async () => {
    await t.setClock('2030-05-01T02:00:00Z')
    const reply = await open('2030-05-01')
    expect(reply.ok).toBe(true)
    const doc = (await t.data.get<RoundDoc>('rounds', reply.ok ? reply.data.id : '')) as RoundDoc
    expect(Math.abs(new Date(doc.openedAt).getTime() - Date.parse('2030-05-01T02:00:00Z'))).toBeLessThan(5000)
  })

  it('is not moved by anything a client sends', async () => {
    await t.setClock('2026-11-30T15:59:00Z')
    // Tomorrow is 1 December to the platform; a client claiming a later time changes nothing.
    const claims = [
      { event: { action: 'openRound', now: '2026-12-10T00:00:00Z' } },
      { event: { action: 'openRound', Time: '2026-12-10T00:00:00Z', LOCALCLOUD_CLOCK_OFFSET_MS: 864_000_000 } },
      { headers: { 'x-localcloud-clock': '2026-12-10T00:00:00Z', 'x-localcloud-clock-offset-ms': '864000000' } },
    ]
    for (const claim of claims) {
      const { body } = await t.gateway(
        'antigen',
        {
          action: 'openRound',
          payload: {
            communityId: C1,
            date: '2026-12-08',
            deadline: '2026-12-08T12:00:00+08:00',
            notice: '请完成抗原自测',
          },
          ...('event' in claim ? claim.event : {}),
        },
        { 'x-wx-openid': WHO.committee, ...('headers' in claim ? claim.headers : {}) },
      )
      expect(outcome(body as Envelope<unknown>)).toBe('INVALID_INPUT date')
    }
    const { body } = await t.gateway(
      'antigen',
      {
        action: 'openRound',
        payload: {
          communityId: C1,
          date: '2026-12-01',
          deadline: '2026-12-01T12:00:00+08:00',
          notice: '请完成抗原自测',
          now: '2026-12-10T00:00:00Z',
        },
      },
      { 'x-wx-openid': WHO.committee },
    )
    expect(body).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'now' })
  })

  it('expires an invite when the platform’s time passes its end', async () => {
    const created = await community<InviteView>(WHO.buildingLead, 'createInvite', { buildingId: B.b1._id, ttlHours: 1 })
    if (!created.ok) throw new Error(created.code)
    const join = () =>
      community(WHO.stranger, 'requestJoin', {
        code: created.data.code,
        room: '101',
        name: '李四',
        personalConsent: CONSENTS.personal.version,
      })
    await t.advanceClock(61 * 60_000)
    expect(outcome(await join())).toMatch(/^INVITE_EXPIRED/)
    await t.advanceClock(-2 * 60 * 60_000)
    expect(outcome(await join())).toBe('ok')
  })

  it('closes a round on the timer once the platform’s time passes its deadline', async () => {
    const reply = await open('2026-11-24')
    if (!reply.ok) throw new Error(reply.code)
    await t.admin('functions/antigen/trigger', { body: {} })
    expect((await t.data.get<RoundDoc>('rounds', reply.data.id))?.status).toBe('open')
    await t.advanceClock(51_000)
    await t.admin('functions/antigen/trigger', { body: {} })
    expect((await t.data.get<RoundDoc>('rounds', reply.data.id))?.status).toBe('closed')
  })
})

describe('ledger birth years at New Year', () => {
  it('takes a birth year of the new year only once it has begun in Shanghai', async () => {
    const csv = '楼栋,房号,姓名,电话,出生年份,标记\n1号,101,张三,13800001111,1980,\n1号,101,张小宝,,2027,婴幼儿\n'
    const { fileID } = (await t.sdk.uploadFile({
      cloudPath: `ledger/${C1}/new-year.csv`,
      fileContent: Buffer.from(csv),
    })) as { fileID: string }
    const preview = () => sheets<ImportPreview>(WHO.committee, 'importPreview', { communityId: C1, fileID })
    await t.setClock('2026-12-31T15:59:30Z')
    const before = await preview()
    expect(before.ok && before.data.errors.map((e) => e.row)).toEqual([3])
    await t.setClock('2026-12-31T16:00:30Z')
    const after = await preview()
    expect(after.ok && after.data.errors).toEqual([])
  })
})
