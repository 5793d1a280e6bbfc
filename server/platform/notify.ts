// Subscription messages: every feature hands them to the one push queue (server/platform/pushqueue.ts), never sends
// inside a user's call. A missing credit (43101) is normal: the queue records it as refused and clears the ledger.
export { push as notify, thing, type PushMessage } from './pushqueue'
