// Each cloud function's bundle size and cold-start time: a fresh Node process loads the bundle (with wx-server-sdk,
// as a new CloudBase instance does) and runs one trivial invocation (an unknown action: routed and answered without
// the database). Repeated `runs` times, the median reported; `node` alone and `wx-server-sdk` alone are the
// baseline the bundle's own share is read against.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { bundleFunctions } from '../scripts/lib/functions'
import { ROOT } from '../scripts/lib/paths'
import { defineBench, percentile, type Figure } from './lib'

interface Sample {
  /** From the script's first line to the bundle's module evaluated (wx-server-sdk included). */
  loadMs: number
  /** The first invocation of `main`, after the load. */
  invokeMs: number
  /** The whole process, spawn to exit, as seen from here. */
  processMs: number
}

// Runs in the fresh process: argv[1] is the bundle ('' for the SDK alone, '-' for nothing at all).
const PROBE = `
const { performance } = require('node:perf_hooks')
const t0 = performance.now()
const file = process.argv[1]
const mod = file === '-' ? null : require(file || 'wx-server-sdk')
const t1 = performance.now()
Promise.resolve(mod && mod.main ? mod.main({ action: '__coldstart' }, {}) : null).then((out) => {
  const t2 = performance.now()
  process.stdout.write(JSON.stringify({ loadMs: t1 - t0, invokeMs: t2 - t1, code: out && out.code }))
})
`

function probe(file: string): Sample & { code?: string } {
  const started = process.hrtime.bigint()
  const out = execFileSync(process.execPath, ['-e', PROBE, file], {
    cwd: ROOT,
    encoding: 'utf8',
    // The bundle resolves wx-server-sdk from the project's node_modules, as it does under localcloud.
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC' },
  })
  const processMs = Number(process.hrtime.bigint() - started) / 1e6
  return { ...(JSON.parse(out) as Omit<Sample, 'processMs'> & { code?: string }), processMs }
}

const median = (xs: number[]) => percentile(xs, 50)

export default defineBench({
  description: 'each cloud function: bundle bytes and cold start (fresh node: load bundle + one trivial invocation)',
  defaults: { runs: 7 },
  async run(params, log) {
    const runs = Number(params.runs)
    const figures: Figure[] = []
    const measure = (name: string, file: string, expectCode?: string) => {
      probe(file) // warms the disk cache, not the process: every counted run is a new process
      const samples: Sample[] = []
      for (let i = 0; i < runs; i++) {
        const s = probe(file)
        if (expectCode && s.code !== expectCode) throw new Error(`${name}: answered ${s.code}, not ${expectCode}`)
        samples.push(s)
      }
      const m = {
        loadMs: median(samples.map((s) => s.loadMs)),
        invokeMs: median(samples.map((s) => s.invokeMs)),
        coldMs: median(samples.map((s) => s.loadMs + s.invokeMs)),
        processMs: median(samples.map((s) => s.processMs)),
      }
      log(
        `${name}: load ${m.loadMs.toFixed(1)} ms, first call ${m.invokeMs.toFixed(1)} ms, process ${m.processMs.toFixed(0)} ms`,
      )
      return m
    }

    const node = measure('node alone', '-')
    figures.push({ name: 'baseline.node.processMs', value: node.processMs, unit: 'ms' })
    const sdk = measure('wx-server-sdk alone', '')
    figures.push({ name: 'baseline.sdk.loadMs', value: sdk.loadMs, unit: 'ms' })
    figures.push({ name: 'baseline.sdk.processMs', value: sdk.processMs, unit: 'ms' })

    for (const b of await bundleFunctions()) {
      const m = measure(b.name, b.file, 'UNKNOWN_ACTION')
      figures.push({
        name: `function.${b.name}.bundle`,
        value: b.bytes,
        unit: 'bytes',
        params: { file: path.relative(ROOT, b.file) },
      })
      figures.push({ name: `function.${b.name}.loadMs`, value: m.loadMs, unit: 'ms' })
      figures.push({ name: `function.${b.name}.invokeMs`, value: m.invokeMs, unit: 'ms' })
      figures.push({ name: `function.${b.name}.coldStartMs`, value: m.coldMs, unit: 'ms' })
      figures.push({ name: `function.${b.name}.processMs`, value: m.processMs, unit: 'ms' })
    }
    return figures
  },
})
