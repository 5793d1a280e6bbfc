// Deterministic ids of group-buy documents, where a retry or a second call must land on the same document.
import { createHash } from 'node:crypto'

/** A shop's application in one community: one per WeChat user and community (a second application replaces it). */
export const merchantId = (communityId: string, openid: string) =>
  `mer_${createHash('sha256').update(`${communityId}\u0000${openid}`).digest('hex').slice(0, 24)}`
