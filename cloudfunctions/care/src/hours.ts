// A volunteer's hours per day, for the committee: scheduled hours from their shifts (each weekday and today; the
// pure count is server/community/shifts.ts), and today's work from the records that exist: bags they marked
// delivered, care checks they made, needs they took or finished. Those over HEAVY_DAY_HOURS are highlighted.
import type { VolunteerHoursPage, VolunteerHoursView } from '../../../typings/api'
import type { RoleDoc } from '../../../server/community/model'
import type { CareCheckDoc } from '../../../server/care/model'
import type { DeliveryStopDoc } from '../../../server/delivery/model'
import type { NeedDoc } from '../../../server/needs/model'
import { action, defineActions, nowDate, shanghaiDay, startOfShanghaiDay, z } from '../../../server/kernel'
import { data } from '../../../server/platform/cloud'
import { trusted } from '../../../server/platform/grants'
import { HEAVY_DAY_HOURS, minutesOnDay, shiftText, weekdayMinutes } from '../../../server/community/shifts'
import { VOLUNTEER_LABELS } from '../../../miniprogram/shared/constants'
import { communityBuildings, id, nameFor } from './common'
import type { HouseholdDoc } from '../../../server/community/model'

const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10

export const hoursActions = defineActions('care', {
  volunteerHours: action({
    input: z.object({ communityId: id('小区') }).strict(),
    access: { roles: ['committee', 'communityLead'], scope: (i) => i },
    handler: async ({ communityId }, ctx): Promise<VolunteerHoursPage> => {
      const now = nowDate()
      const day = shanghaiDay(now)
      const since = startOfShanghaiDay(day)
      const [roles, buildings, stops, checks, needs] = await Promise.all([
        data.findAll<RoleDoc>('roles', { communityId, role: 'volunteer' }),
        communityBuildings(communityId),
        data.findAll<Pick<DeliveryStopDoc, 'delivered'>>(
          'deliveryStops',
          { communityId, 'delivered.at': data._.gte(since) },
          { fields: { delivered: true } },
        ),
        data.findAll<Pick<CareCheckDoc, 'by' | 'at'>>(
          'careChecks',
          { communityId, day },
          { fields: { by: true, at: true } },
        ),
        data.findAll<Pick<NeedDoc, 'taken' | 'done'>>(
          'needs',
          { communityId, updatedAt: data._.gte(since) },
          { fields: { taken: true, done: true } },
        ),
      ])
      const volunteers = trusted(roles)
      const households = await data.byIds<HouseholdDoc>(
        'households',
        volunteers.flatMap((r) => (r.householdId ? [r.householdId] : [])),
      )
      const nameOf = (r: RoleDoc) =>
        (r.householdId ? households.get(r.householdId)?.members.find((m) => m.id === r.memberId)?.name : undefined) ??
        r.holderName ??
        '志愿者'
      const order = new Map(buildings.map((b) => [b._id, b]))
      // Every record of today by who made it, with its time.
      const work = new Map<string, { deliveries: number; careChecks: number; needs: number; times: number[] }>()
      const add = (
        openid: string | undefined,
        at: Date | string | undefined,
        k: 'deliveries' | 'careChecks' | 'needs',
      ) => {
        if (!openid || !at) return
        const t = new Date(at).getTime()
        if (t < since.getTime()) return
        const w = work.get(openid) ?? { deliveries: 0, careChecks: 0, needs: 0, times: [] }
        w[k]++
        w.times.push(t)
        work.set(openid, w)
      }
      for (const s of stops) add(s.delivered?.by, s.delivered?.at, 'deliveries')
      for (const c of checks) add(c.by, c.at, 'careChecks')
      for (const n of needs) {
        add(n.taken?.openid, n.taken?.at, 'needs')
        if (n.done && n.done.openid !== n.taken?.openid) add(n.done.openid, n.done.at, 'needs')
      }
      const rows: VolunteerHoursView[] = volunteers.map((r) => {
        const week = weekdayMinutes(r.shifts)
        const today = minutesOnDay(r.shifts, now)
        const w = work.get(r.openid)
        const span = w?.times.length ? Math.max(...w.times) - Math.min(...w.times) : 0
        const v: VolunteerHoursView = {
          roleId: r._id,
          name: nameFor(ctx.grants, communityId, nameOf(r)),
          volunteerType: r.volunteerType ?? 'building',
          posts: (r.posts ?? [])
            .map((b) => order.get(b))
            .filter((b) => b !== undefined)
            .sort((a, b) => a.order - b.order)
            .map((b) => b.name)
            .join('、'),
          shifts: shiftText(r.shifts),
          weekdayHours: week ? week.map(hours) : null,
          todayHours: today === undefined ? null : hours(today),
          today: { deliveries: w?.deliveries ?? 0, careChecks: w?.careChecks ?? 0, needs: w?.needs ?? 0 },
          over: (week ?? []).some((m) => m > HEAVY_DAY_HOURS * 60) || span > HEAVY_DAY_HOURS * 3_600_000,
        }
        if (w?.times.length) {
          v.today.firstAt = new Date(Math.min(...w.times)).toISOString()
          v.today.lastAt = new Date(Math.max(...w.times)).toISOString()
        }
        return v
      })
      const typeOrder = Object.keys(VOLUNTEER_LABELS)
      rows.sort(
        (a, b) =>
          Number(b.over) - Number(a.over) ||
          typeOrder.indexOf(a.volunteerType) - typeOrder.indexOf(b.volunteerType) ||
          a.name.localeCompare(b.name, 'zh-Hans-CN'),
      )
      return { communityId, day, thresholdHours: HEAVY_DAY_HOURS, volunteers: rows }
    },
  }),
})
