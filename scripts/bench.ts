// npm run bench -- <name> [--param=value ...]: runs bench/<name>.ts, prints its figures and writes
// bench/results/<name>.json.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Bench, Params } from '../bench/lib'
import { ROOT } from './lib/paths'

function usage(): never {
  const names = fs
    .readdirSync(path.join(ROOT, 'bench'))
    .filter((f) => f.endsWith('.ts') && f !== 'lib.ts')
    .map((f) => f.replace(/\.ts$/, ''))
  console.error(`usage: npm run bench -- <name> [--param=value ...]\nbenches: ${names.join(', ')}`)
  process.exit(2)
}

function parseValue(raw: string, like: unknown): string | number | boolean {
  if (typeof like === 'number') {
    const n = Number(raw)
    if (!Number.isFinite(n)) throw new Error(`expected a number, got ${raw}`)
    return n
  }
  if (typeof like === 'boolean') return raw !== 'false' && raw !== '0'
  return raw
}

async function main() {
  const [name, ...args] = process.argv.slice(2)
  if (!name || !/^[\w-]+$/.test(name) || name === 'lib') usage()
  const file = path.join(ROOT, 'bench', `${name}.ts`)
  if (!fs.existsSync(file)) usage()
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bench = (require(file) as { default: Bench }).default
  const params: Params = { ...bench.defaults }
  for (const arg of args) {
    const m = /^--([\w.]+)=(.*)$/.exec(arg)
    if (!m?.[1] || m[2] === undefined) throw new Error(`bad argument ${arg}; use --param=value`)
    params[m[1]] = parseValue(m[2], bench.defaults[m[1]])
  }
  console.log(`bench ${name}: ${bench.description}`)
  if (Object.keys(params).length) console.log(`params: ${JSON.stringify(params)}`)
  const started = Date.now()
  const figures = await bench.run(params, (line) => console.log(`  ${line}`))
  const width = Math.max(...figures.map((f) => f.name.length), 10)
  for (const f of figures) {
    const extra = f.params ? `  ${JSON.stringify(f.params)}` : ''
    console.log(`${f.name.padEnd(width)}  ${String(Number(f.value.toFixed(3))).padStart(12)} ${f.unit}${extra}`)
  }
  const out = path.join(ROOT, 'bench', 'results', `${name}.json`)
  fs.mkdirSync(path.dirname(out), { recursive: true })
  const record = {
    bench: name,
    at: new Date().toISOString(),
    durationMs: Date.now() - started,
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    },
    params,
    figures,
  }
  fs.writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`)
  console.log(`written ${path.relative(ROOT, out)}`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
