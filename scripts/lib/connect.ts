// The database a command-line script works on: the local emulator (localcloud) by default, or a CloudBase
// environment with --env and credentials from TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY. Both go through
// @cloudbase/node-sdk, adapted to the shape `Data` expects.
import { init } from '@cloudbase/node-sdk'
import { CLOCK_OFFSET_ENV } from '../../server/kernel/clock'
import { Data } from '../../server/kernel/db'
import { nodeSdkDatabase } from './node-sdk-database'

export const DEFAULT_LOCALCLOUD = 'http://127.0.0.1:8787'

/** A wrong command line or an unreachable environment: the scripts print it with their usage and exit 2. */
export class UsageError extends Error {}

export interface Output {
  log(line: string): void
  error(line: string): void
}

export interface Target {
  /** CloudBase environment id; without it, localcloud at `localcloud`. */
  env?: string
  localcloud: string
}

/** The API keys a CloudBase environment is reached with (TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY). */
export function cloudCredentials(): { secretId: string; secretKey: string } {
  const secretId = process.env.TENCENTCLOUD_SECRETID
  const secretKey = process.env.TENCENTCLOUD_SECRETKEY
  if (!secretId || !secretKey)
    throw new UsageError('连接云开发环境需要环境变量 TENCENTCLOUD_SECRETID 和 TENCENTCLOUD_SECRETKEY')
  return { secretId, secretKey }
}

/** Database of the environment: localcloud through the SDK's own endpoint override, or a real one. */
export async function connect(target: Target, out: Output): Promise<Data> {
  if (target.env) {
    const { secretId, secretKey } = cloudCredentials()
    out.log(`连接云开发环境 ${target.env}`)
    return new Data(nodeSdkDatabase(init({ env: target.env, secretId, secretKey }).database()))
  }
  let env = 'local'
  try {
    const res = await fetch(`${target.localcloud}/__admin/health`)
    env = ((await res.json()) as { env?: string }).env ?? env
  } catch {
    throw new UsageError(
      `无法连接本地云开发模拟器 ${target.localcloud}，请先运行 npm start（或用 --localcloud 指定地址）`,
    )
  }
  // The SDK reads its endpoint and (any) keys from the environment, as localcloud/spawn.ts useLocalCloudSdk does.
  Object.assign(process.env, {
    TENCENTCLOUD_SECRETID: 'localcloud',
    TENCENTCLOUD_SECRETKEY: 'localcloud',
    TENCENTCLOUD: 'true',
    SILENCE: 'true',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${target.localcloud}/admin` }),
  })
  // What this script writes is dated by the emulated platform's clock, as the functions there date theirs.
  const clock = (await (await fetch(`${target.localcloud}/__admin/clock`)).json()) as { offsetMs?: unknown }
  if (typeof clock.offsetMs === 'number' && clock.offsetMs !== 0) process.env[CLOCK_OFFSET_ENV] = String(clock.offsetMs)
  out.log(`连接本地云开发模拟器 ${target.localcloud}（环境 ${env}）`)
  return new Data(nodeSdkDatabase(init({ env }).database()))
}
