// npm start [-- --port <p>] [--no-demo]: build, then run the product locally on localcloud (durable data in
// .localcloud/) with the product's functions and collections, load the demo communities into an empty database,
// and print where to look.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { loadRulesDir, startLocalCloud } from '../localcloud'
import { parseArgs } from '../localcloud/cli'
import { COLLECTIONS } from '../server/collections'
import { formatShanghai } from '../server/kernel/time'
import { demoDataset } from './demo/generate'
import { isEmpty, loadDataset, platformNow } from './demo/load'
import { ROOT } from './lib/paths'
import { PREVIEW_OUT } from '../preview/build'
import { demoIdentities } from '../preview/identities'
import { startPreview } from '../preview/server'

// CloudBase runs functions in UTC; so does the emulator process that hosts them.
process.env.TZ = 'UTC'

async function main() {
  const argv = process.argv.slice(2)
  const demo = !argv.includes('--no-demo')
  const previewAt = argv.indexOf('--preview-port')
  const previewPort = previewAt >= 0 ? Number(argv[previewAt + 1]) : undefined
  const rest = argv.filter((a, i) => a !== '--no-demo' && i !== previewAt && (previewAt < 0 || i !== previewAt + 1))
  const opts = parseArgs(rest)
  const build = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/build.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
  })
  if (build.status !== 0) process.exit(build.status ?? 1)

  const cloud = await startLocalCloud({
    ...opts,
    functionsDir: opts.functionsDir ?? path.join(ROOT, 'cloudfunctions'),
    collections: [...COLLECTIONS, ...(opts.collections ?? [])],
    // The client routes enforce the security rules deployed with the product (rules/, npm run rules).
    rules: opts.rules ?? loadRulesDir(path.join(ROOT, 'rules')),
  })
  const cloudPort = Number(new URL(cloud.url).port)
  const previewOptions = { cloudUrl: cloud.url, dir: PREVIEW_OUT, identities: demoIdentities }
  const wanted = previewPort ?? (cloudPort ? cloudPort + 1 : 0)
  // The preview is a convenience: a port in use moves it to a free one rather than stopping the product.
  const preview = await startPreview({ ...previewOptions, port: wanted }).catch(async (err: unknown) => {
    console.error(
      `预览端口 ${wanted} 不可用 preview port unavailable (${err instanceof Error ? err.message : String(err)}); 改用空闲端口 using a free one`,
    )
    return startPreview({ ...previewOptions, port: 0 })
  })
  console.log(`
邻里接力 本地环境已启动 / running locally
  开发预览 preview      ${preview.url}/   (浏览器中的小程序页面，可切换示范身份 the mini-program in a browser, as any demo person)
  检查器 inspector      ${cloud.url}/
  云函数 functions      POST ${cloud.url}/functions/<name>   (header x-wx-openid: <openid>)
  客户端 client         POST ${cloud.url}/client/database, /client/storage/…   (按 rules/ 的安全规则 enforcing rules/)
                        例 e.g. curl -s -X POST ${cloud.url}/functions/community -H 'x-wx-openid: demo-lead-1' -d '{"action":"whoami"}'
  SDK 端点 endpoint     ${cloud.serviceUrl}
  数据 data             ${opts.dataDir ?? '内存 in memory'}
按 Ctrl+C 停止 / Ctrl+C to stop.`)
  const stop = async () => {
    await preview.stop()
    await cloud.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
  if (demo) await loadDemoIfEmpty(cloud.url, cloud.env)
}

async function loadDemoIfEmpty(url: string, env: string): Promise<void> {
  try {
    // Data already there (a restart, even on a later day) stays as it is: the live round closes at its deadline
    // through the antigen timer like any round.
    if (!(await isEmpty(url))) return
    const started = performance.now()
    const dataset = demoDataset({ now: await platformNow(url), storageEnv: env })
    const generated = Math.round(performance.now() - started)
    const { documents, files, ms } = await loadDataset(url, dataset)
    const names = dataset.summaries.map((s) => s.name).join('、')
    const who = ['demo-committee-1', 'demo-lead-1', 'demo-resident-1', 'demo-elderly-1'].join(' / ')
    const live = dataset.summaries[0]?.rounds[0]
    const round = live
      ? `; 抗原检测进行中 antigen round open: ${live.submitted}/${live.expected} 户已报, 截止 ${formatShanghai(live.deadline, 'M月D日 HH:mm')}`
      : ''
    console.log(
      `数据库为空，已载入示范小区 demo data loaded: ${names} (${documents} docs, ${files} photos; generated in ${generated} ms, imported in ${ms} ms${round}); try x-wx-openid ${who} — see ${url}/ and docs/demo.md (--no-demo to skip)`,
    )
  } catch (err) {
    // The product runs without demo data; say why it is missing and keep going.
    console.error(`示范数据未载入 demo data not loaded: ${err instanceof Error ? err.message : String(err)}`)
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
