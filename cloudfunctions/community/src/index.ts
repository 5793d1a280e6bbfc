// Cloud function `community`: structure, households, roles, onboarding, consent and the household ledger.
import { contractActions, defineFunction } from '../../../server/kernel'
import { cloud } from '../../../server/platform/cloud'
import { loadGrants } from '../../../server/platform/grants'
import { householdActions, householdErasers } from './household'
import { eraseHouseholdResults } from '../../../server/antigen/erase'
import { housekeeping } from './housekeeping'
import { identityActions } from './identity'
import { ledgerActions } from './ledger'
import { onboardingActions } from './onboarding'
import { rolesActions } from './roles'
import { structureActions } from './structure'

// A household's data deletion reaches its antigen results and photos too.
householdErasers.push(eraseHouseholdResults)

export const main = defineFunction({
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
  }),
  timers: { housekeeping },
})
