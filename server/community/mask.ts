// Masking used by every list: people see the minimum about their neighbours.

/** 张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明; a single character stays as it is. */
export function maskName(name: string): string {
  const chars = [...name.trim()]
  if (chars.length <= 1) return chars.join('')
  if (chars.length === 2) return `${chars[0]}*`
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`
}

/** 13812345678 → 138****5678; other numbers keep their last 4 digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  if (digits.length === 11) return `${digits.slice(0, 3)}****${digits.slice(7)}`
  if (digits.length <= 4) return '*'.repeat(digits.length)
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`
}

/** 「3-201 张*明」: how a household appears in a building chain. */
export function chainLabel(label: string, name: string): string {
  return `${label} ${maskName(name)}`
}

/** Mainland mobile (11 digits starting 1) or a landline with optional area code. */
export function isValidPhone(phone: string): boolean {
  const p = phone.replace(/[\s-]/g, '')
  return /^1[3-9]\d{9}$/.test(p) || /^0\d{2,3}\d{7,8}$/.test(p) || /^\d{7,8}$/.test(p)
}

export function normalisePhone(phone: string): string {
  return phone.replace(/[\s-]/g, '').replace(/^\+?86/, '')
}
