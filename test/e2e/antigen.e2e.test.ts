// The antigen round across roles in 示范二村, every step through the real pages in Chromium, and the data in
// localcloud after each stage: the committee opens a round; residents of 1号 submit (one abnormal); the lead reads
// the chain with the photos, submits for a household without WeChat (代报) and confirms the building; the committee
// reads the table and exports it; the abnormal household is followed up and the lead reminds the rest.
import path from 'node:path'
import ExcelJS from 'exceljs'
import type { ChainDoc, RoundDoc } from '../../server/antigen/model'
import type { FollowUpDoc } from '../../server/antigen/followups'
import type { HouseholdDoc } from '../../server/community/model'
import type { PushDoc } from '../../server/platform/pushqueue'
import { formatShanghai, shanghaiDay } from '../../server/kernel/time'
import { maskName } from '../../server/community/mask'
import { householdLabel } from '../../server/community/structure'
import { TEMPLATE_IDS } from '../../miniprogram/shared/constants'
import type { Phone } from '../../preview/driver'
import { KIT_NEGATIVE, KIT_POSITIVE, startE2E, type E2E } from '../support/e2e'
import { settledOutbox } from '../support/pushes'

const COMMUNITY = 'c-demo-2'
const B1 = 'c-demo-2-b1'
const COMMITTEE = 'demo2-committee-1'
const NOTICE = '今晚 22:00 前请每户完成抗原自测并接龙，家中老人请楼组长代报。'

/** E2E_SCREENSHOTS=<dir>: a screenshot of each screen the flow passes, for looking at the pages. */
const shot = (phone: Phone, name: string) =>
  process.env.E2E_SCREENSHOTS
    ? phone.screenshot(path.join(process.env.E2E_SCREENSHOTS, `antigen-${name}.png`))
    : undefined

let e: E2E
/** What the steps hand on: the round, the abnormal household, the one the lead submitted for. */
let roundId = ''
let h302: HouseholdDoc
let h401: HouseholdDoc

beforeAll(async () => {
  e = await startE2E()
}, 60000)
afterAll(() => e?.stop())

/** Poll localcloud until `check` answers something (not undefined / false). */
async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 10000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const household = async (room: string) =>
  (await e.t.data.find<HouseholdDoc>('households', { buildingId: B1, room }))[0] as HouseholdDoc

const chainB1 = async () => (await e.t.data.find<ChainDoc>('chains', { roundId, buildingId: B1 }))[0] as ChainDoc

/** Wait until the sequencer merged the household's submission into the chain. */
const merged = (householdId: string) =>
  until(`the entry of ${householdId}`, async () => {
    const waiting = await e.t.data.count('intake', { roundId, householdId })
    const entry = (await chainB1()).entries[householdId]
    return waiting === 0 && entry
  })

/** A member's result and kit photo on the submit page (the page on top). */
async function answer(phone: Phone, memberId: string, result: 'negative' | 'positive', photo: string, first: boolean) {
  const card = `#member-${memberId}`
  await phone.tap(`#result-${memberId}-${result}`)
  expect(await phone.$(`${card} .result-on`).getAttribute('id')).toBe(`result-${memberId}-${result}`)
  await phone.tap(`${card} .take-photo`)
  if (first) {
    // A fresh phone: WeChat holds the camera until the privacy guideline is agreed to, through the page's popup.
    await phone.top().locator('.privacy-sheet').waitFor()
    await shot(phone, `privacy-${phone.openid}`)
    await phone.tap('#agree-privacy')
    await phone.top().locator('.privacy-sheet').waitFor({ state: 'detached' })
  }
  await phone.chooseFile(photo)
  await phone.top().locator(`${card} .photo-row .hint`, { hasText: '已上传' }).waitFor()
}

interface Plan {
  room: string
  openid: string
  results: ('negative' | 'positive')[]
}

/** A resident opens 报抗原 from their home page, answers every member, agrees where asked and submits. */
async function submitOwn(phone: Phone, plan: Plan, no: number): Promise<HouseholdDoc> {
  const h = await household(plan.room)
  expect(await phone.route()).toBe('pages/index/index')
  expect(await phone.text(`#entry-antigen-${roundId}-${h._id}`)).toContain('未报')
  await phone.tap(`#entry-antigen-${roundId}-${h._id}`)
  expect(await phone.route()).toBe('packageAntigen/pages/submit')
  expect(await phone.text('#head .title')).toBe(householdLabel('1号', plan.room))
  for (const [i, m] of h.members.entries()) {
    const result = plan.results[i] ?? 'negative'
    await answer(phone, m.id, result, result === 'positive' ? KIT_POSITIVE : KIT_NEGATIVE, i === 0)
  }
  // The health consent, when the page asks for it (a member who has not given it, or not to the current text).
  if (await phone.top().locator('#health-consent').count()) await phone.tap('#health-consent .consent-tick')
  await shot(phone, `submit-${plan.room}`)
  await phone.tap('#submit')
  // WeChat's subscription dialog, asked inside the tap: 未报提醒 and 开轮提醒.
  await phone.subscription('allow')
  if ((await phone.top().locator('#done').count()) === 0) {
    // The function found no health consent on the member's grant (HEALTH_CONSENT_REQUIRED): the page asks now.
    await phone.$('#health-consent').waitFor()
    await phone.tap('#health-consent .consent-tick')
    await phone.tap('#submit')
    await phone.subscription('allow')
  }
  await phone.$('#done').waitFor()
  await numbered(phone, h._id, no)
  await shot(phone, `done-${plan.room}`)
  return h
}

/**
 * The household's number on the submit page once the sequencer merged it. The submission answers with it when the
 * merge finishes within SEQ_WAIT_MS (300 ms); otherwise the page shows none yet, and a pull-down shows it.
 */
async function numbered(phone: Phone, householdId: string, no: number): Promise<void> {
  expect((await merged(householdId)).no).toBe(no)
  if ((await phone.text('#done .done-no')) !== `已接龙 · 第 ${no} 位`) {
    await phone.page.locator('#pv-nav .pv-nav-refresh').click()
    await phone.idle()
  }
  expect(await phone.text('#done .done-no')).toBe(`已接龙 · 第 ${no} 位`)
}

describe('an antigen round in 示范二村', () => {
  it('the committee opens a round on the rounds page: the round and a chain per building are in localcloud', async () => {
    const phone = await e.phone(COMMITTEE)
    await phone.tap(`#entry-rounds-${COMMUNITY}`)
    expect(await phone.route()).toBe('packageAntigen/pages/rounds')
    await phone.$('#form').waitFor()

    const today = shanghaiDay(e.t.now())
    await phone.tap('#date')
    await phone.pickValue(today)
    expect(await phone.text('#date')).toBe(today)
    await phone.tap('#time')
    await phone.pickValue('22:00')
    expect(await phone.text('#time')).toBe('22:00')
    await phone.type('#notice', NOTICE)
    await phone.tap('#scope-all')
    expect(await phone.text('#scope-all .tick')).toBe('✓')

    await shot(phone, 'rounds-form')
    await phone.tap('#open-round')
    expect(await phone.modal('confirm')).toContain('全部楼栋')
    const round = await until('the round', async () => {
      const rounds = await e.t.data.find<RoundDoc>('rounds', { communityId: COMMUNITY })
      return rounds.length === 1 && rounds[0]
    })
    roundId = round._id
    expect(round).toMatchObject({
      status: 'open',
      date: today,
      notice: NOTICE,
      allBuildings: true,
      openedBy: COMMITTEE,
    })
    expect(formatShanghai(round.deadline)).toBe(`${today} 22:00`)
    await phone.$(`#round-${roundId}`).waitFor()
    expect(await phone.text(`#round-${roundId}`)).toContain('截止 22:00')
    await shot(phone, 'rounds-opened')

    const chains = await e.t.data.findAll<ChainDoc>('chains', { roundId })
    const buildings = await e.t.data.findAll<{ _id: string }>('buildings', { communityId: COMMUNITY })
    expect(chains.map((c) => c.buildingId).sort()).toEqual(buildings.map((b) => b._id).sort())
    const households = await e.t.data.findAll<HouseholdDoc>('households', { communityId: COMMUNITY })
    for (const c of chains) {
      expect(c).toMatchObject({ status: 'open', seq: 0, submitted: 0, confirmed: false, entries: {} })
      expect(c.expected).toBe(households.filter((h) => h.buildingId === c.buildingId && h.members.length).length)
    }
    expect(await phone.problems()).toEqual([])
  })

  it('residents of 1号 submit from their home pages: numbered in order, photos stored, the abnormal one followed up', async () => {
    const plans: Plan[] = [
      { room: '301', openid: 'demo2-resident-1', results: ['negative', 'negative'] },
      { room: '302', openid: 'demo2-r-1-302-1', results: ['positive', 'negative'] },
    ]
    const done: HouseholdDoc[] = []
    for (const [i, plan] of plans.entries()) {
      const phone = await e.phone(plan.openid)
      const h = await submitOwn(phone, plan, i + 1)
      done.push(h)
      const entry = await merged(h._id)
      expect(entry).toMatchObject({ no: i + 1, by: plan.openid, proxy: false, room: plan.room })
      expect(entry.members.map((m) => m.result)).toEqual(plan.results)
      if (plan.results.includes('positive')) {
        // The page tells the household calmly what happens next.
        expect(await phone.text('#positive-notice')).toContain('已通知楼组长和居委')
      }
      expect(await phone.problems()).toEqual([])
    }
    h302 = done[1] as HouseholdDoc

    // Every photo is a file in storage, in the household's folder, uploaded by the resident who took it.
    const files = await e.t.admin<{ fileID: string; path: string; size: number; openid: string | null }[]>('files')
    const chain = await chainB1()
    for (const [i, h] of done.entries()) {
      const entry = chain.entries[h._id]
      for (const m of entry?.members ?? []) {
        const file = files.find((f) => f.fileID === m.photo)
        expect(file).toMatchObject({ openid: plans[i]?.openid, size: m.photoSize })
        expect(file?.path).toMatch(new RegExp(`^antigen/${roundId}/${h._id}/${m.memberId}-\\d+\\.jpg$`))
      }
    }
    expect(chain).toMatchObject({ seq: 2, submitted: 2, people: 4, negative: 3, positive: 1 })
    expect(await e.t.data.count('intake', { roundId })).toBe(0)

    // The abnormal household: one open follow-up, and the abnormal notice queued for the building's lead and the
    // committee (as they were when the round opened).
    const followUps = await e.t.data.findAll<FollowUpDoc>('followUps', { roundId })
    expect(followUps).toHaveLength(1)
    expect(followUps[0]).toMatchObject({ householdId: h302._id, buildingId: B1, room: '302', status: 'open' })
    const pushes = await e.t.data.findAll<PushDoc>('pushQueue', {})
    const abnormal = pushes.filter((p) => p.purpose.startsWith(`antigen.abnormal:${chain._id}:${h302._id}:`))
    expect(abnormal.map((p) => p.touser).sort()).toEqual(
      [...(chain.notify?.leads ?? []), ...(chain.notify?.committee ?? [])].sort(),
    )
    expect(abnormal.map((p) => p.touser)).toContain('demo2-lead-1')
    for (const p of abnormal) expect(p).toMatchObject({ templateId: TEMPLATE_IDS.abnormal })
    // Nobody of them had accepted the abnormal notice in WeChat: each send is refused (43101), and the queue says so.
    const outbox = await settledOutbox(e.t)
    for (const p of abnormal) {
      expect(await e.t.data.get<PushDoc>('pushQueue', p._id)).toMatchObject({ status: 'refused', errcode: 43101 })
      expect(outbox.filter((m) => m.touser === p.touser && m.templateId === TEMPLATE_IDS.abnormal)).toEqual([
        expect.objectContaining({ status: 'rejected', errcode: 43101 }),
      ])
    }
    // Both residents accepted 未报提醒 and 开轮提醒: the product's ledger has the credits, and 开轮提醒 subscribed them
    // to the community's next rounds.
    for (const plan of plans) {
      const credits = await until(`${plan.openid}'s credits`, async () => {
        const docs = await e.t.data.findAll<{ templateId: string }>('subscriptionCredits', { openid: plan.openid })
        const subscribed = await e.t.data.count('roundSubscribers', { openid: plan.openid, communityId: COMMUNITY })
        return docs.length === 2 && subscribed === 1 && docs
      })
      expect(credits.map((c) => c.templateId).sort()).toEqual(
        [TEMPLATE_IDS.antigenReminder, TEMPLATE_IDS.roundOpened].sort(),
      )
    }
  })

  it('a resident on a touch phone: each tap fires once (the entry, results, the camera, the consent tick, submit)', async () => {
    // 201's second member has not given the health consent yet: the page asks for it, a tick that a doubled tap
    // would undo.
    const openid = 'demo2-r-1-201-2'
    const h = await household('201')
    const phone = await e.phone(openid, { touch: true })
    const tap = async (selector: string) => {
      await phone.$(selector).tap()
      await phone.idle()
    }
    await tap(`#entry-antigen-${roundId}-${h._id}`)
    // One page opened, not two.
    expect(await phone.page.evaluate(() => window.__preview.stack())).toEqual([
      'pages/index/index',
      'packageAntigen/pages/submit',
    ])
    for (const [i, m] of h.members.entries()) {
      await tap(`#result-${m.id}-negative`)
      expect(await phone.top().locator(`#member-${m.id} .result-on`).getAttribute('id')).toBe(`result-${m.id}-negative`)
      await tap(`#member-${m.id} .take-photo`)
      if (i === 0) await tap('#agree-privacy')
      // One chooser, not two: a doubled tap would have opened the camera twice.
      await phone.page.locator('.pv-file-sheet').first().waitFor()
      expect(await phone.page.locator('.pv-file-sheet').count()).toBe(1)
      await phone.chooseFile(KIT_NEGATIVE)
      await phone.top().locator(`#member-${m.id} .photo-row .hint`, { hasText: '已上传' }).waitFor()
      expect(await phone.page.locator('.pv-file-sheet').count()).toBe(0)
    }
    expect(await phone.log('upload')).toHaveLength(h.members.length)
    await tap('#health-consent .consent-tick')
    expect(await phone.text('#health-consent .consent-box')).toBe('✓')
    await shot(phone, 'touch-consent')
    await tap('#submit')
    expect(await phone.page.locator('.pv-subscribe-sheet').count()).toBe(1)
    await phone.page.locator('.pv-subscribe-allow').tap()
    await phone.idle()
    await phone.$('#done').waitFor()
    await numbered(phone, h._id, 3)
    expect(await merged(h._id)).toMatchObject({ no: 3, by: openid, proxy: false })
    // The consent was given once, to the current text, before the submission.
    const consents = await e.t.data.findAll<{ kind: string; withdrawnAt?: Date }>('consents', { openid })
    expect(consents.filter((c) => c.kind === 'health' && !c.withdrawnAt)).toHaveLength(1)
    expect(await phone.problems()).toEqual([])
  })

  it('the lead reads the chain with photos, submits for a household without WeChat (代报) and confirms 1号', async () => {
    const lead = 'demo2-lead-1'
    const phone = await e.phone(lead)
    await phone.tap(`#entry-chain-${B1}`)
    expect(await phone.route()).toBe('packageAntigen/pages/chain')
    await phone.$('#entries').waitFor()

    // Abnormal first for the lead, then by number; each household as 「1-301 许*」 (room and masked first name).
    const chain = await chainB1()
    const households = await e.t.data.findAll<HouseholdDoc>('households', { buildingId: B1 })
    const byId = new Map(households.map((h) => [h._id, h]))
    const entries = Object.values(chain.entries).sort(
      (a, b) => Number(b.counts.positive > 0) - Number(a.counts.positive > 0) || a.no - b.no,
    )
    const label = (h: HouseholdDoc) =>
      `${householdLabel(chain.buildingName, h.room)} ${maskName(h.members[0]?.name ?? '')}`
    expect(await phone.texts('#entries .entry-no')).toEqual(entries.map((x) => String(x.no)))
    expect(await phone.texts('#entries .entry-label')).toEqual(
      entries.map((x) => label(byId.get(x.householdId) as HouseholdDoc)),
    )
    expect(await phone.text(`#entry-${h302._id}`)).toContain('异常')

    // The abnormal household opens on its members' results beside their kit photos, which load.
    await phone.tap(`#entry-${h302._id} .entry-head`)
    const kits = phone.top().locator(`#entry-${h302._id} .kit img`)
    expect(await kits.count()).toBe(2)
    // Each <image> resolves to the temporary URL the chain handed the lead, of a photo in the household's folder.
    const loaded = await until('the kit photos to load', async () => {
      const imgs = await kits.evaluateAll((els) =>
        els.map((el) => {
          const img = el as unknown as { complete: boolean; naturalWidth: number; src: string }
          return { ok: img.complete && img.naturalWidth > 0, src: decodeURIComponent(img.src) }
        }),
      )
      return imgs.every((i) => i.ok) && imgs
    })
    for (const img of loaded) expect(img.src).toContain(`antigen/${roundId}/${h302._id}/`)
    await shot(phone, 'chain-lead')
    expect(await phone.texts(`#entry-${h302._id} .member-result`)).toEqual([expect.stringContaining('异常'), '阴性'])

    // 代报 for the household with no one on WeChat.
    h401 = households.find(
      (h) => h.members.length && h.linkedOpenids.length === 0 && !chain.entries[h._id],
    ) as HouseholdDoc
    expect(h401).toBeDefined()
    await phone.tap('#tab-missing')
    expect(await phone.text(`#missing-${h401._id}`)).toContain('未绑定微信')
    await shot(phone, 'chain-missing')
    await phone.tap(`#missing-${h401._id} .proxy-submit`)
    expect(await phone.route()).toBe('packageAntigen/pages/submit')
    expect(await phone.text('#head')).toContain('代报')
    // 代报 is the lead's act: no health consent, no subscription prompt.
    expect(await phone.top().locator('#health-consent').count()).toBe(0)
    for (const [i, m] of h401.members.entries()) await answer(phone, m.id, 'negative', KIT_NEGATIVE, i === 0)
    await phone.tap('#submit')
    await phone.$('#done').waitFor()
    expect(await phone.page.locator('.pv-subscribe-sheet').count()).toBe(0)
    await numbered(phone, h401._id, 4)
    await shot(phone, 'proxy-done')
    const proxied = await merged(h401._id)
    expect(proxied).toMatchObject({ no: 4, by: lead, proxy: true })

    // Back on the chain: the new entry, marked 代报.
    await phone.page.locator('#pv-nav .pv-nav-back').click()
    await phone.idle()
    expect(await phone.route()).toBe('packageAntigen/pages/chain')
    await phone.tap('#tab-entries')
    await phone.top().locator(`#entry-${h401._id} .proxy-tag`).waitFor()

    // Confirm: 1号 has no floor with a 层长, so the page asks no reason.
    const before = await chainB1()
    expect(before.floorsToConfirm ?? []).toEqual([])
    await phone.tap('#confirm')
    const text = await phone.modal('confirm')
    expect(text).toContain(`已报 ${Object.keys(before.entries).length} 户`)
    expect(text).toContain(`未报 ${before.expected - before.submitted} 户`)
    await phone.$('#confirmed').waitFor()
    expect(await phone.text('#confirm')).toBe('本楼已确认')
    await shot(phone, 'chain-confirmed')
    const after = await chainB1()
    expect(after).toMatchObject({ confirmed: true, confirmedBy: lead, submitted: 4 })
    expect(after.confirmReason).toBeUndefined()
    expect(await phone.problems()).toEqual([])
  })

  it('the committee reads the table from the home page and exports it: the spreadsheet matches localcloud', async () => {
    const phone = await e.phone(COMMITTEE)
    await phone.tap(`#entry-table-${COMMUNITY}`)
    expect(await phone.route()).toBe('packageAntigen/pages/table')
    await phone.$(`#row-${B1}`).waitFor()
    await shot(phone, 'table')

    const chains = await e.t.data.findAll<ChainDoc>('chains', { roundId })
    const c1 = chains.find((c) => c.buildingId === B1) as ChainDoc
    const figures = async (scope: string) =>
      Object.fromEntries(
        await Promise.all(
          ['expected', 'submitted', 'missing', 'people', 'negative', 'positive'].map(
            async (k) => [k, Number(await phone.text(`${scope} .figure-${k} .figure-value`))] as const,
          ),
        ),
      )
    expect(await figures(`#row-${B1}`)).toEqual({
      expected: c1.expected,
      submitted: c1.submitted,
      missing: c1.expected - c1.submitted,
      people: c1.people,
      negative: c1.negative,
      positive: 1,
    })
    expect(await phone.text(`#row-${B1} .confirmed-tag`)).toBe('已确认')
    expect(await phone.text('#alerts')).toContain('1号：异常 1 人')
    const sum = (k: 'expected' | 'submitted' | 'people') => chains.reduce((n, c) => n + c[k], 0)
    expect(await figures('#total')).toMatchObject({
      expected: sum('expected'),
      submitted: sum('submitted'),
      people: sum('people'),
      positive: 1,
    })

    // 5号 has a 层长 (6 层) who has not confirmed: the committee confirms the building from the table's row, and the
    // page asks why before every floor is confirmed.
    const B5 = 'c-demo-2-b5'
    expect(chains.find((c) => c.buildingId === B5)?.floorsToConfirm).toEqual([6])
    await phone.tap(`#row-${B5}`)
    expect(await phone.route()).toBe('packageAntigen/pages/chain')
    expect(await phone.text('#floors-status')).toBe('层长确认：0/1 层，未确认：6 层')
    await phone.tap('#confirm')
    expect(await phone.modal('confirm')).toContain('6 层的层长还没有确认')
    expect(await phone.modal('confirm')).toContain('还有楼层没有确认')
    const reason = '6 层层长外出，居委已电话逐户核对'
    await phone.modal('confirm', reason)
    await phone.$('#confirm-reason').waitFor()
    expect(await phone.text('#confirm-reason')).toBe(`未等全部层长确认，原因：${reason}`)
    const c5 = (await e.t.data.find<ChainDoc>('chains', { roundId, buildingId: B5 }))[0]
    expect(c5).toMatchObject({ confirmed: true, confirmedBy: COMMITTEE, confirmReason: reason })
    expect(c5?.floors?.['6']).toBeUndefined()
    await phone.page.locator('#pv-nav .pv-nav-back').click()
    await phone.idle()
    // Pull down: the table is computed again.
    await phone.page.locator('#pv-nav .pv-nav-refresh').click()
    await phone.idle()
    expect(await phone.text(`#row-${B5} .confirmed-tag`)).toBe('已确认')

    await phone.tap('#export')
    await phone.page.locator('.pv-system-notice').waitFor()
    await shot(phone, 'table-export')
    const docs = await phone.documents()
    expect(docs).toHaveLength(1)
    const doc = docs[0] as (typeof docs)[number]
    // Asked for by fileID (wx.cloud.downloadFile; the bucket's rule refuses a client a file the functions wrote, so
    // the temporary URL brings it) and copied to the user folder under the function's name, so the document viewer
    // shows 「抗原检测-<date>.xlsx」 rather than the temporary file's hash.
    const [exportedRound] = await e.t.data.find<RoundDoc>('rounds', { _id: roundId })
    const name = `抗原检测-${exportedRound?.date}.xlsx`
    expect(doc).toMatchObject({ name, path: `wxfile://usr/exports/${name}`, fileType: 'xlsx' })
    const calls = (await phone.log('api')).map((l) => l.text)
    expect(calls.filter((c) => c.startsWith('wx.cloud.downloadFile cloud://'))).toHaveLength(1)
    expect(calls).toContain(`保存文件 wxfile://usr/exports/${name}`)
    await phone.dismiss()

    const exported = await e.t.data.findAll<ChainDoc>('chains', { roundId })
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(doc.bytes as unknown as ArrayBuffer)
    const rows = (sheet: string) => {
      const ws = book.getWorksheet(sheet)
      if (!ws) throw new Error(`no sheet ${sheet}`)
      const out: string[][] = []
      ws.eachRow((row) =>
        out.push(
          Array.from(row.values as unknown[])
            .slice(1)
            .map((v) => (v === null || v === undefined ? '' : String(v))),
        ),
      )
      return out
    }
    // 汇总: a row per building as its chain counts it, the 营's subtotal and the total.
    const KEYS = ['expected', 'submitted', 'people', 'negative', 'positive', 'invalid', 'untested'] as const
    const figuresOf = (c: Pick<ChainDoc, (typeof KEYS)[number]>) => [...KEYS.map((k) => c[k]), c.expected - c.submitted]
    const total = Object.fromEntries(KEYS.map((k) => [k, exported.reduce((n, c) => n + c[k], 0)])) as Pick<
      ChainDoc,
      (typeof KEYS)[number]
    >
    const summary = rows('汇总')
    const buildingRows = summary.slice(1, 1 + exported.length)
    expect(buildingRows.map((r) => r[0]).sort()).toEqual(exported.map((c) => c.buildingName).sort())
    for (const c of exported) {
      const row = buildingRows.find((r) => r[0] === c.buildingName)
      expect(row?.slice(0, 11)).toEqual(
        [c.buildingName, c.groupName, ...figuresOf(c), c.confirmed ? '是' : '否'].map(String),
      )
    }
    expect(
      buildingRows
        .filter((r) => r[10] === '是')
        .map((r) => r[0])
        .sort(),
    ).toEqual(['1号', '5号'])
    expect(summary.at(-1)?.slice(0, 11)).toEqual(['合计', '', ...figuresOf(total), 2].map(String))
    const abnormal = rows('异常户').slice(1)
    expect(abnormal).toHaveLength(1)
    expect(abnormal[0]?.slice(0, 2)).toEqual(['1号', '302'])
    expect(abnormal[0]?.[2]).toContain(`${h302.members[0]?.name}:异常`)
    const households = await e.t.data.findAll<HouseholdDoc>('households', { communityId: COMMUNITY })
    const submitted = new Set(exported.flatMap((c) => Object.keys(c.entries)))
    expect(rows('未报户').slice(1)).toHaveLength(
      households.filter((h) => h.members.length && !submitted.has(h._id)).length,
    )
    expect(await phone.problems()).toEqual([])

    // The abnormal household from the table's 异常跟进: acknowledged, then an outcome recorded.
    await phone.tap('#followups')
    expect(await phone.route()).toBe('packageAntigen/pages/followups')
    const fu = (await e.t.data.findAll<FollowUpDoc>('followUps', { roundId }))[0] as FollowUpDoc
    const card = `#card-${fu._id}`
    await phone.$(card).waitFor()
    expect(await phone.text(`${card} .followup-status`)).toBe('未处理')
    await phone.tap(`${card} .ack`)
    await until(
      'acknowledged',
      async () => (await e.t.data.get<FollowUpDoc>('followUps', fu._id))?.status === 'acknowledged',
    )
    expect(await phone.text(`${card} .followup-status`)).toBe('跟进中')
    await phone.tap(`${card} .outcome-btn`)
    await phone.sheet('居家隔离')
    const recorded = await until('the outcome', async () => {
      const doc = await e.t.data.get<FollowUpDoc>('followUps', fu._id)
      return doc?.outcome && doc
    })
    expect(recorded).toMatchObject({ status: 'acknowledged', acknowledgedBy: COMMITTEE, outcome: 'homeIsolation' })
    expect(await phone.text(`${card} .followup-outcome`)).toBe('结果：居家隔离')
    await shot(phone, 'followups')
    expect(await phone.problems()).toEqual([])
  })

  it('the lead reminds the households still missing: pushes for those who accepted, a call list for the rest', async () => {
    // 202's member accepted 未报提醒 when WeChat asked earlier: a credit in WeChat and in the product's ledger (what the
    // phone records after the dialog).
    const subscriber = 'demo2-r-1-202-1'
    await e.t.admin('subscribe', { body: { openid: subscriber, templateIds: [TEMPLATE_IDS.antigenReminder] } })
    await e.t.call(
      'community',
      {
        action: 'recordSubscription',
        payload: { templateIds: [TEMPLATE_IDS.antigenReminder], accepted: [TEMPLATE_IDS.antigenReminder] },
      },
      subscriber,
    )
    const h202 = await household('202')
    const phone = await e.phone('demo2-lead-1', {
      at: `packageAntigen/pages/chain?roundId=${roundId}&buildingId=${B1}`,
    })
    const chain = await chainB1()
    const missing = (await e.t.data.findAll<HouseholdDoc>('households', { buildingId: B1 })).filter(
      (h) => h.members.length && !chain.entries[h._id],
    )
    expect(await phone.text('#remind')).toBe(`提醒未报（${missing.length} 户）`)
    await phone.tap('#remind')
    await phone.$('#remind-result').waitFor()
    await shot(phone, 'remind')
    expect(await phone.text('#remind-result .remind-pushed')).toBe('已向 1 户发送微信提醒')
    expect(await phone.top().locator('#remind-result .call-row').count()).toBe(missing.length - 1)
    const pushes = await until('the reminder in the push queue', async () => {
      const all = await e.t.data.findAll<PushDoc>('pushQueue', {})
      const mine = all.filter((p) => p.purpose.startsWith(`antigen.remind:${roundId}:${h202._id}:`))
      return mine.length > 0 && mine
    })
    expect(pushes.map((p) => p.touser)).toEqual([subscriber])
    expect(pushes[0]).toMatchObject({ templateId: TEMPLATE_IDS.antigenReminder })
    // It leaves through the queue: sent, linking to the household's submit page.
    const sent = (await settledOutbox(e.t)).filter((m) => m.touser === subscriber)
    expect(sent).toEqual([
      expect.objectContaining({
        status: 'sent',
        templateId: TEMPLATE_IDS.antigenReminder,
        page: `packageAntigen/pages/submit?roundId=${roundId}&householdId=${h202._id}`,
      }),
    ])
    expect(await e.t.data.get<PushDoc>('pushQueue', pushes[0]?._id as string)).toMatchObject({ status: 'sent' })
    expect(await e.t.data.count('reminders', { roundId, buildingId: B1 })).toBe(1)
    expect(await phone.problems()).toEqual([])
  })
})
