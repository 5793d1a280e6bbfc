// Merchant vetting (核查准入) through localcloud: anyone signed in applies with licence, food permit and health
// certificate photos from exactly merchants/<communityId>/<openid>/ (images within the size limit, read from
// storage); a limited number of applications a day; a second application replaces a pending or rejected one with its
// history kept; the committee approves, rejects, suspends and reinstates with reasons, the `merchant` grant appearing
// and disappearing with the status, the applicant told through the push queue; every refusal writes nothing; only
// the committee and the shop itself read an application.
import type { Envelope, MerchantView } from '../../typings/api'
import type { MerchantDoc } from '../../server/groupbuy/model'
import type { RoleDoc } from '../../server/community/model'
import type { PushDoc } from '../../server/platform/pushqueue'
import { merchantId } from '../../server/groupbuy/ids'
import { merchantRoleId } from '../../server/groupbuy/merchants'
import { roleId } from '../../server/community/ids'
import { MAX_PHOTO_BYTES } from '../../miniprogram/shared/constants'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, C2, loadFixture, snapshot, WHO } from '../support/community'
import { pushesSettled } from '../support/pushes'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const SHOP = 'o-shop'
const SHOP_ID = merchantId(C1, SHOP)
/** A second committee member of c1, named on the grant. */
const COMMITTEE_B = 'o-committee-b'

const call = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('groupbuy', { action, payload }, openid)
const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
  const r = await call<T>(openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}

const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex')
const BUCKET = 'cloud://local.local-localcloud'
let seq = 0
async function put(cloudPath: string, content: Buffer = JPEG): Promise<string> {
  return (await t.sdk.uploadFile({ cloudPath, fileContent: content })).fileID
}
const photo = (openid = SHOP, communityId = C1) => put(`merchants/${communityId}/${openid}/p${++seq}.jpg`)
const stored = async (fileID: string) => {
  const res = (await t.sdk.getTempFileURL({ fileList: [fileID] })) as { fileList: { status: number }[] }
  return res.fileList[0]?.status === 0
}

async function application(openid = SHOP, communityId = C1, extra: object = {}) {
  return {
    communityId,
    shopName: '老王蔬菜店',
    contactName: '王老板',
    phone: '13912345678',
    goods: '蔬菜、鸡蛋',
    licence: [await photo(openid, communityId)],
    foodPermit: [await photo(openid, communityId)],
    healthCerts: [await photo(openid, communityId), await photo(openid, communityId)],
    ...extra,
  }
}

const apply = async (extra: object = {}, openid = SHOP) =>
  call<MerchantView>(openid, 'applyMerchant', await application(openid, C1, extra))
const decide = (decision: string, reason = '', by: string = WHO.committee) =>
  call<MerchantView>(by, 'decideMerchant', { merchantId: SHOP_ID, decision, reason })
const merchantDoc = () => t.data.get<MerchantDoc>('merchants', SHOP_ID)
const grantOf = (openid = SHOP) => t.data.get<RoleDoc>('roles', roleId(openid, 'merchant', C1))
const notices = async () => {
  await pushesSettled(t)
  return (await t.data.find<PushDoc>('pushQueue', { touser: SHOP }, { limit: 100 })).sort(
    (a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime(),
  )
}

beforeEach(async () => {
  await loadFixture(t)
  await t.admin('outbox', { method: 'DELETE' })
  // The fixture's committee member of c1 gets a name on the grant; a second one without it.
  await t.data.update('roles', roleId(WHO.committee, 'committee', C1), { holderName: '陈主任' })
  await t.data.set<RoleDoc>('roles', {
    _id: roleId(COMMITTEE_B, 'committee', C1),
    openid: COMMITTEE_B,
    communityId: C1,
    role: 'committee',
    scope: { communityId: C1 },
    holderName: '刘干事',
    grantedBy: 'fixture',
    grantedAt: new Date('2026-11-01T00:00:00Z'),
  })
})

describe('applying', () => {
  it('stores a pending application and answers the shop its own view with full phone and photo links', async () => {
    const input = await application()
    const view = await ok<MerchantView>(SHOP, 'applyMerchant', { ...input, phone: '139 1234-5678', note: '只卖蔬菜' })
    expect(view).toMatchObject({
      id: SHOP_ID,
      communityId: C1,
      shopName: '老王蔬菜店',
      contactName: '王老板',
      phone: '13912345678',
      goods: '蔬菜、鸡蛋',
      status: 'pending',
      note: '只卖蔬菜',
      complaints: { total: 0, open: 0 },
      history: [{ status: 'pending', byName: '商家' }],
    })
    expect(view.licence).toHaveLength(1)
    expect(view.healthCerts).toHaveLength(2)
    for (const url of [...view.licence, ...view.foodPermit, ...view.healthCerts]) expect(url).toMatch(/^https?:\/\//)
    const doc = await merchantDoc()
    expect(doc).toMatchObject({ openid: SHOP, status: 'pending', licence: input.licence, phone: '13912345678' })
    // Applying grants nothing, and the committee is not pushed (no template fits): its page lists pending ones.
    expect(await grantOf()).toBeNull()
    expect(await t.data.count('pushQueue', {})).toBe(0)
    expect(await ok<MerchantView | null>(SHOP, 'myMerchant', { communityId: C1 })).toMatchObject({ id: SHOP_ID })
  })

  it.each<[string, object, string]>([
    ['a one-character shop name', { shopName: '王' }, 'shopName'],
    ['a shop name of 31 characters', { shopName: '店'.repeat(31) }, 'shopName'],
    ['a shop name of symbols only', { shopName: '——' }, 'shopName'],
    ['no contact', { contactName: '  ' }, 'contactName'],
    ['a contact of 21 characters', { contactName: '王'.repeat(21) }, 'contactName'],
    ['a phone of 10 digits', { phone: '1391234567' }, 'phone'],
    ['a landline', { phone: '02112345678' }, 'phone'],
    ['goods of 61 characters', { goods: '菜'.repeat(61) }, 'goods'],
    ['a note of 201 characters', { note: '注'.repeat(201) }, 'note'],
    ['no licence', { licence: [] }, 'licence'],
    ['no food permit', { foodPermit: [] }, 'foodPermit'],
    ['no health certificate', { healthCerts: [] }, 'healthCerts'],
    [
      'six licences',
      { licence: Array.from({ length: 6 }, (_, i) => `${BUCKET}/merchants/c1/o-shop/l${i}.jpg`) },
      'licence',
    ],
    [
      '21 health certificates',
      { healthCerts: Array.from({ length: 21 }, (_, i) => `${BUCKET}/merchants/c1/o-shop/h${i}.jpg`) },
      'healthCerts',
    ],
    ['a field the contract does not have', { website: 'x' }, 'website'],
  ])('refuses %s with INVALID_INPUT, and writes nothing', async (_what, extra, field) => {
    const input = await application(SHOP, C1, extra)
    const before = await snapshot(t)
    const r = await call(SHOP, 'applyMerchant', input)
    expect(r).toMatchObject({ ok: false, code: 'INVALID_INPUT', field })
    expect(await snapshot(t)).toBe(before)
  })

  it('refuses an unknown community and a closed one, writing nothing', async () => {
    const before = await snapshot(t)
    expect(await call(SHOP, 'applyMerchant', await application(SHOP, 'c-none'))).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    })
    expect(await snapshot(t)).toBe(before)
    await t.data.update('communities', C2, {
      closing: { closedAt: new Date(t.now()), closedBy: 'o-committee2', deleteAfter: new Date(t.now() + 86_400_000) },
    })
    const closed = await snapshot(t)
    expect(await call(SHOP, 'applyMerchant', await application(SHOP, C2))).toMatchObject({
      ok: false,
      code: 'COMMUNITY_CLOSED',
    })
    expect(await snapshot(t)).toBe(closed)
  })

  it.each<[string, () => Promise<string>]>([
    ['another user’s folder', () => put(`merchants/${C1}/o-someone/x.jpg`)],
    ['another community’s folder', () => put(`merchants/${C2}/${SHOP}/x.jpg`)],
    ['a folder below the user’s', () => put(`merchants/${C1}/${SHOP}/more/x.jpg`)],
    ['a path that only contains the folder', () => put(`evil/merchants/${C1}/${SHOP}/x.jpg`)],
    ['antigen’s folder', () => put(`antigen/r1/${SHOP}/x.jpg`)],
    [
      'another environment’s bucket',
      async () => `cloud://prod-1a2b.7072-prod-1a2b-1300000000/merchants/${C1}/${SHOP}/x.jpg`,
    ],
    ['a path with ..', async () => `${BUCKET}/merchants/${C1}/${SHOP}/../o-x/x.jpg`],
    ['a file never uploaded', async () => `${BUCKET}/merchants/${C1}/${SHOP}/never.jpg`],
    ['a text file named .jpg', () => put(`merchants/${C1}/${SHOP}/text.jpg`, Buffer.from('only some text, no image'))],
  ])('refuses a licence from %s with PHOTO_INVALID, and writes nothing', async (_what, make) => {
    const input = await application(SHOP, C1, { licence: [await make()] })
    const before = await snapshot(t)
    expect(await call(SHOP, 'applyMerchant', input)).toMatchObject({
      ok: false,
      code: 'PHOTO_INVALID',
      field: 'licence.0',
    })
    expect(await snapshot(t)).toBe(before)
  })

  it('refuses a photo over the size limit and the same photo twice, writing nothing', async () => {
    const big = await put(`merchants/${C1}/${SHOP}/big.jpg`, Buffer.concat([JPEG, Buffer.alloc(MAX_PHOTO_BYTES)]))
    const before = await snapshot(t)
    expect(await call(SHOP, 'applyMerchant', await application(SHOP, C1, { healthCerts: [big] }))).toMatchObject({
      ok: false,
      code: 'PHOTO_TOO_LARGE',
      field: 'healthCerts.0',
    })
    const input = await application()
    expect(await call(SHOP, 'applyMerchant', { ...input, foodPermit: [input.licence[0]] })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      field: 'foodPermit.0',
    })
    expect(await snapshot(t)).toBe(before)
  })

  it('replaces a pending application, keeping its history and deleting the photos it no longer uses', async () => {
    const first = await application()
    await ok(SHOP, 'applyMerchant', first)
    await t.advanceClock(60_000)
    const second = { ...(await application()), licence: first.licence, shopName: '王记生鲜' }
    const view = await ok<MerchantView>(SHOP, 'applyMerchant', second)
    expect(view).toMatchObject({ shopName: '王记生鲜', status: 'pending' })
    expect(view.history.map((h) => h.status)).toEqual(['pending', 'pending'])
    const doc = (await merchantDoc()) as MerchantDoc
    expect(doc.healthCerts).toEqual(second.healthCerts)
    expect(await stored(first.licence[0] as string)).toBe(true)
    for (const gone of [...first.foodPermit, ...first.healthCerts]) expect(await stored(gone)).toBe(false)
  })

  it('limits applications to 5 a day per user; a refused one does not count; the 6th writes nothing', async () => {
    const bad = await application(SHOP, C1, { licence: [`${BUCKET}/merchants/${C1}/${SHOP}/never.jpg`] })
    expect(await call(SHOP, 'applyMerchant', bad)).toMatchObject({ ok: false, code: 'PHOTO_INVALID' })
    for (let i = 0; i < 5; i++) expect(await apply()).toMatchObject({ ok: true })
    const sixth = await application()
    const before = await snapshot(t)
    const r = await call(SHOP, 'applyMerchant', sixth)
    expect(r).toMatchObject({ ok: false, code: 'RATE_LIMITED' })
    expect(r.ok ? '' : r.message).toMatch(/以后再试/)
    expect(await snapshot(t)).toBe(before)
    // Another user is not held back, and the next Shanghai day the shop may apply again.
    expect(await apply({}, 'o-shop2')).toMatchObject({ ok: true })
    await t.advanceClock(86_400_000)
    expect(await call(SHOP, 'applyMerchant', await application())).toMatchObject({ ok: true })
  })
})

describe('deciding', () => {
  beforeEach(async () => {
    await ok(SHOP, 'applyMerchant', await application())
    await t.admin('subscribe', { body: { openid: SHOP, templateId: 'TPL_MERCHANT_RESULT' } })
  })

  it('approves: the merchant grant appears with the shop name, the shop is told, history names the member', async () => {
    const view = await ok<MerchantView>(WHO.committee, 'decideMerchant', {
      merchantId: SHOP_ID,
      decision: 'approve',
      reason: '',
    })
    expect(view).toMatchObject({ status: 'approved', phone: '13912345678' })
    expect(view.approvedAt).toBe(new Date((await merchantDoc())?.approvedAt as Date).toISOString())
    expect(view.history.map((h) => [h.status, h.byName])).toEqual([
      ['pending', '商家'],
      ['approved', '陈主任'],
    ])
    const grant = await grantOf()
    expect(grant).toMatchObject({
      _id: merchantRoleId({ openid: SHOP, communityId: C1 }),
      openid: SHOP,
      communityId: C1,
      role: 'merchant',
      scope: { communityId: C1 },
      holderName: '老王蔬菜店',
      grantedBy: WHO.committee,
    })
    expect((await merchantDoc())?.roleId).toBe(grant?._id)
    const [notice] = await notices()
    expect(notice).toMatchObject({
      templateId: 'TPL_MERCHANT_RESULT',
      page: 'packageGroupbuy/pages/merchant',
      fields: { phrase1: '已通过', thing2: '老王蔬菜店', thing3: '可以在小程序中开团了' },
      status: 'sent',
    })
    // The shop sees that 居委 decided, not who.
    const own = await ok<MerchantView>(SHOP, 'myMerchant', { communityId: C1 })
    expect(own.history.map((h) => h.byName)).toEqual(['商家', '居委'])
    // With the grant, the shop reads its own complaints.
    expect(await ok(SHOP, 'listComplaints', { communityId: C1 })).toEqual([])
  })

  it('rejects with a reason; the shop applies again; approval from rejected; the same decision again is answered once', async () => {
    const before = await snapshot(t)
    expect(await decide('reject', '  ')).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'reason' })
    expect(await snapshot(t)).toBe(before)
    expect(await decide('reject', '健康证过期')).toMatchObject({
      ok: true,
      data: { status: 'rejected', reason: '健康证过期' },
    })
    expect(await grantOf()).toBeNull()
    expect(await apply({ note: '已换新证' })).toMatchObject({ ok: true, data: { status: 'pending' } })
    expect((await merchantDoc())?.reason).toBeUndefined()
    await decide('reject', '照片不清楚')
    const approved = await decide('approve', '已核对原件')
    expect(approved).toMatchObject({ ok: true, data: { status: 'approved', reason: '已核对原件' } })
    // A retry of the same member's approval: the same view, nothing written, no second notice.
    const settled = (await pushesSettled(t), await snapshot(t))
    expect(await decide('approve', '已核对原件')).toMatchObject({ ok: true, data: { status: 'approved' } })
    expect(await snapshot(t)).toBe(settled)
    expect((await notices()).map((n) => n.fields.phrase1)).toEqual(['未通过', '未通过', '已通过'])
    expect(((await merchantDoc()) as MerchantDoc).history.map((h) => h.status)).toEqual([
      'pending',
      'rejected',
      'pending',
      'rejected',
      'approved',
    ])
  })

  it('suspends (grant removed, reason required) and reinstates (grant again); neither can apply anew', async () => {
    await decide('approve')
    expect(await decide('suspend', '')).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'reason' })
    expect(await decide('suspend', '多次短斤少两')).toMatchObject({ ok: true, data: { status: 'suspended' } })
    expect(await grantOf()).toBeNull()
    const doc = (await merchantDoc()) as MerchantDoc
    expect(doc).toMatchObject({ status: 'suspended', reason: '多次短斤少两' })
    expect(doc.roleId).toBeUndefined()
    // The suspended shop lost its role: its merchant-only actions are refused.
    expect(await call(SHOP, 'listComplaints', { communityId: C1 })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    let before = await snapshot(t)
    expect(await apply()).toMatchObject({ ok: false, code: 'CONFLICT', message: expect.stringContaining('暂停') })
    expect(await snapshot(t)).toBe(before)

    expect(await decide('reinstate', '', COMMITTEE_B)).toMatchObject({ ok: true, data: { status: 'approved' } })
    expect(await grantOf()).toMatchObject({ role: 'merchant', grantedBy: COMMITTEE_B })
    // Reinstating keeps the first approval's date.
    expect(((await merchantDoc()) as MerchantDoc).approvedAt).toEqual(doc.approvedAt)
    before = await snapshot(t)
    expect(await apply()).toMatchObject({ ok: false, code: 'CONFLICT', message: expect.stringContaining('已经通过') })
    expect(await snapshot(t)).toBe(before)
    expect((await notices()).map((n) => [n.fields.phrase1, n.fields.thing3])).toEqual([
      ['已通过', '可以在小程序中开团了'],
      ['已暂停', '多次短斤少两'],
      ['已恢复', '可以继续开团了'],
    ])
  })

  // Every decision that does not apply to the status, by another member than the one who made it.
  it.each<[string, string, string[]]>([
    ['pending', 'suspend', []],
    ['pending', 'reinstate', []],
    ['approved', 'approve', ['approve']],
    ['approved', 'reject', ['approve']],
    ['approved', 'reinstate', ['approve']],
    ['rejected', 'reject', ['reject']],
    ['rejected', 'suspend', ['reject']],
    ['rejected', 'reinstate', ['reject']],
    ['suspended', 'approve', ['approve', 'suspend']],
    ['suspended', 'reject', ['approve', 'suspend']],
    ['suspended', 'suspend', ['approve', 'suspend']],
  ])('refuses a %s merchant the decision to %s with CONFLICT, writing nothing', async (status, decision, steps) => {
    for (const s of steps) await decide(s, '理由')
    expect((await merchantDoc())?.status).toBe(status)
    await pushesSettled(t)
    const before = await snapshot(t)
    expect(await decide(decision, '理由', COMMITTEE_B)).toMatchObject({ ok: false, code: 'CONFLICT' })
    expect(await snapshot(t)).toBe(before)
  })

  // Both approve: whichever commits first wins, and the other finds an approved shop (approving it again is refused
  // to another member). Approve against reject would not do: a rejection committed first may rightly be overturned
  // by the approval that retries after it.
  it('lets one of two members deciding at once win; the other is CONFLICT, one grant, one notice', async () => {
    const [a, b] = await Promise.all([decide('approve', '', WHO.committee), decide('approve', '', COMMITTEE_B)])
    const won = [a, b].filter((r) => r.ok)
    expect(won).toHaveLength(1)
    expect([a, b].find((r) => !r.ok)).toMatchObject({ ok: false, code: 'CONFLICT' })
    const doc = (await merchantDoc()) as MerchantDoc
    expect(doc.history.map((h) => h.status)).toEqual(['pending', doc.status])
    expect(Boolean(await grantOf())).toBe(doc.status === 'approved')
    expect((await notices()).map((n) => n.fields.phrase1)).toEqual([doc.status === 'approved' ? '已通过' : '未通过'])
  })

  it('lets only the community’s committee decide or list; an unknown merchant is the same FORBIDDEN; nothing written', async () => {
    const before = await snapshot(t)
    for (const who of [SHOP, WHO.resident, WHO.buildingLead, WHO.communityLead, WHO.groupLead, WHO.otherCommittee]) {
      expect(await decide('approve', '', who)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
      expect(await call(who, 'listMerchants', { communityId: C1 })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    }
    expect(
      await call(WHO.committee, 'decideMerchant', { merchantId: 'mer_none', decision: 'approve', reason: '' }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
  })

  it('refuses approving in a closed community, and still records a rejection there', async () => {
    await t.data.update('communities', C1, {
      closing: { closedAt: new Date(t.now()), closedBy: WHO.committee, deleteAfter: new Date(t.now() + 86_400_000) },
    })
    const before = await snapshot(t)
    expect(await decide('approve')).toMatchObject({ ok: false, code: 'COMMUNITY_CLOSED' })
    expect(await snapshot(t)).toBe(before)
    expect(await decide('reject', '小区已停止使用')).toMatchObject({ ok: true, data: { status: 'rejected' } })
  })
})

describe('who reads applications', () => {
  it('the committee lists its community’s (pending first, full phones, photos); the shop only its own', async () => {
    await ok(SHOP, 'applyMerchant', await application())
    await ok('o-shop2', 'applyMerchant', { ...(await application('o-shop2')), shopName: '李记肉铺' })
    await ok('o-shop3', 'applyMerchant', await application('o-shop3', C2))
    await ok(WHO.committee, 'decideMerchant', { merchantId: SHOP_ID, decision: 'approve', reason: '' })
    const all = await ok<MerchantView[]>(WHO.committee, 'listMerchants', { communityId: C1 })
    expect(all.map((m) => [m.shopName, m.status, m.phone])).toEqual([
      ['李记肉铺', 'pending', '13912345678'],
      ['老王蔬菜店', 'approved', '13912345678'],
    ])
    expect(all[1]?.licence[0]).toMatch(/^https?:\/\//)
    expect(
      (await ok<MerchantView[]>(WHO.committee, 'listMerchants', { communityId: C1, status: 'approved' })).map(
        (m) => m.id,
      ),
    ).toEqual([SHOP_ID])
    expect(await ok<MerchantView[]>(WHO.otherCommittee, 'listMerchants', { communityId: C2 })).toHaveLength(1)
    // Anyone else: no application of theirs, and none of anybody else's.
    expect(await ok(WHO.stranger, 'myMerchant', { communityId: C1 })).toBeNull()
    expect(await ok(SHOP, 'myMerchant', { communityId: C2 })).toBeNull()
    expect(await call(SHOP, 'listMerchants', { communityId: C1 })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})
