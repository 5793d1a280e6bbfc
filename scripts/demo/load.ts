// Loads demo data into a running localcloud through its admin API (`POST /__admin/import` replaces all data).
import { COLLECTIONS } from '../../server/collections'
import { demoDataset, type DemoCollections, type DemoDataset, type DemoFile } from './generate'

export interface LoadResult {
  collections: number
  documents: number
  /** Stored files (the kit photos). */
  files: number
  /** Wall time of the import request, generation excluded. */
  ms: number
}

/** Relaxed EJSON: the emulator would store a plain ISO string as a string, not a date. */
export function toEjson(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() }
  if (Array.isArray(value)) return value.map(toEjson)
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toEjson(v)
    return out
  }
  return value
}

/**
 * The import body: every product collection, empty where the data has none, so each exists afterwards; and the
 * stored files, each with the openid of the client that uploaded it (what storage rules call `resource.openid`).
 */
export function importBody(
  collections: Partial<DemoCollections>,
  files: readonly DemoFile[] = [],
): { collections: Record<string, unknown[]>; files: DemoFile[] } {
  return {
    collections: Object.fromEntries(COLLECTIONS.map((name) => [name, (collections[name] ?? []).map(toEjson)])),
    files: [...files],
  }
}

async function admin<T>(url: string, route: string, init: { method?: string; body?: string } = {}): Promise<T> {
  const res = await fetch(`${url.replace(/\/+$/, '')}/__admin/${route}`, {
    method: init.method ?? 'GET',
    ...(init.body === undefined ? {} : { body: init.body, headers: { 'content-type': 'application/json' } }),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`localcloud ${route} failed (${res.status}): ${text.slice(0, 300)}`)
  return JSON.parse(text) as T
}

/** Replace all data of the localcloud at `url` with these collections (and files). */
export async function loadCollections(
  url: string,
  collections: Partial<DemoCollections>,
  files: readonly DemoFile[] = [],
): Promise<LoadResult> {
  const body = JSON.stringify(importBody(collections, files))
  const started = performance.now()
  const res = await admin<{ collections: number; documents: number; files: number }>(url, 'import', {
    method: 'POST',
    body,
  })
  return { ...res, ms: Math.round(performance.now() - started) }
}

/** Replace all data of the localcloud at `url` with a demo data set: its collections and its kit photos. */
export function loadDataset(url: string, dataset: Pick<DemoDataset, 'collections' | 'files'>): Promise<LoadResult> {
  return loadCollections(url, dataset.collections, dataset.files)
}

/** Now on the localcloud at `url`: its platform clock, which tests and demos can move. */
export async function platformNow(url: string): Promise<number> {
  const state = await admin<{ now: string }>(url, 'clock')
  return Date.parse(state.now)
}

/** The environment of the localcloud at `url`: the photos' fileIDs name its bucket. */
export async function storageEnv(url: string): Promise<string> {
  return (await admin<{ env: string }>(url, 'health')).env
}

/** The demo data set for the localcloud at `url`: dated from its clock, its photos in its bucket. */
export async function demoFor(url: string): Promise<DemoDataset> {
  const [now, env] = await Promise.all([platformNow(url), storageEnv(url)])
  return demoDataset({ now, storageEnv: env })
}

/** Replace all data of the localcloud at `url` with the demo data set, dated from that localcloud's clock. */
export async function loadDemo(url: string): Promise<LoadResult> {
  return loadDataset(url, await demoFor(url))
}

/** No community yet: a fresh database, safe to fill without asking. */
export async function isEmpty(url: string): Promise<boolean> {
  const list = await admin<{ name: string; count: number }[]>(url, 'collections')
  return (list.find((c) => c.name === 'communities')?.count ?? 0) === 0
}
