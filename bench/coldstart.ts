// Each cloud function's bundle size and cold-start time: a fresh Node process loads the bundle (with wx-server-sdk,
// as a new CloudBase instance does) and runs one trivial invocation (an unknown action: routed and answered without
// the database). Each round probes every target once, in turn, so load on the machine falls on all of them alike;
// `runs` rounds, the median reported. `node` alone and `wx-server-sdk` alone are the baseline the bundle's own share
// (`ownMs`: its cold start less the SDK's load) is read against.
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
    // A function's start-up notes (configuration checks) are not the bench's output.
    stdio: ['ignore', 'pipe', 'ignore'],
    // The bundle resolves wx-server-sdk from the project's node_modules, as it does under localcloud.
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC' },
  })
  const processMs = Number(process.hrtime.bigint() - started) / 1e6
  return { ...(JSON.parse(out) as Omit<Sample, 'processMs'> & { code?: string }), processMs }
}

const median = (xs: number[]) => percentile(xs, 50)

export default defineBench({
  description: 'each cloud function: bundle bytes and cold start (fresh node: load bundle + one trivial invocation)',
  defaults: { runs: 15 },
  async run(params, log) {
    const runs = Number(params.runs)
    const bundles = await bundleFunctions()
    const targets: { name: string; file: string; expect?: string }[] = [
      { name: 'node', file: '-' },
      { name: 'sdk', file: '' },
      ...bundles.map((b) => ({ name: b.name, file: b.file, expect: 'UNKNOWN_ACTION' })),
    ]
    for (const t of targets) probe(t.file) // warms the disk cache, not the process: every counted run is a new one
    const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]))
    for (let i = 0; i < runs; i++)
      for (const t of targets) {
        const s = probe(t.file)
        if (t.expect && s.code !== t.expect) throw new Error(`${t.name}: answered ${s.code}, not ${t.expect}`)
        samples.get(t.name)?.push(s)
      }
    const med = (name: string, f: (s: Sample) => number) => median((samples.get(name) ?? []).map(f))
    const sdkLoad = med('sdk', (s) => s.loadMs)
    const figures: Figure[] = [
      { name: 'baseline.node.processMs', value: med('node', (s) => s.processMs), unit: 'ms' },
      { name: 'baseline.sdk.loadMs', value: sdkLoad, unit: 'ms' },
      { name: 'baseline.sdk.processMs', value: med('sdk', (s) => s.processMs), unit: 'ms' },
    ]
    for (const b of bundles) {
      const cold = med(b.name, (s) => s.loadMs + s.invokeMs)
      const m = {
        loadMs: med(b.name, (s) => s.loadMs),
        invokeMs: med(b.name, (s) => s.invokeMs),
        processMs: med(b.name, (s) => s.processMs),
      }
      log(
        `${b.name}: ${(b.bytes / 1024).toFixed(1)} KB, load ${m.loadMs.toFixed(1)} ms, first call ${m.invokeMs.toFixed(1)} ms, process ${m.processMs.toFixed(0)} ms`,
      )
      figures.push(
        {
          name: `function.${b.name}.bundle`,
          value: b.bytes,
          unit: 'bytes',
          params: { file: path.relative(ROOT, b.file) },
        },
        { name: `function.${b.name}.loadMs`, value: m.loadMs, unit: 'ms' },
        { name: `function.${b.name}.invokeMs`, value: m.invokeMs, unit: 'ms' },
        { name: `function.${b.name}.coldStartMs`, value: cold, unit: 'ms' },
        { name: `function.${b.name}.ownMs`, value: cold - sdkLoad, unit: 'ms' },
        { name: `function.${b.name}.processMs`, value: m.processMs, unit: 'ms' },
      )
    }
    return figures
  },
})
