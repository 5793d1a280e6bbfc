// A timer run has a time limit (the function's `timeout` in config.json): it works in bounded steps and stops
// starting new ones once its budget is spent; whatever is left is done by the next run, every step being idempotent.
import { performance } from 'node:perf_hooks'

export class Budget {
  private readonly start = performance.now()

  /** `ms`: how long this run may keep starting work (well under the function's timeout). */
  constructor(readonly ms: number) {}

  get spent(): boolean {
    return performance.now() - this.start >= this.ms
  }
}

/**
 * Run each step of a timer on its own: a step that throws is logged and reported, and the others still run (a
 * storage outage must not stop the database clean-up, nor the other way round).
 */
export async function steps<T extends Record<string, () => Promise<unknown>>>(
  name: string,
  table: T,
): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>> | null } & { failed?: string[] }> {
  const out: Record<string, unknown> = {}
  const failed: string[] = []
  for (const [key, run] of Object.entries(table)) {
    try {
      out[key] = await run()
    } catch (err) {
      console.error(`[${name}.${key}] timer step failed`, err)
      out[key] = null
      failed.push(key)
    }
  }
  if (failed.length) out.failed = failed
  return out as { [K in keyof T]: Awaited<ReturnType<T[K]>> | null } & { failed?: string[] }
}
