// npm run bootstrap -- --community <id> --name <小区名> --committee <openid> [--committee-name <姓名>]
//                      [--district <街道>] [--localcloud http://127.0.0.1:8787 | --env <envId>]
// Creates a community and its first committee member (server/community/bootstrap.ts), on localcloud by default or on a
// CloudBase environment with --env (credentials from TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY). Running it
// again with the same arguments changes nothing.
import { bootstrapCommunity, type BootstrapInput } from '../server/community/bootstrap'
import { isAppError } from '../server/kernel/errors'
import { connect, DEFAULT_LOCALCLOUD, type Output, UsageError } from './lib/connect'
import { readCommandLine, readFlags } from './lib/args'

export const USAGE = `用法 usage: npm run bootstrap -- --community <小区ID> --name <小区名> --committee <openid>
                            [--committee-name <姓名>] [--district <街道>]
                            [--localcloud http://127.0.0.1:8787 | --env <环境ID>]
  新建小区和它的第一位居委管理员（之后的角色都在小程序「角色管理」中授予）。同样的参数再运行一次不会改动任何数据。`

export interface BootstrapCliOptions extends BootstrapInput {
  localcloud: string
  env?: string
  help: boolean
}

export function parseArgs(argv: readonly string[]): BootstrapCliOptions {
  const f = readFlags(argv, {
    community: 'value',
    name: 'value',
    committee: 'value',
    'committee-name': 'value',
    district: 'value',
    localcloud: 'value',
    env: 'value',
  })
  const opts: BootstrapCliOptions = {
    communityId: f.values.community ?? '',
    name: f.values.name ?? '',
    committee: f.values.committee ?? '',
    localcloud: (f.values.localcloud ?? DEFAULT_LOCALCLOUD).replace(/\/+$/, ''),
    help: f.help,
  }
  if (f.values['committee-name'] !== undefined) opts.committeeName = f.values['committee-name']
  if (f.values.district !== undefined) opts.district = f.values.district
  if (f.values.env !== undefined) opts.env = f.values.env
  if (opts.help) return opts
  if (!opts.communityId) throw new UsageError('请用 --community 指定新小区的 ID')
  if (!opts.name) throw new UsageError('请用 --name 指定小区名')
  if (!opts.committee) throw new UsageError('请用 --committee 指定第一位居委管理员的 openid')
  return opts
}

const MISSING_COLLECTION = /collection.*not.*exist|not.*exist.*collection|COLLECTION_NOT_EXIST/i

export async function run(
  argv: readonly string[],
  out: Output = { log: console.log, error: console.error },
): Promise<number> {
  const opts = readCommandLine(argv, parseArgs, USAGE, out)
  if (typeof opts === 'number') return opts
  try {
    const data = await connect(opts, out)
    const input: BootstrapInput = { communityId: opts.communityId, name: opts.name, committee: opts.committee }
    if (opts.committeeName !== undefined) input.committeeName = opts.committeeName
    if (opts.district !== undefined) input.district = opts.district
    const r = await bootstrapCommunity(data, input)
    out.log(
      r.community === 'created'
        ? `已新建小区「${input.name.trim()}」（${r.communityId}）`
        : `小区「${input.name.trim()}」（${r.communityId}）已存在，未改动`,
    )
    out.log(
      r.committee === 'created'
        ? `已添加居委管理员 ${input.committee}（角色 ${r.roleId}）`
        : `${input.committee} 已是居委管理员（角色 ${r.roleId}），未改动`,
    )
    if (r.community === 'unchanged' && r.committee === 'unchanged') out.log('数据与参数一致，没有写入任何数据')
    for (const id of r.ignored)
      out.error(`注意：roles 中的记录 ${id} 缺少顶层 communityId，不会生效（小程序不会把它当作居委管理员），可以删除`)
    if (r.committee === 'created')
      out.log(
        `下一步：npm run import -- <台账.xlsx> --community ${r.communityId} --create-buildings` +
          `${opts.env ? ` --env ${opts.env}` : ''}；之后的角色在小程序「角色管理」中授予`,
      )
    return 0
  } catch (err) {
    if (err instanceof UsageError || isAppError(err)) out.error(err.message)
    else if (err instanceof Error && MISSING_COLLECTION.test(err.message))
      out.error(`数据库缺少集合：请先在云开发控制台创建 server/collections.ts 列出的全部集合（${err.message}）`)
    else out.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
    return isAppError(err) ? 1 : 2
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err)
      process.exit(2)
    },
  )
}
