// Cloud function `community`: structure, households, roles, onboarding, consent and the household ledger.
import { defineFunction } from '../../../server/kernel'
import { cloud } from './cloud'
import { loadGrants } from './grants'
import { householdActions } from './household'
import { identityActions } from './identity'
import { ledgerActions } from './ledger'
import { onboardingActions } from './onboarding'
import { rolesActions } from './roles'
import { structureActions } from './structure'

export const main = defineFunction({
  name: 'community',
  identity: cloud,
  loadGrants,
  actions: {
    ...identityActions,
    ...onboardingActions,
    ...householdActions,
    ...structureActions,
    ...rolesActions,
    ...ledgerActions,
  },
})
