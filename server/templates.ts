// Subscription-message templates. The ids are the ones the pages ask the user to accept, from the one copy in
// miniprogram/shared/constants.ts (bundled into each function at build time), so the two cannot differ.
// Fields each template is sent with:
// - joinRequest (to building leads): thing1 申请住户, time2 申请时间, thing3 提示
// - joinResult (to the applicant): phrase1 审核结果, thing2 住户, time3 审核时间
// - roundOpened (to leads and subscribed residents): thing1 检测, time2 截止时间, thing3 说明
// - antigenReminder (to non-submitters): thing1 检测, time2 截止时间
// - abnormal (to the building's leads and the committee): thing1 住户, time2 提交时间, thing3 提示
// - reopened (to the building's leads): thing1 楼栋, thing2 住户, time3 时间
// - buyOpening (to subscribed residents and leads in scope): thing1 团购, time2 开团时间, thing3 说明
// - buyUpdate (to households with an order): thing1 团购, phrase2 状态, thing3 说明
// - orderForYou (to the household's members): thing1 团购, thing2 住户, name3 下单人, thing4 内容
// - merchantResult (to the applicant): phrase1 审核结果, thing2 商家, thing3 说明
// - relayTasks (to a volunteer): thing1 配送, thing2 任务, time3 时间, thing4 说明
// - relayArrived (to a building's door team): thing1 配送, thing2 楼栋, time3 到达时间, thing4 说明
// - delivered (to the household and its orderer): thing1 物资, thing2 送达情况, time3 送达时间
// - relayAlert (to the committee and leads): thing1 配送, thing2 提醒, time3 时间
// - relayProblem (to the building's leads and the merchant): thing1 配送, thing2 住户, phrase3 问题, thing4 说明
// - callup (to the residents and leads of the called buildings): thing1 检测, thing2 叫号楼栋, time3 叫号时间, thing4 提示
// - careDue (to leads and care volunteers on shift, mornings): thing1 事项, number2 逾期人数, thing3 说明
// - careAlert (to the building's leads and the committee): thing1 住户, thing2 情况, time3 时间
// - needNew (to the level that must answer a need): thing1 需求, thing2 住户, time3 登记时间, thing4 说明
// - needUpdate (to the household): thing1 需求, phrase2 状态, thing3 说明
export { TEMPLATE_IDS as TEMPLATES } from '../miniprogram/shared/constants'
// Field limits (thing ≤ 20 characters, phrase ≤ 5 Chinese characters, …) are applied by the push queue to every
// message it is handed (checkFields in server/platform/pushqueue.ts).
