// What the home page shows for a user: role rows, pending requests and the entries their roles open.
import type { MySubmissionView, Role, RoleView, RoundView, WhoAmI } from '../../../typings/api'
import { formatDateTime, formatDay, formatDeadline } from '../../utils/format'
import { ROLE_LABELS, VOLUNTEER_LABELS } from '../../utils/labels'
import type { Entry } from './entry'
import { needEntries } from './needs'

export type { Entry }

export interface RoleRow {
  key: string
  label: string
}

export interface PendingRow {
  id: string
  label: string
  time: string
}

/** Antigen state the entries depend on; absent parts (not needed by the roles, or not loaded) show no entry. */
export interface AntigenHome {
  /** Open rounds of the user's households (antigen.myRounds). */
  mine?: MySubmissionView[]
  /** Recent rounds per community (antigen.listRounds), for leads and above. */
  rounds?: Record<string, RoundView[]>
  /** Communities whose 开轮提醒 the user accepted in this session. */
  subscribed?: string[]
}

const ROUND_READERS: Role[] = ['buildingLead', 'floorLead', 'groupLead', 'communityLead', 'committee']
const TABLE_READERS: Role[] = ['groupLead', 'communityLead', 'committee']
const ROUND_OPENERS: Role[] = ['communityLead', 'committee']
/** Roles whose 团购 entry is the organiser's (the same list, with 发起团购). */
const BUY_ORGANISERS: Role[] = ['communityLead', 'committee']
/** Roles that see the delivery board (their buildings, or all of them). */
const DELIVERY_BOARD: Role[] = ['buildingLead', 'floorLead', 'groupLead', 'communityLead', 'committee']
/** Roles with a care list or overview (volunteers: 楼栋 and 云上 only, who check on people). */
const CARE_ROLES: Role[] = ['buildingLead', 'floorLead', 'groupLead', 'communityLead', 'committee']
const CARE_OVERVIEW: Role[] = ['groupLead', 'communityLead', 'committee']
const isCarer = (r: RoleView) =>
  CARE_ROLES.includes(r.role) ||
  (r.role === 'volunteer' && (r.volunteerType === 'building' || r.volunteerType === 'online'))

/** Communities whose rounds the home page needs to list: only where a role shows a chain or a table. */
export function roundCommunities(me: WhoAmI): string[] {
  return [...new Set(me.roles.filter((r) => ROUND_READERS.includes(r.role)).map((r) => r.scope.communityId))]
}

export const needsMyRounds = (me: WhoAmI) => me.households.length > 0

const newestFirst = (rounds: RoundView[]) => [...rounds].sort((a, b) => b.openedAt.localeCompare(a.openedAt))
const latestOpen = (rounds: RoundView[]) => newestFirst(rounds).find((r) => r.status === 'open')
const roundText = (r: RoundView) =>
  `${formatDay(r.date)}${r.status === 'open' ? `，${formatDeadline(r.date, r.deadline)} 截止` : '（已结束）'}`

function submitEntry(s: MySubmissionView): Entry {
  const open = !s.submitted
  return {
    key: `antigen-${s.round.id}-${s.householdId}`,
    title: '报抗原',
    desc: open
      ? `${s.label} 未报 · ${formatDay(s.round.date)} ${formatDeadline(s.round.date, s.round.deadline)} 截止`
      : `${s.label} 已报${s.no ? `（第 ${s.no} 位）` : ''}${s.locked ? ' · 楼组长已确认' : ' · 可以修改'}`,
    url: `/packageAntigen/pages/submit?roundId=${s.round.id}&householdId=${s.householdId}`,
    primary: open,
  }
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
export function homeEntries(me: WhoAmI, antigen: AntigenHome = {}): Entry[] {
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
  for (const s of antigen.mine ?? []) entries.push(submitEntry(s))
  // whoami lists only consents to the current texts: a household member without one accepted the old text (or none)
  // and is asked at this use to read the current one.
  if (me.households.length > 0 && !me.consents.some((c) => c.kind === 'personal')) {
    const h = me.households[0] as (typeof me.households)[number]
    entries.push({
      key: 'consent-personal',
      title: '个人信息授权已更新',
      desc: '谁能看到您的信息、保存多久有了新的说明，请阅读并同意',
      url: `/pages/household/index?householdId=${h.id}`,
      primary: true,
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
  for (const communityId of [...new Set(me.households.map((h) => h.communityId))]) {
    const done = antigen.subscribed?.includes(communityId)
    entries.push({
      key: `subscribe-rounds-${communityId}`,
      title: '开轮提醒',
      desc: done ? '已订阅：下一轮检测开始时微信通知您' : '新一轮检测开始时，微信通知我',
      url: '',
      primary: false,
      action: 'subscribeRounds',
      communityId,
    })
  }

  const householdCommunities = [...new Set(me.households.map((h) => h.communityId))]
  const runsBuys = (communityId: string) =>
    me.roles.some((r) => BUY_ORGANISERS.includes(r.role) && r.scope.communityId === communityId)
  for (const communityId of householdCommunities.filter((c) => !runsBuys(c))) {
    entries.push({
      key: `groupbuy-${communityId}`,
      title: '团购',
      desc: '接龙买菜、买日用品，查看我的订单',
      url: `/packageGroupbuy/pages/list?communityId=${communityId}`,
      primary: false,
    })
  }

  // The relay: each household's bags; the board for leads and above; a volunteer's own tasks.
  for (const h of me.households) {
    entries.push({
      key: `delivery-mine-${h.id}`,
      title: '我家的物资',
      desc: `${h.label}：团购和发放的物资送到哪了`,
      url: `/packageDelivery/pages/mine?household=${h.id}`,
      primary: false,
    })
  }
  const leads = uniqueBy(
    me.roles.filter((r) => (r.role === 'buildingLead' || r.role === 'floorLead') && r.scope.buildingId),
    (r) => r.scope.buildingId as string,
  )
  for (const r of leads) {
    const rounds = antigen.rounds?.[r.scope.communityId] ?? []
    const round = latestOpen(rounds) ?? newestFirst(rounds)[0]
    if (round) {
      entries.push({
        key: `chain-${r.scope.buildingId}`,
        title: '本楼接龙',
        desc: `${r.place}：${roundText(round)}`,
        url: `/packageAntigen/pages/chain?roundId=${round.id}&buildingId=${r.scope.buildingId}`,
        primary: round.status === 'open',
      })
    }
  }
  for (const r of leads) {
    entries.push({
      key: `roster-${r.scope.buildingId}`,
      title: '楼栋名册',
      desc: `${r.place}：住户、待审核、邀请码`,
      url: `/packageLead/pages/roster?buildingId=${r.scope.buildingId}`,
      primary: false,
    })
  }

  for (const r of leads) {
    entries.push({
      key: `groupbuy-lead-${r.scope.buildingId}`,
      title: '本楼团购',
      desc: `${r.place}：本楼接龙和分拣单，发到楼栋群`,
      url: `/packageGroupbuy/pages/list?communityId=${r.scope.communityId}&buildingId=${r.scope.buildingId}`,
      primary: false,
    })
  }

  const tableReaders = uniqueBy(
    me.roles.filter((r) => TABLE_READERS.includes(r.role)),
    (r) => r.scope.communityId,
  )
  for (const r of tableReaders) {
    const round = newestFirst(antigen.rounds?.[r.scope.communityId] ?? [])[0]
    if (!round) continue
    entries.push({
      key: `table-${r.scope.communityId}`,
      title: '检测汇总',
      desc: `${roundText(round)}：各楼已报、异常、未报`,
      url: `/packageAntigen/pages/table?roundId=${round.id}`,
      primary: false,
    })
  }
  const openers = uniqueBy(
    me.roles.filter((r) => ROUND_OPENERS.includes(r.role)),
    (r) => r.scope.communityId,
  )
  for (const r of openers) {
    entries.push({
      key: `rounds-${r.scope.communityId}`,
      title: '检测轮次',
      desc: '开始新一轮抗原检测，查看以往各轮',
      url: `/packageAntigen/pages/rounds?communityId=${r.scope.communityId}`,
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
      {
        key: `retention-${id}`,
        title: '数据保存',
        desc: '各类信息保存多久、何时删除；停止使用本小区',
        url: `/packageCommittee/pages/retention?${q}`,
        primary: false,
      },
    )
  }
  for (const r of committee) {
    const q = `communityId=${r.scope.communityId}`
    entries.push(
      {
        key: `groupbuy-manage-${r.scope.communityId}`,
        title: '团购与发放',
        desc: '发起团购和物资发放；各楼接龙、汇总、打印',
        url: `/packageGroupbuy/pages/list?${q}`,
        primary: false,
      },
      {
        key: `merchants-${r.scope.communityId}`,
        title: '商家审核',
        desc: '审核入驻商家的证照，处理居民投诉',
        url: `/packageGroupbuy/pages/merchants?${q}`,
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

  const buyLeads = uniqueBy(
    me.roles.filter((r) => r.role === 'communityLead' && !isCommittee(r.scope.communityId)),
    (r) => r.scope.communityId,
  )
  for (const r of buyLeads) {
    entries.push({
      key: `groupbuy-manage-${r.scope.communityId}`,
      title: '团购',
      desc: '发起团购；各楼接龙、汇总、打印',
      url: `/packageGroupbuy/pages/list?communityId=${r.scope.communityId}`,
      primary: false,
    })
  }

  const boardReaders = uniqueBy(
    me.roles.filter((r) => DELIVERY_BOARD.includes(r.role)),
    (r) => r.scope.communityId,
  )
  for (const r of boardReaders) {
    entries.push({
      key: `delivery-board-${r.scope.communityId}`,
      title: '配送看板',
      desc: '物资从大门到各楼、到家门口：进度、提醒、问题',
      url: `/packageDelivery/pages/list?communityId=${r.scope.communityId}`,
      primary: false,
    })
  }
  const helpers = uniqueBy(
    me.roles.filter(
      (r) => r.role === 'volunteer' && !boardReaders.some((b) => b.scope.communityId === r.scope.communityId),
    ),
    (r) => r.scope.communityId,
  )
  for (const r of helpers) {
    entries.push({
      key: `delivery-tasks-${r.scope.communityId}`,
      title: '我的配送任务',
      desc: '运到楼门口、送到各户门口：一户一个大按钮',
      url: `/packageDelivery/pages/list?communityId=${r.scope.communityId}`,
      primary: false,
    })
  }

  for (const r of uniqueBy(me.roles.filter(isCarer), (r) => r.scope.communityId)) {
    const id = r.scope.communityId
    // 营长 and above start from the overview (per building), the others from their own list.
    const overview = me.roles.some((x) => x.scope.communityId === id && CARE_OVERVIEW.includes(x.role))
    entries.push({
      key: `care-${id}`,
      title: '关怀联系',
      desc: '老人、独居、行动不便的居民：今天联系了谁、谁逾期',
      url: `/packageCare/pages/${overview ? 'overview' : 'list'}?communityId=${id}`,
      primary: false,
    })
  }

  // The livelihood registers (民生底账): the committee and every lead, each over their own part.
  for (const r of boardReaders) {
    entries.push({
      key: `registers-${r.scope.communityId}`,
      title: '民生底账',
      desc: '配药、就医、燃气、外出和特殊人群的登记',
      url: `/packageRegisters/pages/list?communityId=${r.scope.communityId}`,
      primary: false,
    })
  }

  const shops = uniqueBy(
    me.roles.filter((r) => r.role === 'merchant'),
    (r) => r.scope.communityId,
  )
  for (const r of shops) {
    entries.push({
      key: `shop-${r.scope.communityId}`,
      title: '我的店铺',
      desc: '发起团购，看接龙、记收款、打印分拣单',
      url: `/packageGroupbuy/pages/merchant?communityId=${r.scope.communityId}`,
      primary: false,
    })
  }
  // A shop applies where it lives or sells; the committee also sends the application page as a link.
  for (const communityId of householdCommunities) {
    if (shops.some((r) => r.scope.communityId === communityId) || isCommittee(communityId)) continue
    entries.push({
      key: `merchant-apply-${communityId}`,
      title: '申请入驻',
      desc: '商家：提交证照，居委审核后可以在本小区开团',
      url: `/packageGroupbuy/pages/merchant?communityId=${communityId}`,
      primary: false,
    })
  }

  entries.push(...needEntries(me))

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
