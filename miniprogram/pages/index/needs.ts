// The home page's needs entries: each household's 需求登记, the queue for 云上 volunteers and leads, the day's
// roll-up for 营长, 团长 and the committee.
import type { RoleView, WhoAmI } from '../../../typings/api'
import type { Entry } from './entry'

const ANSWERS = (r: RoleView) =>
  (r.role === 'volunteer' && r.volunteerType === 'online') ||
  ['buildingLead', 'groupLead', 'communityLead', 'committee'].includes(r.role)
const ROLLS_UP = (r: RoleView) => ['groupLead', 'communityLead', 'committee'].includes(r.role)

const communitiesOf = (me: WhoAmI, keep: (r: RoleView) => boolean) => [
  ...new Set(me.roles.filter(keep).map((r) => r.scope.communityId)),
]

export function needEntries(me: WhoAmI): Entry[] {
  return [
    ...me.households.map((h) => ({
      key: `needs-mine-${h.id}`,
      title: '需求登记',
      desc: `${h.label}：买药、就医、买菜、燃气充值、外出，登记和进度`,
      url: `/packageNeeds/pages/mine?household=${h.id}`,
      primary: false,
    })),
    ...communitiesOf(me, ANSWERS).map((c) => ({
      key: `needs-queue-${c}`,
      title: '需求接单',
      desc: '居民登记的需求：接单、办结、拨打；超时自动上报',
      url: `/packageNeeds/pages/queue?communityId=${c}`,
      primary: false,
    })),
    ...communitiesOf(me, ROLLS_UP).map((c) => ({
      key: `needs-rollup-${c}`,
      title: '需求汇总',
      desc: '每天各楼的需求：按类型、按状态统计，导出 Excel',
      url: `/packageNeeds/pages/rollup?communityId=${c}`,
      primary: false,
    })),
  ]
}
