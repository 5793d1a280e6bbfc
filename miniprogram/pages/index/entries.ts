// What the home page shows for a user: role rows, pending requests and the entries their roles open.
import type { RoleView, WhoAmI } from '../../../typings/api'
import { formatDateTime } from '../../utils/format'
import { ROLE_LABELS, VOLUNTEER_LABELS } from '../../utils/labels'

export interface RoleRow {
  key: string
  label: string
}

export interface PendingRow {
  id: string
  label: string
  time: string
}

export interface Entry {
  key: string
  title: string
  desc: string
  url: string
  primary: boolean
}

export function roleRows(roles: RoleView[]): RoleRow[] {
  return roles.map((r) => ({
    key: r.id,
    label:
      r.place ||
      (r.volunteerType ? `${ROLE_LABELS[r.role]}（${VOLUNTEER_LABELS[r.volunteerType]}）` : ROLE_LABELS[r.role]),
  }))
}

const uniqueBy = <T>(items: T[], key: (item: T) => string) =>
  items.filter((item, i) => items.findIndex((other) => key(other) === key(item)) === i)

/** The entries a user sees, in the order they are most likely needed. */
export function homeEntries(me: WhoAmI): Entry[] {
  const entries: Entry[] = []
  if (me.households.length === 0) {
    entries.push({
      key: 'join',
      title: '加入我家',
      desc: me.pendingRequests.length ? '已提交申请，也可以再输入其他邀请码' : '输入或扫描楼组长给的邀请码',
      url: '/pages/join/index',
      primary: me.pendingRequests.length === 0,
    })
  }
  for (const h of me.households) {
    entries.push({
      key: `household-${h.id}`,
      title: '我的家',
      desc: `${h.communityName} ${h.label}${h.proxy ? '（代管）' : ''}`,
      url: `/pages/household/index?householdId=${h.id}`,
      primary: false,
    })
  }
  if (me.households.length > 0) {
    // Someone already in their own household may still manage their parents' (代管).
    entries.push({
      key: 'join-another',
      title: '加入另一户',
      desc: '如替家中老人办理（代管）',
      url: '/pages/join/index',
      primary: false,
    })
  }

  const leads = uniqueBy(
    me.roles.filter((r) => (r.role === 'buildingLead' || r.role === 'floorLead') && r.scope.buildingId),
    (r) => r.scope.buildingId as string,
  )
  for (const r of leads) {
    entries.push({
      key: `roster-${r.scope.buildingId}`,
      title: '楼栋名册',
      desc: `${r.place}：住户、待审核、邀请码`,
      url: `/packageLead/pages/roster?buildingId=${r.scope.buildingId}`,
      primary: false,
    })
  }

  const committee = uniqueBy(
    me.roles.filter((r) => r.role === 'committee'),
    (r) => r.scope.communityId,
  )
  for (const r of committee) {
    const id = r.scope.communityId
    const q = `communityId=${id}`
    entries.push(
      {
        key: `structure-${id}`,
        title: '社区结构',
        desc: '营、楼栋与户数，自动分营',
        url: `/packageCommittee/pages/structure?${q}`,
        primary: false,
      },
      {
        key: `import-${id}`,
        title: '台账导入',
        desc: '导入或导出住户台账表格',
        url: `/packageCommittee/pages/import?${q}`,
        primary: false,
      },
      {
        key: `roles-${id}`,
        title: '角色管理',
        desc: '楼组长、营长、志愿者等',
        url: `/packageCommittee/pages/roles?${q}`,
        primary: false,
      },
    )
  }
  const isCommittee = (communityId: string) => committee.some((c) => c.scope.communityId === communityId)
  // A 团长 may read the tree and the role list but changes nothing. (A 营长's grant names a 营, which does not
  // cover the community-wide `structure`, so 营长 get no entry here.)
  const readers = uniqueBy(
    me.roles.filter((r) => r.role === 'communityLead' && !isCommittee(r.scope.communityId)),
    (r) => r.scope.communityId,
  )
  for (const r of readers) {
    const id = r.scope.communityId
    const q = `communityId=${id}`
    entries.push(
      {
        key: `structure-${id}`,
        title: '社区结构',
        desc: '查看各营、楼栋与户数',
        url: `/packageCommittee/pages/structure?${q}`,
        primary: false,
      },
      {
        key: `roles-${id}`,
        title: '角色管理',
        desc: '查看楼组长、营长、志愿者',
        url: `/packageCommittee/pages/roles?${q}`,
        primary: false,
      },
    )
  }

  entries.push({
    key: 'data',
    title: '我的数据',
    desc: '查看或删除本小程序保存的您的信息',
    url: '/pages/household/data',
    primary: false,
  })
  return entries
}

export function pendingRows(me: WhoAmI): PendingRow[] {
  return me.pendingRequests.map((r) => ({
    id: r.id,
    label: `${r.label} ${r.name}${r.asProxy ? '（代管）' : ''}`,
    time: formatDateTime(r.createdAt),
  }))
}
