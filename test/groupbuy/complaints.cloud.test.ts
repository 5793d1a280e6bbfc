// Complaints against a buy's merchant through localcloud: recorded by a member of a household that ordered, its
// building's lead or its floor's lead, with a note and up to 3 photos from complaints/<communityId>/<openid>/; the
// merchant's counters move atomically; the committee lists all (or one merchant's) and marks one handled once; the
// merchant reads its own with the household as 「楼-室」 only. Every refusal writes nothing. Orders are written
// directly as the sequencer stores them.
import type { ComplaintView, Envelope, MerchantView } from '../../typings/api'
import type { BuyDoc, MerchantDoc, OrderDoc } from '../../server/groupbuy/model'
import type { HouseholdDoc, RoleDoc } from '../../server/community/model'
import { merchantId } from '../../server/groupbuy/ids'
import { roleId } from '../../server/community/ids'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, C2, H, loadFixture, snapshot, WHO } from '../support/community'
import { pushesSettled } from '../support/pushes'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const SHOP = 'o-shop'
const SHOP2 = 'o-shop2'
const SHOP_ID = merchantId(C1, SHOP)
const SHOP2_ID = merchantId(C1, SHOP2)
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
const put = async (cloudPath: string, content: Buffer = JPEG) =>
  (await t.sdk.uploadFile({ cloudPath, fileContent: content })).fileID
const evidence = (openid: string = WHO.resident) => put(`complaints/${C1}/${openid}/e${++seq}.jpg`)

const at = new Date('2026-11-20T00:00:00Z')

function buy(id: string, communityId: string, title: string, merchant?: string): BuyDoc {
  return {
    _id: id,
    communityId,
    kind: merchant ? 'sale' : 'drop',
    status: 'closed',
    title,
    note: '',
    ...(merchant ? { merchantId: merchant, shopName: '老王蔬菜店' } : {}),
    organiser: { openid: WHO.committee, role: 'committee', name: '居委' },
    items: [{ id: 'i1', name: '土豆', spec: '5斤/袋', unit: '袋', packSize: 1, price: 1000, stock: 100 }],
    allBuildings: true,
    buildingIds: ['b1', 'b2', 'b3'],
    opensAt: at,
    closesAt: at,
    deliveryAt: at,
    createdAt: at,
    updatedAt: at,
    requestId: `req-${id}`,
  }
}

function order(buyId: string, h: HouseholdDoc, status: OrderDoc['status'] = 'active'): OrderDoc {
  return {
    _id: `${buyId}:${h._id}`,
    buyId,
    communityId: h.communityId,
    groupId: h.groupId,
    buildingId: h.buildingId,
    householdId: h._id,
    room: h.room,
    floor: h.floor,
    no: 1,
    status,
    lines: [{ itemId: 'i1', qty: 2, name: '土豆', spec: '5斤/袋', unit: '袋', packSize: 1, price: 1000 }],
    total: 2000,
    by: 'o-zhang',
    byName: '张三',
    proxy: false,
    notify: ['o-zhang'],
    placedAt: at,
    updatedAt: at,
    nonce: 'n1',
    requestIds: [],
    payment: { status: 'paid', paid: 2000, refunds: [] },
  } as OrderDoc
}

async function approvedShop(openid: string, shopName: string) {
  const photo = () => put(`merchants/${C1}/${openid}/p${++seq}.jpg`)
  const view = await ok<MerchantView>(openid, 'applyMerchant', {
    communityId: C1,
    shopName,
    contactName: '王老板',
    phone: '13912345678',
    goods: '蔬菜',
    licence: [await photo()],
    foodPermit: [await photo()],
    healthCerts: [await photo()],
  })
  await ok(WHO.committee, 'decideMerchant', { merchantId: view.id, decision: 'approve', reason: '' })
}

const counters = async (id = SHOP_ID) => (await t.data.get<MerchantDoc>('merchants', id))?.complaints
const complain = (by: string, extra: object = {}) =>
  call<ComplaintView>(by, 'fileComplaint', {
    buyId: 'buy-1',
    householdId: H.b1r101._id,
    kind: 'short',
    note: '土豆少了一斤',
    ...extra,
  })

beforeEach(async () => {
  await loadFixture(t)
  await t.data.set<RoleDoc>('roles', {
    _id: roleId(COMMITTEE_B, 'committee', C1),
    openid: COMMITTEE_B,
    communityId: C1,
    role: 'committee',
    scope: { communityId: C1 },
    grantedBy: 'fixture',
    grantedAt: at,
  })
  await approvedShop(SHOP, '老王蔬菜店')
  await approvedShop(SHOP2, '李记肉铺')
  for (const b of [
    buy('buy-1', C1, '周末蔬菜团', SHOP_ID),
    buy('buy-2', C1, '猪肉团', SHOP2_ID),
    buy('drop-1', C1, '大米发放'),
    buy('buy-x', C2, '别的小区的团', merchantId(C2, SHOP)),
  ])
    await t.data.set('buys', b)
  for (const o of [
    order('buy-1', H.b1r101),
    order('buy-1', H.b1r201, 'cancelled'),
    order('buy-1', H.b2r101),
    order('buy-2', H.b1r101),
    order('drop-1', H.b1r101),
    order('buy-x', H.x1r101),
  ])
    await t.data.set('orders', o)
  await pushesSettled(t)
})

describe('filing a complaint', () => {
  it('records it with photos, moves the merchant’s counters, and answers the view with 楼-室', async () => {
    const photos = [await evidence(), await evidence()]
    const view = await ok<ComplaintView>(WHO.resident, 'fileComplaint', {
      buyId: 'buy-1',
      householdId: H.b1r101._id,
      kind: 'spoiled',
      note: '鸡蛋碎了三个',
      photos,
    })
    expect(view).toMatchObject({
      merchantId: SHOP_ID,
      shopName: '老王蔬菜店',
      buyId: 'buy-1',
      buyTitle: '周末蔬菜团',
      householdId: H.b1r101._id,
      label: '1-101',
      kind: 'spoiled',
      note: '鸡蛋碎了三个',
      status: 'open',
    })
    expect(view.photos).toHaveLength(2)
    for (const url of view.photos) expect(url).toMatch(/^https?:\/\//)
    expect(await counters()).toEqual({ total: 1, open: 1 })
    expect(await t.data.get('complaints', view.id)).toMatchObject({
      communityId: C1,
      buildingId: 'b1',
      room: '101',
      photos,
      by: WHO.resident,
    })
  })

  it('takes one from the building’s lead and from the floor’s lead for their floor only', async () => {
    expect(await complain(WHO.buildingLead)).toMatchObject({ ok: true })
    // 1号-101 is on the 1st floor; the floor lead leads the 2nd.
    const before = await snapshot(t)
    expect(await complain(WHO.floorLead, { note: '另一件' })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
    await t.data.set('orders', order('buy-1', H.b1r201))
    expect(
      await complain(WHO.floorLead, { householdId: H.b1r201._id, kind: 'missing', note: '少了一袋' }),
    ).toMatchObject({ ok: true, data: { label: '1-201' } })
    expect(await counters()).toEqual({ total: 2, open: 2 })
  })

  it('counts the same complaint sent again once, and concurrent ones each', async () => {
    const first = await ok<ComplaintView>(WHO.resident, 'fileComplaint', {
      buyId: 'buy-1',
      householdId: H.b1r101._id,
      kind: 'short',
      note: '土豆少了一斤',
    })
    expect((await complain(WHO.resident)) as { data: ComplaintView }).toMatchObject({ data: { id: first.id } })
    expect(await counters()).toEqual({ total: 1, open: 1 })
    const many = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((n) => complain(WHO.buildingLead, { note: `问题${n}` })),
    )
    expect(many.every((r) => r.ok)).toBe(true)
    expect(await counters()).toEqual({ total: 6, open: 6 })
    expect(await t.data.count('complaints', {})).toBe(6)
  })

  it.each<[string, string, object, string, string]>([
    ['a stranger', WHO.stranger, {}, 'FORBIDDEN', ''],
    ['a resident of another household', WHO.residentB2, {}, 'FORBIDDEN', ''],
    [
      'another building’s resident for a household there',
      WHO.residentB2,
      { householdId: H.b1r201._id },
      'FORBIDDEN',
      '',
    ],
    ['the committee (complaints come from households)', WHO.committee, {}, 'FORBIDDEN', ''],
    ['the merchant itself', SHOP, {}, 'FORBIDDEN', ''],
    ['another community’s committee', WHO.otherCommittee, {}, 'FORBIDDEN', ''],
    ['an unknown household', WHO.resident, { householdId: 'hh_none' }, 'FORBIDDEN', ''],
    ['an unknown buy', WHO.resident, { buyId: 'buy-none' }, 'NOT_FOUND', 'buyId'],
    ['another community’s buy', WHO.resident, { buyId: 'buy-x' }, 'NOT_FOUND', 'buyId'],
    ['a buy without a merchant', WHO.resident, { buyId: 'drop-1' }, 'INVALID_INPUT', 'buyId'],
    ['a neighbour’s household of the same building', WHO.resident, { householdId: H.b1r102._id }, 'FORBIDDEN', ''],
    ['a cancelled order', WHO.floorLead, { householdId: H.b1r201._id }, 'NOT_FOUND', 'householdId'],
    ['an empty note', WHO.resident, { note: '   ' }, 'INVALID_INPUT', 'note'],
    ['a note of 301 characters', WHO.resident, { note: '长'.repeat(301) }, 'INVALID_INPUT', 'note'],
    ['an unknown kind', WHO.resident, { kind: 'late' }, 'INVALID_INPUT', 'kind'],
    [
      'four photos',
      WHO.resident,
      { photos: [1, 2, 3, 4].map((i) => `${BUCKET}/complaints/${C1}/${WHO.resident}/${i}.jpg`) },
      'INVALID_INPUT',
      'photos',
    ],
    [
      'a photo from another user’s folder',
      WHO.resident,
      { photos: [`${BUCKET}/complaints/${C1}/${WHO.buildingLead}/x.jpg`] },
      'PHOTO_INVALID',
      'photos.0',
    ],
    [
      'a photo from the merchants’ folder',
      WHO.resident,
      { photos: [`${BUCKET}/merchants/${C1}/${WHO.resident}/x.jpg`] },
      'PHOTO_INVALID',
      'photos.0',
    ],
    [
      'a photo never uploaded',
      WHO.resident,
      { photos: [`${BUCKET}/complaints/${C1}/${WHO.resident}/never.jpg`] },
      'PHOTO_INVALID',
      'photos.0',
    ],
  ])('refuses %s, writing nothing', async (_what, by, extra, code, field) => {
    const before = await snapshot(t)
    const r = await complain(by, extra)
    expect(r).toMatchObject({ ok: false, code, ...(field ? { field } : {}) })
    expect(await snapshot(t)).toBe(before)
  })

  it('refuses a household of 1号 without an order, and a closed community, writing nothing', async () => {
    // 1号-102 has no order: the lead of its building may complain for it, but there is nothing to complain of.
    let before = await snapshot(t)
    expect(await complain(WHO.buildingLead, { householdId: H.b1r102._id })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
      field: 'householdId',
    })
    expect(await snapshot(t)).toBe(before)
    await t.data.update('communities', C1, {
      closing: { closedAt: new Date(t.now()), closedBy: WHO.committee, deleteAfter: new Date(t.now() + 86_400_000) },
    })
    before = await snapshot(t)
    expect(await complain(WHO.resident)).toMatchObject({ ok: false, code: 'COMMUNITY_CLOSED' })
    expect(await snapshot(t)).toBe(before)
  })

  it('limits complaints to 10 a day per person; the 11th writes nothing', async () => {
    for (let i = 0; i < 10; i++)
      expect(await complain(WHO.resident, { note: `第${i}个问题` })).toMatchObject({ ok: true })
    const before = await snapshot(t)
    expect(await complain(WHO.resident, { note: '第11个问题' })).toMatchObject({ ok: false, code: 'RATE_LIMITED' })
    expect(await snapshot(t)).toBe(before)
    expect(await complain(WHO.buildingLead, { note: '楼组长的' })).toMatchObject({ ok: true })
  })
})

describe('reading and handling complaints', () => {
  beforeEach(async () => {
    await ok(WHO.resident, 'fileComplaint', {
      buyId: 'buy-1',
      householdId: H.b1r101._id,
      kind: 'short',
      note: '少了一袋土豆',
    })
    await t.advanceClock(1000)
    await ok(WHO.residentB2, 'fileComplaint', {
      buyId: 'buy-1',
      householdId: H.b2r101._id,
      kind: 'wrong',
      note: '发错',
    })
    await t.advanceClock(1000)
    await ok(WHO.resident, 'fileComplaint', {
      buyId: 'buy-2',
      householdId: H.b1r101._id,
      kind: 'spoiled',
      note: '肉坏了',
    })
  })

  it('the committee lists all, newest first, one merchant’s, or the open ones', async () => {
    const all = await ok<ComplaintView[]>(WHO.committee, 'listComplaints', { communityId: C1 })
    expect(all.map((c) => [c.shopName, c.label, c.note])).toEqual([
      ['李记肉铺', '1-101', '肉坏了'],
      ['老王蔬菜店', '2-101', '发错'],
      ['老王蔬菜店', '1-101', '少了一袋土豆'],
    ])
    const one = await ok<ComplaintView[]>(WHO.committee, 'listComplaints', { communityId: C1, merchantId: SHOP2_ID })
    expect(one.map((c) => c.note)).toEqual(['肉坏了'])
    await ok(WHO.committee, 'handleComplaint', { id: one[0]?.id, note: '已退款' })
    const open = await ok<ComplaintView[]>(WHO.committee, 'listComplaints', { communityId: C1, status: 'open' })
    expect(open.map((c) => c.note)).toEqual(['发错', '少了一袋土豆'])
    expect(await ok<ComplaintView[]>(WHO.otherCommittee, 'listComplaints', { communityId: C2 })).toEqual([])
  })

  it('a merchant reads only its own, the household as 楼-室 and no name', async () => {
    const own = await ok<ComplaintView[]>(SHOP, 'listComplaints', { communityId: C1 })
    expect(own.map((c) => [c.label, c.kind])).toEqual([
      ['2-101', 'wrong'],
      ['1-101', 'short'],
    ])
    const text = JSON.stringify(own)
    for (const name of ['张三', '李四', '钱七', '13800001111']) expect(text).not.toContain(name)
    expect(await ok<ComplaintView[]>(SHOP2, 'listComplaints', { communityId: C1, merchantId: SHOP2_ID })).toHaveLength(
      1,
    )
    for (const [who, payload] of [
      [SHOP, { communityId: C1, merchantId: SHOP2_ID }],
      [WHO.resident, { communityId: C1 }],
      [WHO.buildingLead, { communityId: C1 }],
      [WHO.communityLead, { communityId: C1 }],
      [SHOP, { communityId: C2 }],
    ] as const)
      expect(await call(who, 'listComplaints', payload)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })

  it('the committee handles one once with a note; the open counter goes down once', async () => {
    const [latest] = await ok<ComplaintView[]>(WHO.committee, 'listComplaints', {
      communityId: C1,
      merchantId: SHOP_ID,
    })
    const id = latest?.id as string
    expect(await counters()).toEqual({ total: 2, open: 2 })
    let before = await snapshot(t)
    expect(await call(WHO.committee, 'handleComplaint', { id, note: ' ' })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      field: 'note',
    })
    for (const who of [SHOP, WHO.resident, WHO.buildingLead, WHO.communityLead, WHO.otherCommittee])
      expect(await call(who, 'handleComplaint', { id, note: '处理了' })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await call(WHO.committee, 'handleComplaint', { id: 'cmp_none', note: '处理了' })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    expect(await snapshot(t)).toBe(before)

    const handled = await ok<ComplaintView>(WHO.committee, 'handleComplaint', { id, note: '已让商家补发' })
    expect(handled).toMatchObject({ id, status: 'handled', handledNote: '已让商家补发' })
    expect(Math.abs(Date.parse(handled.handledAt as string) - t.now())).toBeLessThan(60_000)
    expect(await counters()).toEqual({ total: 2, open: 1 })
    // The same member's same note again is answered as it stands; anyone else's is CONFLICT; nothing moves.
    before = await snapshot(t)
    expect(await call(WHO.committee, 'handleComplaint', { id, note: '已让商家补发' })).toMatchObject({
      ok: true,
      data: { status: 'handled' },
    })
    expect(await call(COMMITTEE_B, 'handleComplaint', { id, note: '再处理一次' })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
    })
    expect(await snapshot(t)).toBe(before)
    // The shop sees it handled, with the committee's note.
    const own = await ok<ComplaintView[]>(SHOP, 'listComplaints', { communityId: C1, status: 'all' })
    expect(own.find((c) => c.id === id)).toMatchObject({ status: 'handled', handledNote: '已让商家补发' })
    const view = await ok<MerchantView[]>(WHO.committee, 'listMerchants', { communityId: C1, status: 'approved' })
    expect(view.find((m) => m.id === SHOP_ID)?.complaints).toEqual({ total: 2, open: 1 })
  })
})
