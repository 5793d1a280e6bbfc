// Roles in the community: who holds what (grouped by role), granting a role to a resident who has linked WeChat,
// revoking, a volunteer's posts and shifts (班次), the per-type volunteer caps, and a name for a holder no household
// record names (「未登记姓名」: a committee member made at bootstrap without one). A 团长 sees the lists only.
import type { CommunityApi, Role, RoleView, StructureView, VolunteerShift, VolunteerType } from '../../../typings/api'
import { call, CloudError } from '../../services/cloud'
import { currentMe, holds } from '../../services/session'
import { confirm, toast } from '../../utils/dialog'
import { ROLE_LABELS, VOLUNTEER_LABELS, VOLUNTEER_TYPES } from '../../utils/labels'
import { pageStore } from '../../utils/store'

type LoadState = 'loading' | 'ready' | 'error'
type GrantRole = Exclude<Role, 'resident'>

/** Order of the sections, from the top of the tree down. */
const ROLE_ORDER: GrantRole[] = [
  'committee',
  'communityLead',
  'groupLead',
  'buildingLead',
  'floorLead',
  'volunteer',
  'merchant',
]
/** The order offered when granting: the everyday ones first. */
const GRANTABLE: GrantRole[] = [
  'buildingLead',
  'floorLead',
  'volunteer',
  'groupLead',
  'merchant',
  'communityLead',
  'committee',
]

interface Section {
  role: string
  title: string
  rows: { id: string; place: string; holder: string; unnamed: boolean; volunteer: boolean; shifts: string }[]
}

/** One shift being entered: times from the time pickers, the weekdays ticked (none ticked: every day). */
interface ShiftRow {
  /** Tells rows apart in the list (wx:key). */
  key: number
  from: string
  to: string
  days: { day: number; label: string; on: boolean }[]
}
type ShiftList = 'grantShifts' | 'editShifts'

const MAX_SHIFTS = 4
const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日']
let shiftKeys = 0
const shiftRow = (s?: VolunteerShift): ShiftRow => ({
  key: ++shiftKeys,
  from: s?.from ?? '08:00',
  to: s?.to ?? '12:00',
  days: WEEKDAYS.map((label, i) => ({ day: i + 1, label, on: s?.days?.includes(i + 1) ?? false })),
})

/** The rows as the function takes them, or what is wrong with one. */
function shiftsOf(rows: ShiftRow[]): { shifts?: VolunteerShift[]; error?: string } {
  const shifts: VolunteerShift[] = []
  for (const [i, r] of rows.entries()) {
    if (r.from === r.to) return { error: `第 ${i + 1} 个班次的开始和结束时间相同，请改一下` }
    const days = r.days.filter((d) => d.on).map((d) => d.day)
    shifts.push(days.length > 0 && days.length < 7 ? { from: r.from, to: r.to, days } : { from: r.from, to: r.to })
  }
  return { shifts }
}

const UNNAMED = '未登记姓名'
/** A name the committee sees and the caller (a 团长) may not. */
const NAME_HIDDEN = '姓名仅居委可见'

/** Kinds with exactly one building (one 云上 volunteer a building; a 楼栋 volunteer helps one building's doors). */
const ONE_BUILDING: readonly VolunteerType[] = ['building', 'online']

/** The buildings from one to another, inclusive, in the list's (the community's) order. */
function runBetween<T extends { id: string }>(list: readonly T[], fromId: string, toId: string): T[] {
  const a = list.findIndex((b) => b.id === fromId)
  const b = list.findIndex((x) => x.id === toId)
  return a < 0 || b < 0 ? [] : list.slice(Math.min(a, b), Math.max(a, b) + 1)
}

const runText = (on: readonly { name: string }[]) =>
  on.length === 0
    ? '还没有选负责的楼栋'
    : on.length === 1
      ? `负责 ${on[0]?.name ?? ''}`
      : `负责 ${on[0]?.name ?? ''}–${on[on.length - 1]?.name ?? ''}（${on.length} 栋）`

interface PostRow {
  id: string
  name: string
  on: boolean
}

const store = pageStore(() => ({
  roles: [] as RoleView[],
  buildings: [] as { id: string; name: string; groupId: string }[],
  groups: [] as { id: string; name: string }[],
  members: [] as { householdId: string; memberId: string; floor: number }[],
}))

function sections(roles: RoleView[]): Section[] {
  return ROLE_ORDER.map((role) => ({
    role,
    title: ROLE_LABELS[role],
    rows: roles
      .filter((r) => r.role === role)
      .map((r) => ({
        id: r.id,
        place: r.place,
        holder: r.holder ?? (r.unnamed ? UNNAMED : NAME_HIDDEN),
        unnamed: r.unnamed === true,
        volunteer: r.role === 'volunteer',
        shifts: r.role !== 'volunteer' ? '' : r.shiftsText ? `班次：${r.shiftsText}` : '班次：未设定，随时可联系',
      })),
  })).filter((s) => s.rows.length > 0)
}

const capRows = (caps: StructureView['community']['volunteerCaps']) =>
  VOLUNTEER_TYPES.map((type) => ({
    type,
    label: VOLUNTEER_LABELS[type],
    value: caps[type] === null || caps[type] === undefined ? '' : String(caps[type]),
  }))

Component({
  data: {
    state: 'loading' as LoadState,
    errorMessage: '',
    communityId: '',
    canEdit: false,
    sections: [] as Section[],
    // grant form
    buildingNames: [] as string[],
    buildingIndex: -1,
    memberState: 'idle' as 'idle' | 'loading' | 'ready' | 'error',
    memberError: '',
    memberNames: [] as string[],
    memberIndex: -1,
    roleNames: GRANTABLE.map((r) => ROLE_LABELS[r]),
    roleIndex: -1,
    role: '' as GrantRole | '',
    groupNames: [] as string[],
    groupIndex: -1,
    floorText: '',
    typeNames: VOLUNTEER_TYPES.map((t) => VOLUNTEER_LABELS[t]),
    typeIndex: -1,
    posts: [] as PostRow[],
    /** 「负责 3号–6号（4 栋）」 */
    postsRun: '',
    oneBuilding: false,
    grantShifts: [] as ShiftRow[],
    grantError: '',
    granting: false,
    // caps
    caps: [] as { type: VolunteerType; label: string; value: string }[],
    capsError: '',
    savingCaps: false,
    // a volunteer's shifts, changed
    editing: '',
    editShifts: [] as ShiftRow[],
    editError: '',
    savingShifts: false,
    // naming an unnamed holder
    naming: '',
    nameText: '',
    nameError: '',
    savingName: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ communityId: query.communityId ?? '' })
      void this.load()
    },

    async load() {
      this.setData({ state: 'loading', errorMessage: '' })
      try {
        const communityId = this.data.communityId
        const [roles, structure, me] = await Promise.all([
          call('community', 'listRoles', { communityId }, { silent: true }),
          call('community', 'structure', { communityId }, { silent: true }),
          currentMe(),
        ])
        const s = store(this)
        s.roles = roles
        s.groups = structure.groups.filter((g) => g.id).map((g) => ({ id: g.id, name: g.name }))
        s.buildings = structure.groups.flatMap((g) =>
          g.buildings.map((b) => ({ id: b.id, name: b.name, groupId: b.groupId })),
        )
        this.setData({
          state: 'ready',
          canEdit: holds(me, ['committee'], { communityId }),
          sections: sections(roles),
          buildingNames: s.buildings.map((b) => b.name),
          groupNames: s.groups.map((g) => g.name),
          caps: capRows(structure.community.volunteerCaps),
        })
      } catch (err) {
        this.setData({ state: 'error', errorMessage: err instanceof CloudError ? err.message : '加载失败，请稍后再试' })
      }
    },

    onRetry() {
      void this.load()
    },

    async onBuilding(e: WechatMiniprogram.PickerChange) {
      const buildingIndex = Number(e.detail.value)
      const s = store(this)
      const building = s.buildings[buildingIndex]
      if (!building) return
      s.members = []
      this.setData({
        buildingIndex,
        memberState: 'loading',
        memberError: '',
        memberNames: [],
        memberIndex: -1,
        grantError: '',
        groupIndex: s.groups.findIndex((g) => g.id === building.groupId),
        // A volunteer covers a run of neighbouring buildings in the community's order: every building offered, this
        // one ticked.
        posts: s.buildings.map((b) => ({ id: b.id, name: b.name, on: b.id === building.id })),
        postsRun: runText([building]),
      })
      try {
        const roster = await call('community', 'buildingRoster', { buildingId: building.id }, { silent: true })
        const people = roster.households.flatMap((h) =>
          h.members
            .filter((m) => m.linked)
            .map((m) => ({ householdId: h.id, memberId: m.id, floor: h.floor, label: `${h.label} ${m.name}` })),
        )
        s.members = people.map(({ householdId, memberId, floor }) => ({ householdId, memberId, floor }))
        this.setData({
          memberState: 'ready',
          memberNames: people.map((p) => p.label),
          memberError: people.length ? '' : '这栋楼还没有绑定微信的居民。只有加入本户、绑定了微信的居民才能担任角色。',
        })
      } catch (err) {
        this.setData({
          memberState: 'error',
          memberError: err instanceof CloudError ? err.message : '住户没有加载成功',
        })
      }
    },

    onMember(e: WechatMiniprogram.PickerChange) {
      const memberIndex = Number(e.detail.value)
      const member = store(this).members[memberIndex]
      this.setData({ memberIndex, grantError: '', ...(member ? { floorText: String(member.floor) } : {}) })
    },

    onRole(e: WechatMiniprogram.PickerChange) {
      const roleIndex = Number(e.detail.value)
      this.setData({ roleIndex, role: GRANTABLE[roleIndex] ?? '', grantError: '' })
    },

    onGroup(e: WechatMiniprogram.PickerChange) {
      this.setData({ groupIndex: Number(e.detail.value), grantError: '' })
    },

    onFloorInput(e: WechatMiniprogram.Input) {
      this.setData({ floorText: e.detail.value, grantError: '' })
    },

    onType(e: WechatMiniprogram.PickerChange) {
      const typeIndex = Number(e.detail.value)
      const building = store(this).buildings[this.data.buildingIndex]
      const type = VOLUNTEER_TYPES[typeIndex]
      // A 楼栋 or 云上 volunteer has one building: the one picked above.
      const posts =
        type && ONE_BUILDING.includes(type)
          ? this.data.posts.map((p) => ({ ...p, on: p.id === building?.id }))
          : this.data.posts
      this.setData({
        typeIndex,
        posts,
        oneBuilding: !!type && ONE_BUILDING.includes(type),
        postsRun: runText(posts.filter((p) => p.on)),
        grantError: '',
      })
    },

    /**
     * One building for a 楼栋 or 云上 volunteer (a tap moves the tick); for the others a run of neighbours: a tap
     * makes the run from the first ticked building to this one (a tap on the only one clears it).
     */
    onTogglePost(e: WechatMiniprogram.TouchEvent) {
      const index = (e.currentTarget.dataset as { index: number }).index
      const post = this.data.posts[index]
      if (!post) return
      const type = VOLUNTEER_TYPES[this.data.typeIndex]
      const on = this.data.posts.filter((p) => p.on)
      let chosen: string[]
      if (type && ONE_BUILDING.includes(type)) chosen = [post.id]
      else if (on.length === 1 && on[0]?.id === post.id) chosen = []
      else chosen = runBetween(this.data.posts, on[0]?.id ?? post.id, post.id).map((p) => p.id)
      const posts = this.data.posts.map((p) => ({ ...p, on: chosen.includes(p.id) }))
      this.setData({ posts, postsRun: runText(posts.filter((p) => p.on)), grantError: '' })
    },

    onAddShift(e: WechatMiniprogram.TouchEvent) {
      const { list } = e.currentTarget.dataset as { list: ShiftList }
      const rows = this.data[list]
      if (rows.length >= MAX_SHIFTS) return
      this.setData({ [list]: [...rows, shiftRow()], grantError: '', editError: '' })
    },

    onRemoveShift(e: WechatMiniprogram.TouchEvent) {
      const { list, index } = e.currentTarget.dataset as { list: ShiftList; index: number }
      this.setData({ [list]: this.data[list].filter((_, i) => i !== index), grantError: '', editError: '' })
    },

    onShiftTime(e: WechatMiniprogram.PickerChange) {
      const { list, index, end } = e.currentTarget.dataset as { list: ShiftList; index: number; end: 'from' | 'to' }
      this.setData({ [`${list}[${index}].${end}`]: String(e.detail.value), grantError: '', editError: '' })
    },

    onToggleDay(e: WechatMiniprogram.TouchEvent) {
      const { list, index, day } = e.currentTarget.dataset as { list: ShiftList; index: number; day: number }
      const row = this.data[list][index]
      if (!row) return
      this.setData({ [`${list}[${index}].days[${day - 1}].on`]: !row.days[day - 1]?.on })
    },

    /** The grantRole payload for the form, or the first thing still missing. */
    grantInput(): { input?: CommunityApi['grantRole']['input']; error?: string } {
      const s = store(this)
      const d = this.data
      const building = s.buildings[d.buildingIndex]
      const member = s.members[d.memberIndex]
      if (!building) return { error: '请先选择楼栋' }
      if (!member) return { error: '请选择一位居民' }
      if (!d.role) return { error: '请选择角色' }
      const base = {
        communityId: d.communityId,
        householdId: member.householdId,
        memberId: member.memberId,
        role: d.role,
      }
      switch (d.role) {
        case 'buildingLead':
          return { input: { ...base, buildingId: building.id } }
        case 'floorLead': {
          const floor = Number(d.floorText)
          if (d.floorText.trim() === '' || !Number.isInteger(floor)) return { error: '请填写负责的楼层，例如 3' }
          return { input: { ...base, buildingId: building.id, floor } }
        }
        case 'groupLead': {
          const group = s.groups[d.groupIndex]
          if (!group) return { error: '请选择负责的营' }
          return { input: { ...base, groupId: group.id } }
        }
        case 'volunteer': {
          const type = VOLUNTEER_TYPES[d.typeIndex]
          if (!type) return { error: '请选择志愿者类型' }
          const posts = d.posts.filter((p) => p.on).map((p) => p.id)
          if (type === 'building' && posts.length !== 1) return { error: '楼栋志愿者请选一栋负责的楼' }
          if (type === 'online' && posts.length !== 1) return { error: '云上志愿者每栋楼一位，请选一栋负责的楼' }
          const { shifts, error } = shiftsOf(d.grantShifts)
          if (!shifts) return { error }
          return { input: { ...base, volunteerType: type, posts, ...(shifts.length ? { shifts } : {}) } }
        }
        default:
          return { input: base }
      }
    },

    async onGrant() {
      if (this.data.granting) return
      const { input, error } = this.grantInput()
      if (!input) {
        this.setData({ grantError: error ?? '' })
        return
      }
      this.setData({ granting: true, grantError: '' })
      try {
        const granted = await call('community', 'grantRole', input)
        const s = store(this)
        s.roles = [...s.roles.filter((r) => r.id !== granted.id), granted]
        this.setData({
          sections: sections(s.roles),
          memberIndex: -1,
          roleIndex: -1,
          role: '',
          typeIndex: -1,
          grantShifts: [],
        })
        toast('已授予')
      } catch {
        // VOLUNTEER_CAP_REACHED, ROLE_EXISTS, NOT_LINKED…: shown in a dialog
      } finally {
        this.setData({ granting: false })
      }
    },

    onEditShifts(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      const role = store(this).roles.find((r) => r.id === id)
      this.setData({ editing: id, editShifts: (role?.shifts ?? []).map(shiftRow), editError: '' })
    },

    onEditCancel() {
      this.setData({ editing: '', editShifts: [], editError: '' })
    },

    async onSaveShifts() {
      if (this.data.savingShifts || !this.data.editing) return
      const { shifts, error } = shiftsOf(this.data.editShifts)
      if (!shifts) {
        this.setData({ editError: error ?? '' })
        return
      }
      this.setData({ savingShifts: true, editError: '' })
      try {
        const changed = await call(
          'community',
          'setVolunteerPost',
          { roleId: this.data.editing, shifts },
          { silent: true },
        )
        const s = store(this)
        s.roles = s.roles.map((r) => (r.id === this.data.editing ? changed : r))
        this.setData({ sections: sections(s.roles), editing: '', editShifts: [] })
        toast('已保存')
      } catch (err) {
        this.setData({ editError: err instanceof CloudError ? err.message : '没有保存成功，请稍后再试' })
      } finally {
        this.setData({ savingShifts: false })
      }
    },

    onName(e: WechatMiniprogram.TouchEvent) {
      const { id } = e.currentTarget.dataset as { id: string }
      this.setData({ naming: id, nameText: '', nameError: '' })
    },

    onNameInput(e: WechatMiniprogram.Input) {
      this.setData({ nameText: e.detail.value, nameError: '' })
    },

    onNameCancel() {
      this.setData({ naming: '', nameText: '', nameError: '' })
    },

    async onNameSave() {
      if (this.data.savingName || !this.data.naming) return
      const name = this.data.nameText.replace(/\s+/g, '')
      if (!name || !/[\p{L}\p{N}]/u.test(name) || [...name].length > 20) {
        this.setData({ nameError: '请填写这位的姓名（最多 20 个字）' })
        return
      }
      this.setData({ savingName: true, nameError: '' })
      try {
        const named = await call('community', 'setRoleHolderName', { roleId: this.data.naming, name }, { silent: true })
        const s = store(this)
        s.roles = s.roles.map((r) => (r.id === named.id ? named : r))
        this.setData({ sections: sections(s.roles), naming: '', nameText: '' })
        toast('已保存')
      } catch (err) {
        this.setData({ nameError: err instanceof CloudError ? err.message : '没有保存成功，请稍后再试' })
      } finally {
        this.setData({ savingName: false })
      }
    },

    async onRevoke(e: WechatMiniprogram.TouchEvent) {
      const { id, place, holder } = e.currentTarget.dataset as { id: string; place: string; holder: string }
      const who = holder === UNNAMED || holder === NAME_HIDDEN ? '这位' : holder
      const yes = await confirm('撤销角色', `撤销 ${who} 的「${place}」？撤销后对方立即失去这个角色的权限。`, '撤销')
      if (!yes) return
      try {
        await call('community', 'revokeRole', { roleId: id })
        const s = store(this)
        s.roles = s.roles.filter((r) => r.id !== id)
        this.setData({ sections: sections(s.roles) })
        toast('已撤销')
      } catch {
        // shown in a dialog
      }
    },

    onCapInput(e: WechatMiniprogram.Input) {
      const index = (e.currentTarget.dataset as { index: number }).index
      this.setData({ [`caps[${index}].value`]: e.detail.value, capsError: '' })
    },

    async onSaveCaps() {
      if (this.data.savingCaps) return
      const caps: Partial<Record<VolunteerType, number | null>> = {}
      for (const c of this.data.caps) {
        const text = c.value.trim()
        const n = Number(text)
        if (text !== '' && (!Number.isInteger(n) || n < 0 || n > 1000)) {
          this.setData({ capsError: `「${c.label}」请填 0 到 1000 的整数，不限人数请留空` })
          return
        }
        caps[c.type] = text === '' ? null : n
      }
      this.setData({ savingCaps: true })
      try {
        const community = await call('community', 'setVolunteerCaps', { communityId: this.data.communityId, caps })
        this.setData({ caps: capRows(community.volunteerCaps) })
        toast('已保存')
      } catch {
        // shown in a dialog
      } finally {
        this.setData({ savingCaps: false })
      }
    },

    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
  },
})
