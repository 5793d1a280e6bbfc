// A planned delivery's printable lists: per building its bags with a tick column, per volunteer their trips and doors.
// The lists are made by server/delivery/lists.ts and laid out for print by server/platform/printsheets.ts, as a
// closed buy's are (./groupbuy.ts); names and phones are the caller's fields under the visibility policy. The
// delivery function writes the documents read here; this function reads them directly.
import type { DeliverySheet, ExportFile } from '../../../typings/api'
import type { BuildingDoc, HouseholdDoc } from '../../../server/community/model'
import type {
  DeliveryBuildingDoc,
  DeliveryStopDoc,
  DeliveryTripDoc,
  RelayDeliveryDoc,
} from '../../../server/delivery/model'
import { action, AppError, defineActions, formatShanghai, hasRole, z, type ActionContext } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import {
  fieldsFor,
  fieldsForCommunityPerson,
  householdTarget,
  isLeadOrAbove,
  leadsPartOf,
  showName,
} from '../../../server/platform/visibility'
import {
  buildingLists,
  doorLists,
  transportLists,
  type BuildingList,
  type DoorList,
  type TransportList,
} from '../../../server/delivery/lists'
import {
  writePrintTables,
  type PrintColumn,
  type PrintRow,
  type PrintTable,
} from '../../../server/platform/printsheets'
import { householdPhones, isCommittee, loadBuilding, printFileName, uploadPrintFile } from './print'

const SHEET_NAMES: Record<DeliverySheet, string> = { buildings: '楼栋送货单', volunteers: '志愿者任务单' }

/** Who runs the whole delivery: the committee and 团长. */
const runsCommunity = (ctx: ActionContext, communityId: string) =>
  hasRole(ctx.grants, ['committee', 'communityLead'], { communityId })

const when = (d: RelayDeliveryDoc) => `预计送达 ${formatShanghai(d.deliveryAt)}`

// ---------- the files ----------

/**
 * One worksheet per building, as a buy's sorting lists (./groupbuy.ts says why: print titles belong to a worksheet,
 * so each building starts a page and repeats its own title and headers on every page it runs over).
 */
function buildingTables(
  d: RelayDeliveryDoc,
  lists: readonly BuildingList[],
  phoneOf: ((householdId: string) => string) | undefined,
): PrintTable[] {
  const columns: PrintColumn[] = [
    { header: '序号', width: 6 },
    { header: '房号', width: 11, text: true },
    { header: '物资', width: phoneOf ? 30 : 38, wrap: true },
    { header: '件数', width: 7 },
    { header: '签收', width: 10 },
    ...(phoneOf ? [{ header: '电话', width: 15, text: true, wrap: true }] : []),
  ]
  const phone = (householdId: string) => (phoneOf ? [phoneOf(householdId)] : [])
  return lists.map((b) => ({
    name: b.name,
    title: [
      `${d.title} · ${b.name} · ${b.households}户 · 送到门口：${b.door.join('、') || '未安排'}`,
      `${when(d)}　本楼 ${b.pieces} 件　从大门运来：${b.transport.join('、') || '未安排'}`,
    ],
    columns,
    rows: [
      ...b.rows.map((r): PrintRow => ({
        cells: [r.no, r.label, r.items.join('\n'), r.pieces, '', ...phone(r.householdId)],
      })),
      { kind: 'total', cells: ['', '合计', `${b.households}户`, b.pieces, '', ...phone('').map(() => '')] },
    ],
    footer: `${b.name} 送货单`,
  }))
}

/** A transport volunteer's trips on a worksheet of their own: the buildings of each trip in the order to drive. */
function transportTable(d: RelayDeliveryDoc, v: TransportList): PrintTable {
  return {
    name: `运输-${v.name}`,
    title: [`运输任务：${v.name}　${d.title}`, `${when(d)}　共 ${v.trips.length} 趟、${v.bags} 袋、${v.pieces} 件`],
    columns: [
      { header: '趟次', width: 14 },
      { header: '楼栋', width: 16, wrap: true },
      { header: '袋数', width: 8 },
      { header: '件数', width: 8 },
      { header: '已到楼门口', width: 12 },
    ],
    rows: [
      ...v.trips.flatMap((t) =>
        t.stops.map((s, i): PrintRow => ({
          cells: [i === 0 ? `第${t.no}趟（${t.bags}袋）` : '', s.name, s.bags, s.pieces, ''],
        })),
      ),
      { kind: 'total', cells: ['合计', `${v.trips.length}趟`, v.bags, v.pieces, ''] },
    ],
    footer: `${v.name} 运输任务`,
  }
}

/** Every door-team member on one worksheet, each from a new page (row breaks): their buildings and households. */
function doorTable(d: RelayDeliveryDoc, people: readonly DoorList[]): PrintTable {
  return {
    name: '送到门口',
    title: [`送到门口任务：${d.title}　${when(d)}`],
    columns: [
      { header: '楼栋', width: 14 },
      { header: '户数', width: 8 },
      { header: '件数', width: 8 },
      { header: '同组', width: 24, wrap: true },
      { header: '已送完', width: 10 },
    ],
    rows: people.flatMap((p, i): PrintRow[] => [
      {
        kind: 'section',
        cells: [`${p.name}　共 ${p.buildings.length} 栋、${p.households} 户`],
        pageBreakBefore: i > 0,
      },
      ...p.buildings.map((b): PrintRow => ({ cells: [b.name, b.households, b.pieces, b.with.join('、'), ''] })),
      { kind: 'total', cells: ['合计', p.households, p.pieces, '', ''] },
    ]),
    footer: `${d.title} 送到门口任务`,
  }
}

// ---------- the action ----------

const exportInput = z
  .object({
    deliveryId: z.string().min(1).max(120).describe('配送'),
    sheet: z.enum(['buildings', 'volunteers']).describe('表格'),
    buildingId: z.string().min(1).max(80).optional().describe('楼栋'),
    phones: z.boolean().optional().describe('包含电话'),
  })
  .strict()

/**
 * The building parts this caller may print, or FORBIDDEN: every part to the committee and 团长, to a 营长 or a
 * building or floor lead the buildings they lead (server/platform/visibility.ts `leadsPartOf`); `buildingId` keeps
 * that one (a building the caller leads but the delivery does not reach: NOT_FOUND).
 */
async function printableParts(
  ctx: ActionContext,
  d: RelayDeliveryDoc,
  buildingId: string | undefined,
): Promise<DeliveryBuildingDoc[]> {
  const all = await data.findAll<DeliveryBuildingDoc>('deliveryBuildings', { deliveryId: d._id })
  const whole = runsCommunity(ctx, d.communityId)
  const mine = whole ? all : all.filter((p) => leadsPartOf(ctx.grants, p))
  if (buildingId === undefined) {
    if (mine.length === 0) throw new AppError('FORBIDDEN')
    return mine
  }
  const one = mine.filter((p) => p.buildingId === buildingId)
  if (one.length) return one
  const b = await loadBuilding(ctx, buildingId)
  const leads =
    b !== null && leadsPartOf(ctx.grants, { communityId: b.communityId, groupId: b.groupId, buildingId: b._id })
  if (b?.communityId === d.communityId && (whole || leads))
    throw new AppError('NOT_FOUND', '这栋楼在这次配送中没有要送的物资', 'buildingId')
  throw new AppError('FORBIDDEN')
}

export const deliveryActions = defineActions('sheets', {
  // Per building: the committee and 团长 (all), 营长 and building and floor leads (their buildings). Per volunteer:
  // the committee and 团长. Phone numbers: the committee's alone, on request.
  exportDelivery: action({
    input: exportInput,
    access: { roles: ['committee', 'communityLead', 'groupLead', 'buildingLead', 'floorLead'] },
    handler: async (i, ctx): Promise<ExportFile> => {
      // Like a scope the router resolves: an unknown delivery is answered as one the caller may not touch.
      const d = await data.get<RelayDeliveryDoc>('deliveries', i.deliveryId)
      if (!d || !isLeadOrAbove(ctx.grants, d.communityId)) throw new AppError('FORBIDDEN')
      const committee = isCommittee(ctx, d.communityId)
      if (i.phones && !committee) throw new AppError('FORBIDDEN', '只有居委可以导出带电话号码的清单')
      if (i.sheet === 'volunteers' && !runsCommunity(ctx, d.communityId))
        throw new AppError('FORBIDDEN', '只有居委和团长可以打印志愿者任务单')
      // Before planning there are no building parts to tell a lead's buildings by: every lead hears the same.
      if (!d.plan) throw new AppError('NOT_PLANNED')
      const parts = await printableParts(ctx, d, i.buildingId)

      const phones = i.phones === true && i.sheet === 'buildings'
      const oneBuilding = i.buildingId !== undefined
      const whole = runsCommunity(ctx, d.communityId) && !oneBuilding
      const [buildings, stops, households] = await Promise.all([
        data.findAll<BuildingDoc>('buildings', { communityId: d.communityId }, { orderBy: [['order', 'asc']] }),
        i.sheet === 'buildings'
          ? data.findAll<DeliveryStopDoc>('deliveryStops', {
              deliveryId: d._id,
              ...(whole ? {} : { buildingId: data._.in(parts.map((p) => p.buildingId)) }),
            })
          : Promise.resolve([] as DeliveryStopDoc[]),
        phones
          ? data.findAll<HouseholdDoc>(
              'households',
              oneBuilding ? { buildingId: i.buildingId } : { communityId: d.communityId },
            )
          : Promise.resolve([] as HouseholdDoc[]),
      ])
      const names = new Map(buildings.map((b) => [b._id, b.name]))
      const show = (name: string) => showName(fieldsForCommunityPerson(ctx.grants, d.communityId).name, name)

      let tables: PrintTable[]
      if (i.sheet === 'buildings') {
        const byId = new Map(households.map((h) => [h._id, h]))
        const phoneOf = phones
          ? (householdId: string) => {
              const h = byId.get(householdId)
              return h ? householdPhones(h.members, fieldsFor(ctx.grants, householdTarget(h))) : ''
            }
          : undefined
        tables = buildingTables(d, buildingLists(parts, stops, names, show), phoneOf)
      } else {
        const trips = await data.findAll<DeliveryTripDoc>('deliveryTrips', { deliveryId: d._id })
        const inScope = trips.filter((t) => !oneBuilding || t.stops.some((s) => s.buildingId === i.buildingId))
        const order = new Map(buildings.map((b) => [b._id, { name: b.name, order: b.order }]))
        tables = [
          ...transportLists(inScope, order, show).map((v) => transportTable(d, v)),
          ...(parts.some((p) => p.door.length) ? [doorTable(d, doorLists(parts, names, show))] : []),
        ]
      }
      if (tables.length === 0) throw new AppError('NOT_FOUND', '这次配送没有要打印的任务')

      const building = oneBuilding ? names.get(i.buildingId as string) : undefined
      const fileName = printFileName([SHEET_NAMES[i.sheet], d.title, building], phones)
      return uploadPrintFile(d.communityId, 'delivery', await writePrintTables(tables), ctx.caller.openid, fileName)
    },
  }),
})
