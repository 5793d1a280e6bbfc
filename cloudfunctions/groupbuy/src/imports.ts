// Orders imported from 快团团 / 群接龙: the sheets function reads the file and stages it (importOrders); here a person
// sees what did not match one household, resolves each such row (a candidate, another household of the community,
// or left out), and commits: orders on the households, numbered after the buy's existing ones
// (server/groupbuy/orderimports.ts). The buy's organisers (its shop, whoever created it) and the committee.
import type { OrderImportView } from '../../../typings/api'
import type { BuyDoc, OrderImportDoc } from '../../../server/groupbuy/model'
import { action, AppError, defineActions, hasRole, z, type ActionContext } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { merchantId } from '../../../server/groupbuy/ids'
import { buyViews, loadBuy } from '../../../server/groupbuy/buys'
import { commitImport, importView, loadCommunityPlaces, resolveRow } from '../../../server/groupbuy/orderimports'
import type { Grant } from '../../../server/platform/grants'

const ROLES = ['committee', 'communityLead', 'merchant'] as const
const importIdInput = z.string().min(1).max(80).describe('导入')

function loadImport(ctx: ActionContext, id: string): Promise<OrderImportDoc> {
  return ctx.memo(`orderImport:${id}`, async () => {
    const doc = await data.get<OrderImportDoc>('orderImports', id)
    if (!doc) throw new AppError('NOT_FOUND', '找不到这次导入，请重新上传表格')
    return doc
  })
}

const scope = async (i: { id: string }, ctx: ActionContext) => ({
  communityId: (await loadImport(ctx, i.id)).communityId,
})

const isCommittee = (ctx: ActionContext, communityId: string) => hasRole(ctx.grants, ['committee'], { communityId })

/** The committee, whoever created the buy (holding that role still), or its shop's owner (holding the role). */
function assertRuns(ctx: ActionContext, buy: BuyDoc): void {
  const here = { communityId: buy.communityId }
  if (isCommittee(ctx, buy.communityId)) return
  if (buy.organiser.openid === ctx.caller.openid && hasRole(ctx.grants, [buy.organiser.role], here)) return
  if (
    buy.merchantId &&
    buy.merchantId === merchantId(buy.communityId, ctx.caller.openid) &&
    hasRole(ctx.grants, ['merchant'], here)
  )
    return
  throw new AppError('FORBIDDEN')
}

async function view(ctx: ActionContext, doc: OrderImportDoc): Promise<OrderImportView> {
  return importView(doc, await loadCommunityPlaces(doc.communityId), isCommittee(ctx, doc.communityId))
}

/** Who committed, as an order's record names them: their household member's or grant's name, or 居委 / 团长. */
function byName(ctx: ActionContext, communityId: string): string {
  const grant = (ctx.grants as Grant[]).find((g) => g.scope.communityId === communityId && g.holderName)
  return grant?.holderName ?? (isCommittee(ctx, communityId) ? '居委' : '组织者')
}

export const importActions = defineActions('groupbuy', {
  orderImport: action({
    input: z.object({ id: importIdInput }).strict(),
    access: { roles: ROLES, scope },
    handler: async (i, ctx) => {
      const doc = await loadImport(ctx, i.id)
      assertRuns(ctx, await loadBuy(ctx, doc.buyId))
      return view(ctx, doc)
    },
  }),

  resolveImportRow: action({
    input: z
      .object({
        id: importIdInput,
        row: z.number().int().min(1).max(1_000_000).describe('行号'),
        householdId: z.string().min(1).max(80).nullable().describe('住户'),
      })
      .strict(),
    access: { roles: ROLES, scope },
    handler: async (i, ctx) => {
      const doc = await loadImport(ctx, i.id)
      const buy = await loadBuy(ctx, doc.buyId)
      assertRuns(ctx, buy)
      return view(ctx, await resolveRow(doc, buy, i.row, i.householdId))
    },
  }),

  commitOrderImport: action({
    input: z.object({ id: importIdInput }).strict(),
    access: { roles: ROLES, scope },
    handler: async (i, ctx) => {
      const doc = await loadImport(ctx, i.id)
      const buy = await loadBuy(ctx, doc.buyId)
      assertRuns(ctx, buy)
      const out = await commitImport(doc, buy, { openid: ctx.caller.openid, name: byName(ctx, buy.communityId) })
      const [fresh] = await buyViews(ctx, [(await data.get<BuyDoc>('buys', buy._id)) ?? out.buy])
      return { orders: out.orders, buy: fresh as NonNullable<typeof fresh> }
    },
  }),
})
