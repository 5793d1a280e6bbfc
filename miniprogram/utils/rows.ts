// API views mapped to the few fields a list row renders (keeps setData small).
import type { ConsentKind, ConsentView, MemberView } from '../../typings/api'
import { formatDateTime } from './format'
import { CONSENT_LABELS, FLAG_LABELS } from './labels'

export interface MemberRow {
  id: string
  name: string
  phone: string
  born: string
  flags: string[]
  linked: boolean
}

export function memberRows(members: MemberView[]): MemberRow[] {
  return members.map((m) => ({
    id: m.id,
    name: m.name,
    phone: m.phone ?? '',
    born: m.birthYear ? `${m.birthYear}年生` : '',
    flags: (m.flags ?? []).map((f) => FLAG_LABELS[f]),
    linked: m.linked,
  }))
}

export interface ConsentRow {
  kind: ConsentKind
  title: string
  given: boolean
  detail: string
}

/** Both kinds, given or not, from the consents the user has accepted. */
export function consentRows(consents: ConsentView[]): ConsentRow[] {
  return (['personal', 'health'] as ConsentKind[]).map((kind) => {
    const c = consents.find((x) => x.kind === kind)
    return {
      kind,
      title: CONSENT_LABELS[kind],
      given: Boolean(c),
      detail: c ? `已同意 · ${formatDateTime(c.acceptedAt)} · 版本 ${c.version}` : '未同意',
    }
  })
}
