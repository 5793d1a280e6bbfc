// A delivery ready to plan over the hand-made community (./community.ts): the closed sale of ./closedbuy.ts with
// orders from five households in 1号 (101, 102, 201), 2号 (101) and 3号 (301), the delivery its close wrote, and the
// relay's people: transport volunteers (o-sun, posts 1号, from the fixture; o-tr1 and o-tr2 with no posts), a 楼栋
// volunteer of 2号 (o-bv2) and a 云上 volunteer of 3号 (o-on3). 1号's lead is the fixture's o-lead1.
import type { Envelope } from '../../typings/api'
import type { RoleDoc } from '../../server/community/model'
import type { DeliveryDoc } from '../../server/groupbuy/model'
import { roleId, rolePlace } from '../../server/community/ids'
import type { TestCloud } from './localcloud'
import { C1, H, loadFixture } from './community'
import { buyDoc, orderDoc, putBuy } from './closedbuy'
import { addShops } from './buys'

export const BUY = 'buy-relay'
export const DELIVERY = BUY

export const PEOPLE = {
  lead1: 'o-lead1',
  transport1: 'o-sun',
  transport2: 'o-tr1',
  transport3: 'o-tr2',
  building2: 'o-bv2',
  online3: 'o-on3',
} as const

const at = new Date('2026-11-20T02:00:00Z')

export function volunteer(
  openid: string,
  type: NonNullable<RoleDoc['volunteerType']>,
  posts: string[],
  extra: Partial<RoleDoc> = {},
): RoleDoc {
  const scope = { communityId: C1 }
  return {
    _id: roleId(openid, 'volunteer', rolePlace({ role: 'volunteer', scope, volunteerType: type })),
    openid,
    communityId: C1,
    role: 'volunteer',
    scope,
    volunteerType: type,
    posts,
    holderName: `志愿者${openid.slice(2)}`,
    grantedBy: 'fixture',
    grantedAt: at,
    ...extra,
  }
}

export const RELAY_ROLES: RoleDoc[] = [
  volunteer(PEOPLE.transport2, 'transport', []),
  volunteer(PEOPLE.transport3, 'transport', []),
  volunteer(PEOPLE.building2, 'building', ['b2']),
  volunteer(PEOPLE.online3, 'online', ['b3']),
]

export const HOUSEHOLDS = [H.b1r101, H.b1r102, H.b1r201, H.b2r101, H.b3r301]

/** The fixture, the closed buy with its orders and the delivery its close wrote (awaiting, expected at deliveryAt). */
export async function loadRelay(t: TestCloud, opts: { roles?: RoleDoc[]; deliveryAt?: Date } = {}): Promise<void> {
  await loadFixture(t)
  await addShops(t)
  const deliveryAt = opts.deliveryAt ?? new Date(t.now() + 3 * 3_600_000)
  const buy = buyDoc(BUY, { deliveryAt })
  const orders = HOUSEHOLDS.map((h, i) => orderDoc(buy, h, { i1: 2, i2: i === 0 ? 24 : 0 }, i + 1))
  await putBuy(t, buy, orders)
  const byBuilding = new Map<string, { households: number; pieces: number }>()
  for (const o of orders) {
    const b = byBuilding.get(o.buildingId) ?? { households: 0, pieces: 0 }
    b.households++
    b.pieces += o.lines.reduce((n, l) => n + Math.ceil(l.qty / l.packSize), 0)
    byBuilding.set(o.buildingId, b)
  }
  const delivery: DeliveryDoc = {
    _id: DELIVERY,
    communityId: C1,
    buyId: BUY,
    kind: 'sale',
    title: buy.title,
    status: 'awaiting',
    deliveryAt,
    createdAt: new Date(t.now()),
    buildings: [...byBuilding.entries()].map(([buildingId, b]) => ({ buildingId, ...b })),
    households: orders.length,
    pieces: [...byBuilding.values()].reduce((n, b) => n + b.pieces, 0),
  }
  await t.data.set('deliveries', delivery)
  await t.data.insertMany('roles', opts.roles ?? RELAY_ROLES)
}

/** Calls of the delivery function as one caller. */
export function relay(t: TestCloud) {
  const call = <T>(openid: string, action: string, payload: object = {}) =>
    t.call<Envelope<T>>('delivery', { action, payload }, openid)
  const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
    const r = await call<T>(openid, action, payload)
    if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
    return r.data
  }
  const timer = () => t.admin<unknown>('functions/delivery/trigger', { body: { trigger: 'housekeeping' } })
  return { call, ok, timer }
}

let counter = 0
/** A fresh request or mark id, as a page makes one per attempt. */
export const freshId = (prefix = 'req') => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}0000`
