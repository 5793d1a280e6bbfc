// 钟楼新村's livelihood registers (民生底账), as the product would have left them: the committee installed the starter
// set (server/registers/starter.ts, the same ids and fields installStarterSet writes) a few days ago, and the
// special-population registers hold the households the ledger flags (独居老人, 行动不便, 慢性病, 孕产妇, 婴幼儿), a
// few of each building's; 配药需求 and 燃气充值服务 hold a handful of requests. Written as addRegisterEntry writes them.
import { createHash } from 'node:crypto'
import type { RegisterValue, ResidentFlag } from '../../typings/api'
import type { BuildingDoc, HouseholdDoc, MemberDoc } from '../../server/community/model'
import type { RegisterEntryDoc, RegisterStampDoc, RegisterTypeDoc } from '../../server/registers/model'
import { editFields } from '../../server/registers/rules'
import { STARTER_SET, starterTypeId } from '../../server/registers/starter'
import { inShanghai } from '../../server/kernel/time'

export interface RegistersDemoInput {
  communityId: string
  buildings: readonly BuildingDoc[]
  households: readonly HouseholdDoc[]
  committee: { openid: string; name: string }
  now: number
}

/** Entries per flagged register at most (the demo stays quick to load). */
const PER_REGISTER = 40

const DAY_MS = 86_400_000
const entryId = (typeId: string, householdId: string, memberId: string) =>
  `re_${createHash('sha256').update(`${typeId}\u0000demo\u0000${householdId}\u0000${memberId}`).digest('hex').slice(0, 24)}`

export function demoRegisters(input: RegistersDemoInput): { types: RegisterTypeDoc[]; entries: RegisterEntryDoc[] } {
  const installed: RegisterStampDoc = {
    at: new Date(input.now - 5 * DAY_MS),
    openid: input.committee.openid,
    name: input.committee.name,
  }
  const types = STARTER_SET.map((s, order): RegisterTypeDoc => {
    const { fields, nextField } = editFields([], s.fields, 1)
    const t: RegisterTypeDoc = {
      _id: starterTypeId(input.communityId, s.key),
      communityId: input.communityId,
      name: s.name,
      description: s.description,
      order,
      starter: s.key,
      fields,
      nextField,
      created: installed,
      updated: installed,
    }
    if (s.needType) t.needType = s.needType
    return t
  })
  const byKey = new Map(types.map((t) => [t.starter as string, t]))
  const order = new Map(input.buildings.map((b) => [b._id, b.order]))
  const field = (t: RegisterTypeDoc, label: string) => t.fields.find((f) => f.label === label)?.id as string
  const day = (daysAgo: number) => inShanghai(input.now - daysAgo * DAY_MS).format('YYYY-MM-DD')

  const entries: RegisterEntryDoc[] = []
  const add = (key: string, h: HouseholdDoc, m: MemberDoc, values: Record<string, RegisterValue>, n: number) => {
    const t = byKey.get(key) as RegisterTypeDoc
    const person = t.fields.find((f) => f.kind === 'member')
    entries.push({
      _id: entryId(t._id, h._id, m.id),
      communityId: input.communityId,
      typeId: t._id,
      groupId: h.groupId,
      buildingId: h.buildingId,
      floor: h.floor,
      householdId: h._id,
      room: h.room,
      buildingOrder: order.get(h.buildingId) ?? 0,
      memberIds: person ? [m.id] : [],
      values: { ...(person ? { [person.id]: m.id } : {}), ...values },
      created: { ...installed, at: new Date(input.now - (4 - (n % 4)) * DAY_MS) },
    })
  }

  const flagged = (flag: ResidentFlag) =>
    input.households.flatMap((h) => h.members.filter((m) => m.flags.includes(flag)).map((m) => ({ h, m })))
  const take = <T>(list: T[]) => list.slice(0, PER_REGISTER)

  const alone = byKey.get('alone') as RegisterTypeDoc
  take(flagged('alone')).forEach(({ h, m }, n) =>
    add(
      'alone',
      h,
      m,
      { [field(alone, '身体状况')]: ['良好', '一般', '较差'][n % 3] as string, [field(alone, '联系频次')]: '每日' },
      n,
    ),
  )
  const mobility = byKey.get('mobility') as RegisterTypeDoc
  take(flagged('mobility')).forEach(({ h, m }, n) =>
    add(
      'mobility',
      h,
      m,
      {
        [field(mobility, '情况')]: ['卧床', '轮椅', '行走困难'][n % 3] as string,
        [field(mobility, '需要上门')]: ['送物资', '核酸采样'],
      },
      n,
    ),
  )
  const chronic = byKey.get('chronic') as RegisterTypeDoc
  take(flagged('chronic')).forEach(({ h, m }, n) =>
    add(
      'chronic',
      h,
      m,
      { [field(chronic, '病种')]: [['高血压'], ['糖尿病'], ['高血压', '心脏病']][n % 3] as string[] },
      n,
    ),
  )
  const pregnant = byKey.get('pregnant') as RegisterTypeDoc
  take(flagged('pregnant')).forEach(({ h, m }, n) =>
    add('pregnant', h, m, { [field(pregnant, '预产期')]: day(-60 - n) }, n),
  )
  const infant = byKey.get('infant') as RegisterTypeDoc
  take(flagged('infant')).forEach(({ h, m }, n) =>
    add('infant', h, m, { [field(infant, '需要物资')]: ['奶粉', '尿布'] }, n),
  )
  const medicine = byKey.get('medicine') as RegisterTypeDoc
  flagged('chronic')
    .slice(0, 6)
    .forEach(({ h, m }, n) =>
      add(
        'medicine',
        h,
        m,
        {
          [field(medicine, '药品名称')]: ['硝苯地平缓释片', '二甲双胍', '阿司匹林肠溶片'][n % 3] as string,
          [field(medicine, '数量')]: '2盒',
          [field(medicine, '状态')]: ['待配', '已配', '已送达'][n % 3] as string,
        },
        n,
      ),
    )
  const gas = byKey.get('gas') as RegisterTypeDoc
  flagged('elderly')
    .slice(0, 5)
    .forEach(({ h, m }, n) =>
      add(
        'gas',
        h,
        m,
        {
          [field(gas, '燃气卡')]: 'IC卡',
          [field(gas, '充值金额（元）')]: 100 + 50 * (n % 3),
          [field(gas, '登记日期')]: day(n % 3),
          [field(gas, '状态')]: n % 2 ? '已充值' : '待充值',
        },
        n,
      ),
    )
  // One entry per household and member of a register (the ids say so): drop a repeat of a member with two flags.
  const seen = new Set<string>()
  return { types, entries: entries.filter((e) => (seen.has(e._id) ? false : (seen.add(e._id), true))) }
}
