// npm run import -- <file> --community <id> [--create-buildings] [--dry-run] [--export <out.xlsx>]
//                   [--localcloud http://127.0.0.1:8787 | --env <envId>] [--chunk 300]
// The committee's household ledger from .xlsx/.csv into a community, with the same preview → commit loop as
// the community function, on localcloud by default or on a CloudBase environment with --env (credentials
// from TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isAppError } from '../server/kernel/errors'
import type { ImportBuildingSpelling, ImportProgress } from '../typings/api'
import { connect, DEFAULT_LOCALCLOUD, type Output, UsageError } from './lib/connect'
import {
  buildLedgerExport,
  COMMIT_CHUNK,
  commitImport,
  previewImport,
  rowList,
  type LedgerPreview,
} from '../server/ledger'
import { readCommandLine, readFlags } from './lib/args'

export const USAGE = `用法 usage: npm run import -- <台账.xlsx|.csv> --community <小区ID> [--create-buildings] [--dry-run]
                         [--export <导出.xlsx>] [--localcloud http://127.0.0.1:8787 | --env <环境ID>] [--chunk 300]
  不写 <文件> 而只写 --export 时只导出台账。`

export interface ImportCliOptions {
  file?: string
  community: string
  createBuildings: boolean
  dryRun: boolean
  exportTo?: string
  localcloud: string
  env?: string
  chunk: number
  help: boolean
}

export function parseArgs(argv: readonly string[]): ImportCliOptions {
  const f = readFlags(
    argv,
    {
      community: 'value',
      'create-buildings': 'switch',
      'dry-run': 'switch',
      export: 'value',
      localcloud: 'value',
      env: 'value',
      chunk: 'value',
    },
    1,
  )
  const opts: ImportCliOptions = {
    community: f.values.community ?? '',
    createBuildings: f.switches.has('create-buildings'),
    dryRun: f.switches.has('dry-run'),
    localcloud: (f.values.localcloud ?? DEFAULT_LOCALCLOUD).replace(/\/+$/, ''),
    chunk: COMMIT_CHUNK,
    help: f.help,
  }
  if (f.positionals[0] !== undefined) opts.file = f.positionals[0]
  if (f.values.export !== undefined) opts.exportTo = f.values.export
  if (f.values.env !== undefined) opts.env = f.values.env
  if (f.values.chunk !== undefined) {
    const n = Number(f.values.chunk)
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError('--chunk 应为 1–1000 的整数')
    opts.chunk = n
  }
  if (!opts.help && !opts.community) throw new UsageError('请用 --community 指定小区 ID')
  if (!opts.help && !opts.file && !opts.exportTo) throw new UsageError('请指定要导入的表格文件，或用 --export 导出台账')
  return opts
}

export type { Output }

const spelled = (s: ImportBuildingSpelling) => `「${s.text}」（${rowList(s.rows, s.count)}）`

/** Why rows of one building were read as one (and the name it gets), and look-alike names kept apart. */
export function buildingSpellingLines(p: LedgerPreview): string[] {
  const lines: string[] = []
  for (const b of p.newBuildingSpellings ?? [])
    if (b.spellings.length > 1)
      lines.push(
        `  新建「${b.name}」：表格中写作${b.spellings.map(spelled).join('、')}，是同一栋的不同写法；` +
          `名称取用得最多的「${b.name}」`,
      )
  for (const b of p.matchedSpellings ?? [])
    lines.push(`按已有楼栋「${b.name}」导入（名称不变）：表格中写作${b.spellings.map(spelled).join('、')}`)
  for (const w of p.buildingWarnings ?? []) lines.push(`注意：${w.message}`)
  return lines
}

function printPreview(p: LedgerPreview, out: Output): void {
  out.log(
    `预览：${p.rows} 行，${p.households} 户，${p.residents} 人；新增 ${p.newHouseholds} 户，更新 ${p.updatedHouseholds} 户，` +
      `不变 ${p.unchangedHouseholds} 户`,
  )
  if (p.newBuildings.length > 0) out.log(`将新建 ${p.newBuildings.length} 个楼栋：${p.newBuildings.join('、')}`)
  for (const line of buildingSpellingLines(p)) out.log(line)
  for (const k of p.keptMembers)
    out.log(`保留：${k.building} ${k.room} 的「${k.name}」已绑定微信，表格中没有此人，导入不会删除`)
  for (const e of p.errors) out.error(`第 ${e.row} 行：${e.reason}`)
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const MAX_RETRIES = 3

export async function run(
  argv: readonly string[],
  out: Output = { log: console.log, error: console.error },
): Promise<number> {
  const opts = readCommandLine(argv, parseArgs, USAGE, out)
  if (typeof opts === 'number') return opts
  try {
    const data = await connect(opts, out)
    if (!(await data.get('communities', opts.community))) {
      out.error(`找不到小区 ${opts.community}`)
      out.error(
        `新小区请先运行 npm run bootstrap -- --community ${opts.community} --name <小区名> --committee <居委管理员 openid>` +
          `${opts.env ? ` --env ${opts.env}` : ''}`,
      )
      return 1
    }
    if (opts.file) {
      if (!fs.existsSync(opts.file)) throw new UsageError(`找不到文件 ${opts.file}`)
      const bytes = fs.readFileSync(opts.file)
      const started = performance.now()
      const preview = await previewImport(data, {
        communityId: opts.community,
        fileName: path.basename(opts.file),
        bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        createBuildings: opts.createBuildings,
        createdBy: `cli:${os.userInfo().username}`,
        dryRun: opts.dryRun,
      })
      printPreview(preview, out)
      out.log(`导入记录 ${preview.importId}（预览用时 ${((performance.now() - started) / 1000).toFixed(1)} 秒）`)
      if (!preview.ready) {
        out.error(`表格中有 ${preview.errors.length} 处错误，未写入台账。请改正后重新导入`)
        return 1
      }
      if (opts.dryRun) {
        out.log('只预览（--dry-run）：只写入了导入记录，台账未改动')
      } else {
        const committing = performance.now()
        let failures = 0
        for (;;) {
          let p: ImportProgress
          try {
            p = await commitImport(data, preview.importId, { chunkSize: opts.chunk })
          } catch (err) {
            if (isAppError(err)) throw err
            // A dropped connection: the commit is resumable, so the same call is simply made again.
            p = { importId: preview.importId, status: 'committing', done: 0, total: 0, message: String(err) }
          }
          if (p.status === 'committed') {
            out.log(`导入完成：写入 ${p.total} 户（用时 ${((performance.now() - committing) / 1000).toFixed(1)} 秒）`)
            break
          }
          if (p.status !== 'committing' || (p.message && ++failures > MAX_RETRIES)) {
            out.error(`导入未完成：${p.message ?? p.status}`)
            out.error(`已写入 ${p.done}/${p.total} 户；可再次运行继续，或在小程序中撤销导入 ${preview.importId}`)
            return 1
          }
          if (p.message) {
            out.error(`${p.message}（第 ${failures} 次重试）`)
            await sleep(500 * failures)
          } else {
            failures = 0
            out.log(`写入 ${p.done}/${p.total} 户`)
          }
        }
      }
    }
    if (opts.exportTo) {
      const exported = await buildLedgerExport(data, opts.community)
      fs.writeFileSync(opts.exportTo, exported.buffer)
      out.log(`已导出 ${exported.households} 户、${exported.residents} 人到 ${opts.exportTo}`)
    }
    return 0
  } catch (err) {
    if (err instanceof UsageError || isAppError(err)) out.error(err.message)
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
