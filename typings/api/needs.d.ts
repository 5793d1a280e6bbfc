/**
 * Needs (需求登记): a resident's request, routed to their building's 云上 volunteer and escalated 班长 → 营长 → 团长 →
 * 居委 when nobody answers in time. The shared vocabulary is here; the actions (NeedsApi) are added below it.
 */

/** 买药 / 就医 / 买菜 / 燃气充值 / 外出 / 心理疏导 / 其他 */
export type NeedType = 'medicine' | 'medical' | 'groceries' | 'gas' | 'outing' | 'psych' | 'other'

/** 紧急 / 较急 / 一般 */
export type NeedUrgency = 'urgent' | 'soon' | 'normal'

/**
 * 待接单 / 已接单 / 已办结 / 已上报 (escalated: nobody answered in time, it moved up a level and is still open) /
 * 已取消
 */
export type NeedStatus = 'new' | 'taken' | 'done' | 'escalated' | 'cancelled'

/** Who must answer it now: the building's 云上 volunteer, then 班长 (building lead), 营长, 团长, 居委. */
export type NeedLevel = 'online' | 'building' | 'group' | 'community' | 'committee'
