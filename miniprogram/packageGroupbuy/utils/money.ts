// Money as residents read and type it: amounts are integers in 分 everywhere in the API; pages show 元 with two
// decimals and turn what is typed in 元 back into 分 without floating-point drift.

/** 「12.50」 from 1250 分. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(Math.round(fen))
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** 「12.50 元」 */
export const yuanText = (fen: number) => `${yuan(fen)} 元`

/** The most one amount may be: 100,000 元. */
export const MAX_FEN = 10_000_000

/**
 * 分 from an amount typed in 元 (「12」「12.5」「12.50」, full-width digits and a trailing 元 allowed); null when it is
 * not an amount: negative, more than two decimals, or over MAX_FEN.
 */
export function parseYuan(text: string): number | null {
  const clean = text
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, '.')
    .replace(/\s|元$/g, '')
  const m = /^(\d{1,6})(?:\.(\d{0,2}))?$/.exec(clean)
  if (!m) return null
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  return fen <= MAX_FEN ? fen : null
}
