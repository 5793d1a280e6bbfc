// npm run localcloud -- --port <p> [--data <dir> | --memory] [--functions <dir>] [--collections <file.json>]
//                       [--env <name>] [--no-timers] [--max-instances <n>] [--quiet] [--clock <ISO>] [--rules <dir>]
import fs from 'node:fs'
import path from 'node:path'
import { loadRulesDir, startLocalCloud, type LocalCloudOptions } from './index'

// CloudBase runs functions in UTC, and the time zone is per process: emulate it for the functions we host.
process.env.TZ = 'UTC'

export interface CliOptions extends LocalCloudOptions {
  help?: boolean
}

const USAGE = `usage: localcloud [--port 8787] [--data .localcloud | --memory] [--functions cloudfunctions]
                  [--collections <file.json>] [--env local] [--no-timers] [--max-instances 16] [--quiet]
                  [--clock <ISO time>]   start the platform clock at this instant (it ticks on)
                  [--rules <dir>]        security rules for the client routes (database.json, storage.json)`

export function parseArgs(argv: string[]): CliOptions {
  const opts: CliOptions = {
    port: 8787,
    dataDir: path.resolve('.localcloud'),
    functionsDir: path.resolve('cloudfunctions'),
    timers: true,
  }
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1]
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`)
    return v
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    switch (arg) {
      case '--port': {
        const port = Number(value(i++, arg))
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0–65535')
        opts.port = port
        break
      }
      case '--data':
        opts.dataDir = path.resolve(value(i++, arg))
        break
      case '--memory':
        opts.dataDir = null
        break
      case '--functions':
        opts.functionsDir = path.resolve(value(i++, arg))
        break
      case '--collections': {
        const file = value(i++, arg)
        const names = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown
        if (!Array.isArray(names) || !names.every((n) => typeof n === 'string'))
          throw new Error(`${file} must be a JSON array of names`)
        opts.collections = names as string[]
        break
      }
      case '--env':
        opts.env = value(i++, arg)
        break
      case '--no-timers':
        opts.timers = false
        break
      case '--max-instances':
        opts.maxInstances = Number(value(i++, arg))
        break
      case '--quiet':
        opts.quiet = true
        break
      case '--clock': {
        const at = Date.parse(value(i++, arg))
        if (!Number.isFinite(at)) throw new Error('--clock must be a time like 2026-11-24T10:00:00+08:00')
        opts.clock = at
        break
      }
      case '--rules':
        opts.rules = loadRulesDir(path.resolve(value(i++, arg)))
        break
      case '--help':
      case '-h':
        opts.help = true
        break
      default:
        throw new Error(`unknown option ${arg}`)
    }
  }
  return opts
}

async function main() {
  let opts: CliOptions
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`)
    process.exit(2)
  }
  if (opts.help) {
    console.log(USAGE)
    return
  }
  const started = Date.now()
  const cloud = await startLocalCloud(opts)
  console.log(`localcloud ready in ${Date.now() - started} ms
  inspector     ${cloud.url}/
  SDK endpoint  ${cloud.serviceUrl}   (TCB_CONTEXT_CNFG='{"URL":"${cloud.serviceUrl}"}', any non-empty secret id/key)
  functions     POST ${cloud.url}/functions/<name>  (header x-wx-openid: <openid>)
  client        POST ${cloud.url}/client/database, /client/storage/{upload,tempUrl,download,delete}  (${opts.rules ? 'rules loaded' : 'no rules: every request refused'})
  data          ${opts.dataDir ?? 'in memory'}`)
  const stop = async () => {
    await cloud.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

if (require.main === module) void main()
