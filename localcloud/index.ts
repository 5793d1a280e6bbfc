// localcloud: a local CloudBase emulator that wx-server-sdk and @cloudbase/node-sdk talk to unmodified.
export { startLocalCloud } from './src/server'
export type { LocalCloud, LocalCloudOptions } from './src/server'
export type { CallRecord, DbStats } from './src/stats'
export type { OutboxMessage, WxaCodeRequest } from './src/openapi'
export type { FaultConfig } from './src/faults'
export { loadRulesDir, RuleSet, RuleSyntaxError } from './src/rules'
export type { CollectionRule, Rules, StorageRule } from './src/rules'
