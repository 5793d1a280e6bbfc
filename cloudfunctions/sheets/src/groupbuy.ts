// A closed buy's printable files (purchase list, sorting lists, labels) and reading a 快团团 / 群接龙 export into a
// staged order import. The lists are made by server/groupbuy/lists.ts and laid out for print by
// server/platform/printsheets.ts; people's cells are the caller's fields under the visibility policy.
//
// No PDF: see printsheets.ts (a CJK font embedded in every file would be several times this function's size).
import type { BuySheet, ExportFile, OrderImportView } from '../../../typings/api'
import type { BuildingDoc, HouseholdDoc } from '../../../server/community/model'
import type { BuyDoc, OrderDoc, OrderImportDoc } from '../../../server/groupbuy/model'
import { action, AppError, defineActions, formatShanghai, hasRole, z, type ActionContext } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { fieldsFor, householdTarget, showName } from '../../../server/platform/visibility'
import {
  labels,
  organiserText,
  packWord,
  productLists,
  purchaseList,
  sortingLists,
  type ListBuilding,
  type ListPerson,
} from '../../../server/groupbuy/lists'
import {
  writeLabels,
  writePrintTables,
  type LabelCell,
  type PrintColumn,
  type PrintRow,
  type PrintTable,
} from '../../../server/platform/printsheets'
import { merchantId } from '../../../server/groupbuy/ids'
import { parseOrderExport } from '../../../server/groupbuy/imports'
import { importView, loadCommunityPlaces, stageImport } from '../../../server/groupbuy/orderimports'
import { readTable } from '../../../server/ledger/parse'
import { recordUpload } from '../../../server/platform/uploads'
import { currentEnv, fileInFolder } from '../../../server/platform/files'
import { download, fileNameOf } from './ledger'
import { householdPhones, isCommittee, loadBuilding, printFileName, uploadPrintFile } from './print'

const SHEET_NAMES: Record<BuySheet, string> = { purchase: '采购单', sorting: '分拣单', labels: '标签' }

/** The buy, once per call (the scope and the handler both read it). */
export const loadBuy = (ctx: ActionContext, buyId: string) =>
  ctx.memo(`buy:${buyId}`, async () => {
    const buy = await data.get<BuyDoc>('buys', buyId)
    if (!buy) throw new AppError('NOT_FOUND', '找不到这个团购，可能已被删除')
    return buy
  })

/**
 * Whether the caller runs this buy: whoever created it (while holding the role they created it as), or the owner of
 * its shop (while holding the merchant role: a suspended shop has lost it).
 */
export function isOrganiser(ctx: ActionContext, buy: BuyDoc): boolean {
  const here = { communityId: buy.communityId }
  if (buy.organiser.openid === ctx.caller.openid && hasRole(ctx.grants, [buy.organiser.role], here)) return true
  return Boolean(
    buy.merchantId &&
    buy.merchantId === merchantId(buy.communityId, ctx.caller.openid) &&
    hasRole(ctx.grants, ['merchant'], here),
  )
}

const yuan = (fen: number) => (fen / 100).toFixed(2)

/**
 * The people of each order as this caller may see them: names by the visibility policy (masked to a shop), phones
 * only when the committee asked for them. A phone from an imported export (the tool's 联系电话) comes first: it is
 * who ordered there.
 */
function peopleOf(
  ctx: ActionContext,
  households: ReadonlyMap<string, HouseholdDoc>,
  importPhones: ReadonlyMap<string, { name: string; phone?: string }>,
  phones: boolean,
): (o: OrderDoc) => ListPerson {
  return (o) => {
    const h = households.get(o.householdId)
    const imported = importPhones.get(o.householdId)
    if (!h) return { name: '', phone: '' }
    const f = fieldsFor(ctx.grants, householdTarget(h))
    const names = h.members.map((m) => showName(f.name, m.name)).filter(Boolean)
    const name =
      names.length > 2
        ? `${names.slice(0, 2).join('、')}等`
        : names.join('、') || (imported ? showName(f.name, imported.name) : '')
    return { name, phone: phones ? householdPhones(h.members, f, imported?.phone) : '' }
  }
}

// ---------- the files ----------

function purchaseTable(buy: BuyDoc, orders: OrderDoc[]): PrintTable {
  const rows = purchaseList(buy, orders)
  const households = new Set(orders.filter((o) => o.status === 'active').map((o) => o.householdId)).size
  const columns: PrintColumn[] = [
    { header: '序号', width: 6 },
    { header: '商品', width: 16, wrap: true },
    { header: '规格', width: 14, wrap: true },
    { header: '单位', width: 6 },
    { header: '每件', width: 10 },
    { header: '数量', width: 9 },
    { header: '件数', width: 8 },
    { header: '单价（元）', width: 13, money: true },
    { header: '金额（元）', width: 13, money: true },
    { header: '户数', width: 7 },
  ]
  const body: PrintRow[] = rows.map((r, i) => ({
    cells: [
      i + 1,
      r.name,
      r.spec,
      r.unit,
      r.packSize > 1 ? `${r.packSize}${r.unit}/${packWord(r)}` : '',
      r.qty,
      r.packs,
      r.price,
      r.amount,
      r.households,
    ],
  }))
  const amount = rows.reduce((s, r) => s + r.amount, 0)
  const pieces = rows.reduce((s, r) => s + r.packs, 0)
  body.push({ kind: 'total', cells: ['', '合计', '', '', '', '', pieces, null, amount, households] })
  return {
    name: '采购单',
    title: [
      `采购单：${buy.title}`,
      `${organiserText(buy)}　截单 ${formatShanghai(buy.closedAt ?? buy.closesAt)}　预计送达 ${formatShanghai(buy.deliveryAt)}`,
      `共 ${households} 户、${pieces} 件，合计 ${yuan(amount)} 元`,
    ],
    columns,
    rows: body,
    footer: `${buy.title} 采购单`,
  }
}

/**
 * The sorting lists: one worksheet per building. A building starts a new page and, when it runs over one, its own
 * title (building, buy, counts) and column headers repeat on every page: print titles (`printTitlesRow`) belong to a
 * worksheet, so only a worksheet per building can repeat that building's header. One long sheet with row breaks
 * would repeat the first building's title on every other building's pages, or none. Excel and WPS print a whole
 * workbook sheet after sheet, each from a new page, and a lead's file is their one building's sheet. The last
 * worksheet is the product → building → room view, each product from a new page (row breaks).
 */
function sortingTables(
  buy: BuyDoc,
  orders: OrderDoc[],
  buildings: ListBuilding[],
  person: (o: OrderDoc) => ListPerson,
  phones: boolean,
): PrintTable[] {
  const organiser = organiserText(buy)
  const columns: PrintColumn[] = [
    { header: '接龙号', width: 7 },
    { header: '楼-室', width: 10, text: true },
    { header: '收货人', width: 14, wrap: true },
    ...(phones ? [{ header: '电话', width: 14, text: true, wrap: true }] : []),
    { header: '商品与数量', width: phones ? 30 : 34, wrap: true },
    { header: '件数', width: 6 },
    { header: '金额（元）', width: 13, money: true },
    { header: '备注', width: 10, wrap: true },
    { header: '配送完成', width: 11 },
  ]
  const phone = (s: string) => (phones ? [s] : [])
  const perBuilding = sortingLists(buy, orders, buildings, person).map((b): PrintTable => ({
    name: b.name,
    title: [
      `分拣单：${b.name}　${buy.title}`,
      `${organiser}　预计送达 ${formatShanghai(buy.deliveryAt)}　本楼 ${b.households} 户、${b.pieces} 件`,
    ],
    columns,
    rows: [
      ...b.rows.map((r): PrintRow => ({
        cells: [r.no ?? '', r.label, r.name, ...phone(r.phone), r.items, r.pieces, r.amount, r.note ?? '', ''],
      })),
      {
        kind: 'total',
        cells: [
          '',
          '合计',
          `${b.households}户`,
          ...phone(''),
          b.totals.map((t) => t.text).join('\n'),
          b.pieces,
          b.amount,
          '',
          '',
        ],
      },
    ],
    footer: `${b.name} 分拣单`,
  }))
  const byProduct: PrintRow[] = productLists(buy, orders, buildings, person).flatMap((p, i) => [
    { kind: 'section' as const, cells: [p.heading], pageBreakBefore: i > 0 },
    ...p.buildings.flatMap((b): PrintRow[] => [
      { kind: 'section', cells: [`${b.name}（${b.text}）`] },
      ...b.rows.map((r): PrintRow => ({ cells: [r.label, r.name, r.text, ''] })),
      { kind: 'total', cells: [`${b.name} 合计`, `${b.rows.length}户`, b.text, ''] },
    ]),
  ])
  if (byProduct.length === 0) return perBuilding
  return [
    ...perBuilding,
    {
      name: '按商品',
      title: [`按商品分拣：${buy.title}`],
      columns: [
        { header: '楼-室', width: 12, text: true },
        { header: '收货人', width: 14, wrap: true },
        { header: '数量', width: 24 },
        { header: '配送完成', width: 10 },
      ],
      rows: byProduct,
      footer: `${buy.title} 按商品分拣`,
    },
  ]
}

/** A label's lines: 「楼-室」 large and bold, who, the item and this piece, the numbering, the organiser. */
const labelCell = (l: ReturnType<typeof labels>[number]): LabelCell => [
  { text: l.label, size: 30, bold: true },
  ...([l.name, l.phone].filter(Boolean).length
    ? [{ text: [l.name, l.phone].filter(Boolean).join(' '), size: 11 }]
    : []),
  { text: `${l.item}　${l.piece}`, size: 12, bold: true },
  { text: l.numbering, size: 11 },
  { text: l.organiser, size: 10 },
]

// ---------- the action ----------

const exportInput = z
  .object({
    buyId: z.string().min(1).max(80).describe('团购'),
    sheet: z.enum(['purchase', 'sorting', 'labels']).describe('表格'),
    buildingId: z.string().min(1).max(80).optional().describe('楼栋'),
    phones: z.boolean().optional().describe('包含电话'),
  })
  .strict()

/** Orders, buildings, households and imported phones for the files: a few round trips for a 1,506-household buy. */
async function loadLists(buy: BuyDoc, sheet: BuySheet, buildingId: string | undefined) {
  // Labels count 总i/N over the whole buy, so they read every order even for one building.
  const oneBuilding = sheet === 'sorting' && buildingId !== undefined
  const [orders, buildings, households] = await Promise.all([
    data.findAll<OrderDoc>('orders', {
      buyId: buy._id,
      status: 'active',
      ...(oneBuilding ? { buildingId } : {}),
    }),
    data.findAll<BuildingDoc>('buildings', { communityId: buy.communityId }, { orderBy: [['order', 'asc']] }),
    sheet === 'purchase'
      ? Promise.resolve([] as HouseholdDoc[])
      : buildingId !== undefined
        ? data.findAll<HouseholdDoc>('households', { buildingId })
        : data.findAll<HouseholdDoc>('households', { communityId: buy.communityId }),
  ])
  const importIds = [...new Set(orders.flatMap((o) => (o.importId ? [o.importId] : [])))]
  const imports = await data.byIds<OrderImportDoc>('orderImports', importIds)
  const imported = new Map<string, { name: string; phone?: string }>()
  for (const imp of imports.values())
    for (const r of imp.rows) {
      const h = r.resolved === undefined ? r.householdId : r.resolved
      if (h) imported.set(h, { name: r.name, ...(r.phone ? { phone: r.phone } : {}) })
    }
  return {
    orders,
    buildings: buildings.map((b) => ({ id: b._id, name: b.name, order: b.order })),
    households: new Map(households.map((h) => [h._id, h])),
    imported,
  }
}

export const groupbuyActions = defineActions('sheets', {
  // Purchase list: organisers (the buy's shop, its creator) and the committee. Sorting lists and labels: those, and
  // a building lead for one of their buildings (`buildingId`). Phone numbers: the committee's alone, on request.
  exportBuy: action({
    input: exportInput,
    access: {
      roles: ['committee', 'communityLead', 'merchant', 'buildingLead'],
      scope: async (i, ctx) => {
        const buy = await loadBuy(ctx, i.buyId)
        if (i.buildingId === undefined) return { communityId: buy.communityId }
        const b = await loadBuilding(ctx, i.buildingId)
        if (!b || b.communityId !== buy.communityId) throw new AppError('NOT_FOUND')
        return { communityId: buy.communityId, groupId: b.groupId, buildingId: b._id }
      },
    },
    handler: async (i, ctx): Promise<ExportFile> => {
      const buy = await loadBuy(ctx, i.buyId)
      const committee = isCommittee(ctx, buy.communityId)
      const organiser = committee || isOrganiser(ctx, buy)
      const leads =
        i.buildingId !== undefined &&
        hasRole(ctx.grants, ['buildingLead'], { communityId: buy.communityId, buildingId: i.buildingId })
      if (i.phones && !committee) throw new AppError('FORBIDDEN', '只有居委可以导出带电话号码的名单和标签')
      if (i.sheet === 'purchase' ? !organiser : !organiser && !leads) throw new AppError('FORBIDDEN')
      if (buy.status !== 'closed')
        throw new AppError('CONFLICT', '截单后才能打印采购单、分拣单和标签；这个团购还没有截单')
      if (i.buildingId !== undefined && !buy.buildingIds.includes(i.buildingId))
        throw new AppError('NOT_IN_SCOPE', '这栋楼不在这次团购的范围内')

      const phones = i.phones === true
      const lists = await loadLists(buy, i.sheet, i.buildingId)
      const person = peopleOf(ctx, lists.households, lists.imported, phones)
      const inScope = (o: OrderDoc) => i.buildingId === undefined || o.buildingId === i.buildingId
      if (i.sheet !== 'purchase' && !lists.orders.some(inScope))
        throw new AppError('NOT_FOUND', i.buildingId ? '这栋楼在这次团购中没有订单' : '这次团购没有订单')

      let buffer: Buffer
      if (i.sheet === 'purchase') buffer = await writePrintTables([purchaseTable(buy, lists.orders)])
      else if (i.sheet === 'sorting')
        buffer = await writePrintTables(sortingTables(buy, lists.orders, lists.buildings, person, phones))
      else
        buffer = await writeLabels(
          '标签',
          labels(buy, lists.orders, lists.buildings, person)
            .filter((l) => i.buildingId === undefined || l.buildingId === i.buildingId)
            .map(labelCell),
        )
      const building = i.buildingId ? lists.buildings.find((b) => b.id === i.buildingId)?.name : undefined
      const fileName = printFileName([SHEET_NAMES[i.sheet], buy.title, building], phones)
      return uploadPrintFile(buy.communityId, 'groupbuy', buffer, ctx.caller.openid, fileName)
    },
  }),

  // Organisers and the committee stage an export of the tool a sale ran on (an uploaded file under
  // buy-imports/<communityId>/); the groupbuy function's orderImport, resolveImportRow and commitOrderImport go on
  // from what this staged.
  importOrders: action({
    input: z
      .object({
        buyId: z.string().min(1).max(80).describe('团购'),
        fileID: z.string().min(1).max(1024).describe('表格文件'),
      })
      .strict(),
    access: {
      roles: ['committee', 'communityLead', 'merchant'],
      scope: async (i, ctx) => ({ communityId: (await loadBuy(ctx, i.buyId)).communityId }),
    },
    handler: async (i, ctx): Promise<OrderImportView> => {
      const buy = await loadBuy(ctx, i.buyId)
      const committee = isCommittee(ctx, buy.communityId)
      if (!committee && !isOrganiser(ctx, buy)) throw new AppError('FORBIDDEN')
      if (fileInFolder(i.fileID, ['buy-imports', buy.communityId], currentEnv()) === null)
        throw new AppError(
          'FILE_NOT_ALLOWED',
          '只能导入在本小区「导入订单」页面上传的表格，请重新选择表格上传',
          'fileID',
        )
      const fileName = fileNameOf(i.fileID)
      // The uploaded file is recorded so the timer deletes it a day later (server/platform/uploads.ts).
      const content = await download(i.fileID, () =>
        recordUpload(buy.communityId, 'orders', i.fileID, ctx.caller.openid),
      )
      const parsed = parseOrderExport(await readTable(content, fileName), fileName)
      const places = await loadCommunityPlaces(buy.communityId)
      const doc = await stageImport({ buy, parsed, fileID: i.fileID, fileName, content, by: ctx.caller.openid }, places)
      return importView(doc, places, committee)
    },
  }),
})
