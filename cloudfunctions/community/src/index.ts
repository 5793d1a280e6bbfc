// Cloud function `community`: structure, households, roles, onboarding, consent and the household ledger.
import { contractActions, defineFunction } from '../../../server/kernel'
import { cloud } from '../../../server/platform/cloud'
import { loadGrants } from '../../../server/platform/grants'
import { householdActions } from './household'
import {
  eraseHouseholdResults,
  eraseLeadTraces,
  eraseMemberResults,
  eraseSubscription,
} from '../../../server/antigen/erase'
import { personErasers } from './erasure'
import { eraseGroupBuyPerson } from '../../../server/groupbuy/erase'
import { eraseDeliveryPerson } from '../../../server/delivery/erase'
import { eraseCallupPerson } from '../../../server/callup/erase'
import { eraseCarePerson } from '../../../server/care/erase'
import { eraseRegistersPerson } from '../../../server/registers/erase'
import { eraseNeedsPerson } from '../../../server/needs/erase'
import { housekeeping } from './housekeeping'
import { lifecycleActions } from './lifecycle'
import { identityActions } from './identity'
import { ledgerActions } from './ledger'
import { onboardingActions } from './onboarding'
import { phoneActions } from './phones'
import { rolesActions } from './roles'
import { structureActions } from './structure'
import { subscriptionActions } from './subscriptions'
import { withPushDrain } from '../../../server/platform/pushqueue'
import { reportAtColdStart } from '../../../server/platform/health'

// A person's data deletion reaches their antigen results and photos too (the whole household's entries when they
// were its last member), their 开轮提醒 subscription when they leave the community, and their openid on the rounds'
// lists when they lead there no more.
personErasers.push(async (p) => {
  const erased = p.last
    ? await eraseHouseholdResults(p.householdId, p)
    : await eraseMemberResults(p.householdId, p.memberId ?? '', p.openid, p)
  if (p.leavesCommunity) await eraseSubscription(p.openid, p.communityId)
  if (p.stopsLeading) await eraseLeadTraces(p.openid, p.communityId)
  return erased
})

// It reaches their group-buy orders and complaints too (server/groupbuy/erase.ts): their name and notes on orders
// they placed, the household's whole when they were its last member, their 开团提醒 subscription when they leave.
personErasers.push(eraseGroupBuyPerson)

// And the delivery relay (server/delivery/erase.ts): their name and photos on the marks they made, the problems
// they reported, the notices of bags they were told of, their place in trips and door teams.
personErasers.push(eraseDeliveryPerson)

// And care (server/care/erase.ts): the checks about their member (the household's, when they were its last), and
// their name on the checks they made.
personErasers.push(eraseCarePerson)
// And the livelihood registers (server/registers/erase.ts): every entry naming them, the household's with its last
// member.
personErasers.push(eraseRegistersPerson)

// And the testing call-up (server/callup/erase.ts): their openid and name on the calls and marks they made.
personErasers.push(eraseCallupPerson)
// And needs (server/needs/erase.ts): the content of the needs raised for them or by them (the household's all with
// its last member), their name on the steps of needs they took, finished or cancelled.
personErasers.push(eraseNeedsPerson)

// A deployment without its template ids or environment says so in the log of every new instance.
reportAtColdStart('community')

const routed = defineFunction({
  name: 'community',
  identity: cloud,
  loadGrants,
  actions: contractActions('community', {
    ...identityActions,
    ...onboardingActions,
    ...householdActions,
    ...structureActions,
    ...rolesActions,
    ...ledgerActions,
    ...phoneActions,
    ...lifecycleActions,
    ...subscriptionActions,
  }),
  timers: { housekeeping },
})

/** Of the function's 20 s timeout (config.json), how long a kicked push drain keeps starting sends. */
export const DRAIN_BUDGET_MS = 12_000

// Push drains kicked by this function's own calls (server/platform/pushqueue.ts); every other event is routed.
export const main = withPushDrain('community', routed, DRAIN_BUDGET_MS)
