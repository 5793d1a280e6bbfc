// npm start [-- --port <p>]: build, then run the product locally on localcloud (durable data in .localcloud/)
// with the product's functions and collections, and print where to look.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { startLocalCloud } from '../localcloud'
import { parseArgs } from '../localcloud/cli'
import { COLLECTIONS } from '../server/collections'
import { ROOT } from './lib/paths'

// CloudBase runs functions in UTC; so does the emulator process that hosts them.
process.env.TZ = 'UTC'

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  const build = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/build.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
  })
  if (build.status !== 0) process.exit(build.status ?? 1)

  const cloud = await startLocalCloud({
    ...opts,
    functionsDir: opts.functionsDir ?? path.join(ROOT, 'cloudfunctions'),
    collections: [...COLLECTIONS, ...(opts.collections ?? [])],
  })
  console.log(`
邻里接力 本地环境已启动 / running locally
  检查器 inspector      ${cloud.url}/
  云函数 functions      POST ${cloud.url}/functions/<name>   (header x-wx-openid: <openid>)
                        例 e.g. curl -s -X POST ${cloud.url}/functions/community -H 'x-wx-openid: demo' -d '{"action":"whoami"}'
  SDK 端点 endpoint     ${cloud.serviceUrl}
  数据 data             ${opts.dataDir ?? '内存 in memory'}
按 Ctrl+C 停止 / Ctrl+C to stop.`)
  const stop = async () => {
    await cloud.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
