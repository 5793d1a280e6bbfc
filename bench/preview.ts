// The browser preview: build time and sizes, and how long each page takes to be ready (its first cloud calls done
// and rendered) in Debian's Chromium, as the demo person it is for, with the full demo (钟楼新村: 135 buildings,
// 1,506 households) loaded. A development tool's figures: they say whether the preview is pleasant to use and how
// long an end-to-end step waits, not how fast a phone is.
import path from 'node:path'
import { loadRulesDir, startLocalCloud } from '../localcloud'
import { buildPreview } from '../preview/build'
import { startPreviewSession } from '../preview/session'
import { demoDataset } from '../scripts/demo/generate'
import { loadDataset } from '../scripts/demo/load'
import { bundleFunctions } from '../scripts/lib/functions'
import { FUNCTIONS_ROOT, ROOT } from '../scripts/lib/paths'
import { COLLECTIONS } from '../server/collections'
import { defineBench, percentile, type Figure } from './lib'

export default defineBench({
  description: 'preview build and page-ready times in Chromium with the full demo loaded',
  defaults: { loads: 3, at: '2026-11-24T10:00:00+08:00' },
  async run(params) {
    const figures: Figure[] = []
    await bundleFunctions()
    const built = await buildPreview()
    figures.push({ name: 'build.ms', value: built.ms, unit: 'ms' })
    for (const [file, bytes] of Object.entries(built.bytes))
      figures.push({ name: `bytes.${file}`, value: bytes, unit: 'bytes' })

    const cloud = await startLocalCloud({
      port: 0,
      dataDir: null,
      functionsDir: FUNCTIONS_ROOT,
      quiet: true,
      collections: [...COLLECTIONS],
      rules: loadRulesDir(path.join(ROOT, 'rules')),
      clock: String(params.at),
    })
    const session = await startPreviewSession(cloud.url)
    try {
      await loadDataset(cloud.url, demoDataset({ now: cloud.clock.now(), storageEnv: cloud.env }))
      const call = async (openid: string, name: string, action: string, payload: object) => {
        const res = await fetch(`${cloud.url}/functions/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
          body: JSON.stringify({ action, payload }),
        })
        return (await res.json()) as { ok: boolean; data?: unknown }
      }
      const rounds = (await call('demo-committee-1', 'antigen', 'listRounds', { communityId: 'c-zhonglou' })).data as
        { id: string; status: string }[] | undefined
      const round = rounds?.find((r) => r.status === 'open') ?? rounds?.[0]
      const pages: [string, string, string][] = [
        ['home (resident)', 'demo-resident-1', ''],
        ['home (committee)', 'demo-committee-1', ''],
        ['roster 1号 (lead)', 'demo-lead-1', 'packageLead/pages/roster?buildingId=c-zhonglou-b1'],
        ['structure (committee)', 'demo-committee-1', 'packageCommittee/pages/structure?communityId=c-zhonglou'],
        ['roles (committee)', 'demo-committee-1', 'packageCommittee/pages/roles?communityId=c-zhonglou'],
        ['rounds (committee)', 'demo-committee-1', 'packageAntigen/pages/rounds?communityId=c-zhonglou'],
      ]
      if (round) {
        pages.push([
          'chain 1号 (lead)',
          'demo-lead-1',
          `packageAntigen/pages/chain?roundId=${round.id}&buildingId=c-zhonglou-b1`,
        ])
        pages.push([
          'table 135 buildings (committee)',
          'demo-committee-1',
          `packageAntigen/pages/table?roundId=${round.id}`,
        ])
      }
      for (const [label, openid, at] of pages) {
        const phone = await session.phone(openid)
        const samples: number[] = []
        for (let i = 0; i < Number(params.loads); i++) {
          const started = performance.now()
          await phone.goto(at || undefined)
          samples.push(performance.now() - started)
        }
        const problems = await phone.problems()
        if (problems.length) throw new Error(`${label}: ${problems.join('; ')}`)
        figures.push({ name: `ready.${label}.p50`, value: Math.round(percentile(samples, 50)), unit: 'ms' })
        await phone.close()
      }
      if (!round) figures.push({ name: 'note.noDemoRound', value: 1, unit: 'count' })
    } finally {
      await session.stop()
      await cloud.stop()
    }
    return figures
  },
})
