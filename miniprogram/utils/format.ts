// Dates and codes as residents read them. Dates come from the API as ISO strings and show in the phone's time zone.

const pad = (n: number) => String(n).padStart(2, '0')

/** 「11月20日 18:05」; empty for a missing or unreadable date. */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return `${d.getMonth() + 1}月${d.getDate()}日 ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** 「18:05」; empty for a missing or unreadable date. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/**
 * A round's deadline as read next to its day: 「18:00」 on that day, 「11月21日 02:00」 when it falls on another (a round
 * of the 20th closing after midnight must not read as closing at 02:00 on the 20th).
 */
export function formatDeadline(day: string, iso: string | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const sameDay = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` === day
  return sameDay ? formatTime(iso) : formatDateTime(iso)
}

/** 「11月20日」 from a calendar day 'YYYY-MM-DD' (no time zone involved). */
export function formatDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  return m ? `${Number(m[2])}月${Number(m[3])}日` : day
}

/** 「AB2C DE3F」: an invite code split in fours so it can be read out and typed back. */
export function spacedCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, '$1 ')
}

/** What a typed or scanned invite code becomes: upper case, no spaces. */
export function normaliseCode(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase()
}

export const isInviteCode = (code: string) => /^[0-9A-Z]{6,12}$/.test(code)

/**
 * The invite code in whatever a QR code or a page link carries: a 小程序码's `scene` (the page's `query.scene`,
 * URL-encoded: the bare code, or `code=XXXX` in older codes), `wx.scanCode`'s `res.path` of one
 * (`pages/join/index?scene=XXXX`), a link or share path with `code=XXXX`, or the bare code typed or read out.
 * Anything that holds no invite code (another QR code, a web address) gives ''.
 */
export function codeFromScan(raw: string | undefined): string {
  if (!raw) return ''
  let text = raw.trim()
  for (let i = 0; i < 3 && /%[0-9A-Fa-f]{2}/.test(text); i++) {
    try {
      text = decodeURIComponent(text)
    } catch {
      break // not URL-encoded after all
    }
  }
  const query = text.includes('?') ? text.slice(text.indexOf('?') + 1) : text
  const match = /(?:^|[?&])(?:code|c|scene)=([^&#]+)/.exec(query)
  if (match?.[1]) return codeFromScan(match[1].replace(/\+/g, ' '))
  // A path or address without a code: not an invite.
  if (/[/?=:]/.test(text)) return ''
  const code = normaliseCode(text)
  return isInviteCode(code) ? code : ''
}
