// Placeholder until its owner writes the actions.
import { defineActions } from '../../../server/kernel'

export const paymentActions = defineActions('groupbuy', {})
