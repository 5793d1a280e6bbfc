// Cloud function `sequencer`: merges waiting submissions into their chain (server/antigen/sequencer.ts) and waiting
// orders into their buy's ledger (server/groupbuy/sequencer.ts). Only other functions call it (the antigen
// function's submit, the groupbuy function's placeOrder and cancelOrder kick it); it has no client actions, and
// anything but a kicked merge is answered as an unknown action. It is its own function so that its invocations never
// wait behind the burst of client calls that kick them (each function has its own instances), and its bundle carries
// none of the antigen or groupbuy functions' other code, so it starts cold quickly.
import { AppError } from '../../../server/kernel'
import { withSequencer } from '../../../server/antigen/sequencer'
import { withBuySequencer } from '../../../server/groupbuy/sequencer'

/** Of the function's 20 s timeout (config.json), how long one invocation keeps merging a chain or a buy. */
export const SEQUENCE_BUDGET_MS = 12_000

export const main = withBuySequencer(
  withSequencer(async () => new AppError('UNKNOWN_ACTION', undefined, 'action').toEnvelope(), SEQUENCE_BUDGET_MS),
  SEQUENCE_BUDGET_MS,
)
