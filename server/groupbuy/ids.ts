// Deterministic ids of group-buy documents, where a retry or a second call must land on the same document.
import { createHash } from 'node:crypto'

/** A shop's application in one community: one per WeChat user and community (a second application replaces it). */
export const merchantId = (communityId: string, openid: string) =>
  `mer_${createHash('sha256').update(`${communityId}\u0000${openid}`).digest('hex').slice(0, 24)}`

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex')

/**
 * A buy, from the createBuy request that made it (community, caller, the page's requestId): a retry or a second tap
 * lands on the same document, and two calls at once cannot make two.
 */
export const buyId = (communityId: string, openid: string, requestId: string) =>
  `buy_${digest(communityId, openid, requestId).slice(0, 24)}`

/** A household's order of a buy (and its waiting intake): one per household and buy. */
export const orderId = (buyId: string, householdId: string) => `${buyId}:${householdId}`

/** Items of a buy: 'i1', 'i2' … in the order given. */
export const itemId = (index: number) => `i${index + 1}`
