// Fault injection for reliability tests: fail a fraction of database calls with SYS_ERR, add latency.
export interface FaultConfig {
  /** Fraction (0–1) of matching calls answered with SYS_ERR before they touch the data. */
  errorRate: number
  /** Added delay in milliseconds before each matching call. */
  latencyMs: number
  /** Action prefixes the faults apply to; default all database actions. */
  actions: string[]
  /** Seed for a reproducible sequence of failures. */
  seed: number | null
}

export const NO_FAULTS: FaultConfig = { errorRate: 0, latencyMs: 0, actions: ['database.'], seed: null }

export class Faults {
  config: FaultConfig = { ...NO_FAULTS }
  injected = 0
  private state = 0

  set(partial: Partial<FaultConfig>): FaultConfig {
    const next = { ...this.config, ...partial }
    if (!(next.errorRate >= 0 && next.errorRate <= 1)) throw new Error('errorRate must be between 0 and 1')
    if (!(next.latencyMs >= 0)) throw new Error('latencyMs must be >= 0')
    if (!Array.isArray(next.actions)) throw new Error('actions must be an array of prefixes')
    this.config = next
    this.state = next.seed ?? 0
    this.injected = 0
    return this.config
  }

  clear(): void {
    this.config = { ...NO_FAULTS }
    this.injected = 0
  }

  applies(action: string): boolean {
    return this.config.actions.some((prefix) => action.startsWith(prefix))
  }

  private random(): number {
    if (this.config.seed === null) return Math.random()
    // mulberry32: small, seedable, good enough to spread failures.
    this.state = (this.state + 0x6d2b79f5) | 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  shouldFail(action: string): boolean {
    if (this.config.errorRate === 0 || !this.applies(action)) return false
    const fail = this.random() < this.config.errorRate
    if (fail) this.injected++
    return fail
  }
}
