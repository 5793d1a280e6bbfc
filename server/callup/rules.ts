// Pure rules of the testing call-up: names of a call (「3号–27号」), its notice, the points' buildings, who may call
// at a point, what a resident reads of their building's turn, and the counts of a queue. No database here.
import { createHash } from 'node:crypto'
import type { CallupCounts, CallupState, RoleGrant } from '../../typings/api'
import { formatShanghai } from '../kernel/time'
import { onShift } from '../community/shifts'

/** Buildings one call takes at most (a range 1–135 is two calls: pushes stay within one call's time). */
export const MAX_PER_CALL = 150
/** Sampling points a session has at most. */
export const MAX_POINTS = 6
/** Ended sessions are kept this many days (who called and marked what), then deleted. */
export const KEEP_DAYS = 30
export const KEEP_MS = KEEP_DAYS * 86_400_000

export const STATE_LABELS: Readonly<Record<CallupState, string>> = {
  waiting: '待叫号',
  called: '已叫号',
  testing: '检测中',
  done: '已完成',
  skipped: '已跳过',
}

const NUMBERED = /^(.*?)(\d+)(\D*)$/

/**
 * The buildings of a call as people say them, in session order: runs of consecutive numbers with the same prefix and
 * suffix as 「3号–27号」, the others by name, joined by 「、」: 「3号–5号、9号、东1幢」.
 */
export function rangeLabel(names: readonly string[]): string {
  const runs: { first: string; last: string; n: number; key: string; num: number }[] = []
  for (const name of names) {
    const m = NUMBERED.exec(name)
    const key = m ? `${m[1]}\u0000${m[3]}` : ''
    const num = m ? Number(m[2]) : Number.NaN
    const prev = runs[runs.length - 1]
    if (prev && m && prev.key === key && prev.num + 1 === num && !/^0\d/.test(m[2] as string)) {
      prev.last = name
      prev.num = num
      prev.n++
    } else runs.push({ first: name, last: name, n: 1, key: m ? key : `\u0001${name}`, num })
  }
  return runs.map((r) => (r.n === 1 ? r.first : `${r.first}–${r.last}`)).join('、')
}

/** 「请 3号–27号 楼居民下楼检测」 (no second 楼 after 「12号楼」). */
export const callText = (label: string) => `请 ${label} ${label.endsWith('楼') ? '' : '楼'}居民下楼检测`

const clip = (s: string, n = 20) => {
  const c = [...s]
  return c.length <= n ? s : `${c.slice(0, n - 1).join('')}…`
}

/** callup template: thing1 the session, thing2 the buildings, time3 when called, thing4 what to do. */
export function callNotice(sessionName: string, label: string, at: Date): Record<string, string> {
  const text = callText(label)
  return {
    thing1: clip(sessionName.trim() || '核酸检测'),
    thing2: clip(label),
    time3: formatShanghai(at),
    thing4: [...text].length <= 20 ? text : '请以上楼栋居民下楼检测',
  }
}

/**
 * The session's buildings (in order) shared out to points: points that list buildings keep them; when none does,
 * the buildings are cut in order into runs of equal size (the first points one more when it does not divide).
 */
export function splitToPoints(buildingIds: readonly string[], points: number): string[][] {
  const out: string[][] = []
  const base = Math.floor(buildingIds.length / points)
  const extra = buildingIds.length % points
  let at = 0
  for (let i = 0; i < points; i++) {
    const n = base + (i < extra ? 1 : 0)
    out.push(buildingIds.slice(at, at + n))
    at += n
  }
  return out
}

/** The key two spellings of a point's name share (spaces, width and case aside). */
export const pointKey = (name: string) => name.normalize('NFKC').replace(/\s+/g, '').toLowerCase()

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex')

/** A session's id: the same for a retried start (the community and the caller's requestId). */
export const sessionIdOf = (communityId: string, requestId: string) =>
  `cu-${digest(communityId, requestId).slice(0, 24)}`

/** The id of a sampling point's lock: the community and the point's name key. */
export const pointLockId = (communityId: string, name: string) =>
  `${communityId}:${digest(pointKey(name)).slice(0, 24)}`

/**
 * Whether a 核酸 volunteer works this point now: a testing volunteer of the community, on shift (no shifts: on
 * call), whose posts cover one of the point's buildings (no posts: every building).
 */
export function worksPoint(
  grants: readonly RoleGrant[],
  communityId: string,
  pointBuildings: readonly string[],
  now: Date,
): boolean {
  return grants.some(
    (g) =>
      g.role === 'volunteer' &&
      g.volunteerType === 'testing' &&
      g.scope.communityId === communityId &&
      onShift(g.shifts, now) &&
      (!g.posts || g.posts.length === 0 || g.posts.some((p) => pointBuildings.includes(p))),
  )
}

/** What a resident or lead reads of their building's turn. */
export function turnMessage(state: CallupState, ahead: number, reason?: string): string {
  switch (state) {
    case 'waiting':
      return ahead === 0 ? '还没叫到您楼，下一栋就是您楼' : `还没叫到您楼，前面还有 ${ahead} 栋`
    case 'called':
      return '已叫到，请下楼'
    case 'testing':
      return '正在检测，请尽快下楼'
    case 'done':
      return '本楼已检测完成'
    case 'skipped':
      return reason ? `本楼暂不叫号：${reason}` : '本楼暂不叫号'
  }
}

export function countStates(states: readonly CallupState[]): CallupCounts {
  const c: CallupCounts = { waiting: 0, called: 0, testing: 0, done: 0, skipped: 0 }
  for (const s of states) c[s]++
  return c
}

/** Minutes from a call to done (or to now). */
export function waitedMinutes(calledAt: Date | undefined, until: Date): number | undefined {
  if (!calledAt) return undefined
  return Math.max(0, Math.floor((until.getTime() - new Date(calledAt).getTime()) / 60_000))
}
