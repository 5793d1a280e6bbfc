// The contract every bench/<name>.ts follows: named parameters with defaults, figures out.
export interface Figure {
  name: string
  value: number
  unit: string
  /** Parameters specific to this figure, beyond the run's. */
  params?: Record<string, string | number | boolean>
}

export type Params = Record<string, string | number | boolean>

export interface Bench<P extends Params = Params> {
  description: string
  defaults: P
  run(params: P, log: (line: string) => void): Promise<Figure[]>
}

export function defineBench<P extends Params>(bench: Bench<P>): Bench<P> {
  return bench
}

/** Percentile of already collected samples (nearest-rank). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] as number
}
