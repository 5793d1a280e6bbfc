// Who am I, consents, and everything stored about me.
import type {
  BuildingDoc,
  CommunityDoc,
  ConsentDoc,
  HouseholdDoc,
  JoinRequestDoc,
} from '../../../server/community/model'
import type { ConsentView, HouseholdRef, MyData, WhoAmI } from '../../../typings/api'
import { action, AppError, defineActions, nowDate, z } from '../../../server/kernel'
import { CONSENTS, consentHash } from '../../../server/community/consent'
import { consentId } from '../../../server/community/ids'
import { householdLabel } from '../../../server/community/structure'
import { data } from '../../../server/platform/cloud'
import { fieldsFor, householdTarget, householdView, iso } from '../../../server/platform/places'
import type { Grant } from '../../../server/platform/grants'
import { joinRequestView, roleViews } from './views'
import { householdRecords } from '../../../server/antigen/records'

const kind = z.enum(['personal', 'health']).describe('授权类型')
const signedIn = { signedIn: true } as const

async function activeConsents(openid: string): Promise<ConsentView[]> {
  const docs = await data.find<ConsentDoc>('consents', { openid }, { limit: 100, orderBy: [['acceptedAt', 'desc']] })
  const out: ConsentView[] = []
  for (const d of docs) {
    if (d.withdrawnAt || d.version !== CONSENTS[d.kind].version || out.some((c) => c.kind === d.kind)) continue
    out.push({ kind: d.kind, version: d.version, acceptedAt: iso(d.acceptedAt) })
  }
  return out
}

/** The version of the caller's active health consent, if any (for a new resident grant). */
export async function activeHealthConsent(openid: string): Promise<string | undefined> {
  const [doc] = await data.find<ConsentDoc>(
    'consents',
    { openid, kind: 'health', version: CONSENTS.health.version, withdrawnAt: data._.exists(false) },
    { limit: 1 },
  )
  return doc?.version
}

export async function recordConsent(openid: string, k: 'personal' | 'health', version: string): Promise<ConsentView> {
  if (version !== CONSENTS[k].version) throw new AppError('CONSENT_OUTDATED')
  const acceptedAt = nowDate()
  const doc: ConsentDoc = {
    _id: consentId(openid, k, version),
    openid,
    kind: k,
    version,
    textHash: consentHash(k),
    acceptedAt,
  }
  await data.set('consents', doc)
  // Submissions check the health consent on the grants they already read: keep it there too.
  if (k === 'health') await data.updateWhere('roles', { openid, role: 'resident' }, { healthConsent: version })
  return { kind: k, version, acceptedAt: iso(acceptedAt) }
}

async function householdsOf(grants: Grant[]) {
  const ids = grants
    .filter((g) => g.role === 'resident' && g.scope.householdId)
    .map((g) => g.scope.householdId as string)
  const households = [...(await data.byIds<HouseholdDoc>('households', ids)).values()]
  const [buildings, communities] = await Promise.all([
    data.byIds<BuildingDoc>(
      'buildings',
      households.map((h) => h.buildingId),
    ),
    data.byIds<CommunityDoc>(
      'communities',
      households.map((h) => h.communityId),
    ),
  ])
  return { households, buildings, communities }
}

async function requestsOf(openid: string, status?: 'pending') {
  const docs = await data.find<JoinRequestDoc>('joinRequests', status ? { openid, status } : { openid }, {
    limit: 100,
    orderBy: [['createdAt', 'desc']],
  })
  const buildings = await data.byIds<BuildingDoc>(
    'buildings',
    docs.map((d) => d.buildingId),
  )
  return docs.map((d) => joinRequestView(d, buildings.get(d.buildingId)?.name ?? '', true))
}

export const identityActions = defineActions('community', {
  whoami: action({
    input: z.object({}).strict(),
    access: signedIn,
    handler: async (_input, ctx): Promise<WhoAmI> => {
      const grants = ctx.grants as Grant[]
      const [roles, { households, buildings, communities }, consents, pendingRequests] = await Promise.all([
        roleViews(grants),
        householdsOf(grants),
        activeConsents(ctx.caller.openid),
        requestsOf(ctx.caller.openid, 'pending'),
      ])
      const refs: HouseholdRef[] = households.map((h) => ({
        id: h._id,
        communityId: h.communityId,
        communityName: communities.get(h.communityId)?.name ?? '',
        buildingId: h.buildingId,
        label: householdLabel(buildings.get(h.buildingId)?.name ?? '', h.room),
        proxy: grants.some((g) => g.scope.householdId === h._id && g.proxy === true),
      }))
      return { openid: ctx.caller.openid, roles, households: refs, consents, pendingRequests }
    },
  }),

  consentText: action({
    input: z.object({ kind }).strict(),
    access: signedIn,
    handler: async (input) => CONSENTS[input.kind],
  }),

  giveConsent: action({
    input: z.object({ kind, version: z.string().min(1).max(40).describe('授权版本') }).strict(),
    access: signedIn,
    handler: async (input, ctx) => recordConsent(ctx.caller.openid, input.kind, input.version),
  }),

  withdrawConsent: action({
    input: z.object({ kind }).strict(),
    access: signedIn,
    handler: async (input, ctx) => {
      const n = await data.updateWhere(
        'consents',
        { openid: ctx.caller.openid, kind: input.kind, withdrawnAt: data._.exists(false) },
        { withdrawnAt: nowDate() },
      )
      if (input.kind === 'health') {
        await data.updateWhere(
          'roles',
          { openid: ctx.caller.openid, role: 'resident' },
          { healthConsent: data._.remove() },
        )
      }
      return { withdrawn: n > 0 }
    },
  }),

  myJoinRequests: action({
    input: z.object({}).strict(),
    access: signedIn,
    handler: async (_input, ctx) => requestsOf(ctx.caller.openid),
  }),

  myData: action({
    input: z.object({}).strict(),
    access: signedIn,
    handler: async (_input, ctx): Promise<MyData> => {
      const grants = ctx.grants as Grant[]
      const [{ households, buildings, communities }, roles, consentDocs, joinRequests] = await Promise.all([
        householdsOf(grants),
        // A name stored on a grant itself (a bootstrapped committee member) is data about the caller too.
        roleViews(grants, new Map(grants.flatMap((g) => (g.holderName ? [[g.id, g.holderName] as const] : [])))),
        data.find<ConsentDoc>('consents', { openid: ctx.caller.openid }, { limit: 100 }),
        requestsOf(ctx.caller.openid),
      ])
      return {
        households: households.map((h) => ({
          // As the visibility policy shows it to the caller: a 代管 holder sees the household's phones masked.
          ...householdView(h, buildings.get(h.buildingId)?.name ?? '', fieldsFor(grants, householdTarget(h))),
          communityName: communities.get(h.communityId)?.name ?? '',
        })),
        roles,
        consents: consentDocs.map((c) => ({
          kind: c.kind,
          version: c.version,
          acceptedAt: iso(c.acceptedAt),
          ...(c.withdrawnAt ? { withdrawnAt: iso(c.withdrawnAt) } : {}),
        })),
        joinRequests,
        // What the antigen rounds keep about the caller's households, and until when.
        antigen: await householdRecords(households),
      }
    },
  }),
})
