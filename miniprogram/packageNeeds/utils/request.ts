/** An id for an idempotent registration (8–40 of A–Z a–z 0–9 _ -): one per need, kept across its retries. */
export const newRequestId = (prefix = 'r') =>
  `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`
