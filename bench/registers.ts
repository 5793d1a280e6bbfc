// The livelihood registers through the client gateway, against a localcloud running the built functions, over 钟楼新村
// (the demo generator's community: 1,506 households in 135 buildings) with its starter set installed:
//
// 1. Export: a 配药需求 register of `entries` entries (one or two per household, every building) and `needs` needs of
//    its linked type, as the committee exports all of it (sheets exportRegister) and as one building's lead: time,
//    DB round trips, rows and file size.
// 2. Import: a sheet of `rows` rows (楼栋, 房号, 人员, 药品名称, 数量, 状态), `bad` of them wrong (a room that does not
//    exist, a member not of the household, an option not in the list), read and staged (registerImportPreview),
//    its good rows written (commitRegisterImport) and rolled back (rollbackRegisterImport): time and round trips
//    each, and the entries in the database after each step.
import { freePort, spawnLocalCloud, useLocalCloudSdk } from '../localcloud/spawn'
import { bundleFunctions } from '../scripts/lib/functions'
import { FUNCTIONS_ROOT } from '../scripts/lib/paths'
import { DEMO_COMMUNITY, demoDataset } from '../scripts/demo/generate'
import { loadCollections } from '../scripts/demo/load'
import { starterTypeId } from '../server/registers/starter'
import type { BuildingDoc, HouseholdDoc, RoleDoc } from '../server/community/model'
import type { RegisterEntryDoc } from '../server/registers/model'
import type { NeedDoc } from '../server/needs/model'
import type { Envelope, ExportFile, RegisterImportPreview, RegisterImportResult } from '../typings/api'
import { defineBench, type Figure } from './lib'

import type * as WxServerSdkModule from 'wx-server-sdk'

interface CallRecord {
  function: string
  source: string
  action?: string | null
  durationMs: number
  ok: boolean
  db: { calls: number }
}

export default defineBench({
  description:
    '钟楼新村 (1,506 households): exporting a 2,000-entry register with its needs, importing a 1,500-row sheet with row errors, commit and rollback',
  defaults: { entries: 2000, needs: 200, rows: 1500, bad: 30 },
  async run(params, log) {
    const figures: Figure[] = []
    log('bundling cloud functions')
    await bundleFunctions()
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    useLocalCloudSdk(url)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cloud = require('wx-server-sdk') as typeof WxServerSdkModule
    cloud.init({ env: 'local' })
    const db = cloud.database()
    const server = await spawnLocalCloud(port, ['--memory', '--functions', FUNCTIONS_ROOT, '--no-timers'])
    const admin = async <T>(route: string, method = 'GET', body?: unknown): Promise<T> => {
      const res = await fetch(`${url}/__admin/${route}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`admin ${route} failed (${res.status}): ${text.slice(0, 300)}`)
      return JSON.parse(text) as T
    }
    const call = async <T>(fn: string, openid: string, action: string, payload: object): Promise<T> => {
      const res = await fetch(`${url}/functions/${fn}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
        body: JSON.stringify({ action, payload }),
      })
      const reply = (await res.json()) as Envelope<T>
      if (!reply.ok) throw new Error(`${fn}.${action}: ${reply.code} ${reply.message}`)
      return reply.data
    }
    /** Time and DB round trips of one call, from the emulator's call log. */
    const measured = async <T>(fn: string, openid: string, action: string, payload: object) => {
      await admin('calls', 'DELETE')
      const t0 = performance.now()
      const data = await call<T>(fn, openid, action, payload)
      const ms = Math.round(performance.now() - t0)
      const calls = (await admin<{ calls: CallRecord[] }>(`calls?function=${fn}`)).calls.filter(
        (c) => c.source === 'wx_client',
      )
      return {
        data,
        ms,
        roundTrips: calls.at(-1)?.db.calls ?? NaN,
        functionMs: Math.round(calls.at(-1)?.durationMs ?? NaN),
      }
    }
    const count = async (coll: string, where: object) =>
      ((await db.collection(coll).where(where).count()) as { total: number }).total

    try {
      const now = Date.parse('2026-12-05T02:00:00Z')
      await admin('clock', 'POST', { at: new Date(now).toISOString() })
      const { collections } = demoDataset({ now })
      const communityId = DEMO_COMMUNITY.communityId
      const buildings = (collections.buildings as BuildingDoc[])
        .filter((b) => b.communityId === communityId)
        .sort((a, b) => a.order - b.order)
      const households = (collections.households as HouseholdDoc[]).filter(
        (h) => h.communityId === communityId && h.members.length > 0,
      )
      const roles = collections.roles as RoleDoc[]
      const committee = roles.find((r) => r.communityId === communityId && r.role === 'committee')?.openid as string
      const lead = roles.find((r) => r.communityId === communityId && r.role === 'buildingLead') as RoleDoc
      const typeId = starterTypeId(communityId, 'medicine')
      const order = new Map(buildings.map((b) => [b._id, b.order]))
      const created = { at: new Date(now - 86_400_000), openid: committee, name: '居委' }

      // 1. A register of `entries` entries over every household (each household once, then a second member).
      const wanted = Number(params.entries)
      const entries: RegisterEntryDoc[] = []
      for (let i = 0; entries.length < wanted; i++) {
        const h = households[i % households.length] as HouseholdDoc
        const m = h.members[Math.floor(i / households.length) % h.members.length] as HouseholdDoc['members'][number]
        entries.push({
          _id: `bench-entry-${i}`,
          communityId,
          typeId,
          groupId: h.groupId,
          buildingId: h.buildingId,
          floor: h.floor,
          householdId: h._id,
          room: h.room,
          buildingOrder: order.get(h.buildingId) ?? 0,
          memberIds: [m.id],
          values: {
            f2: m.id,
            f3: ['硝苯地平缓释片', '二甲双胍', '阿司匹林肠溶片'][i % 3] as string,
            f4: '2盒',
            f7: '待配',
          },
          created,
        })
      }
      const needs: NeedDoc[] = Array.from({ length: Number(params.needs) }, (_, i) => {
        const h = households[(i * 7) % households.length] as HouseholdDoc
        return {
          _id: `bench-need-${i}`,
          communityId,
          groupId: h.groupId,
          buildingId: h.buildingId,
          householdId: h._id,
          type: 'medicine',
          urgency: 'normal',
          status: (['new', 'taken', 'done', 'escalated'] as const)[i % 4],
          level: 'online',
          detail: '常用药两盒',
          raised: { at: created.at, openid: 'bench', role: 'resident', name: '居民' },
          dueAt: new Date(now),
          escalations: [],
          createdAt: created.at,
          updatedAt: created.at,
          label: `${h.buildingId}-${h.room}`,
          requestId: `bench-need-${i}`,
          history: [{ kind: 'raised', at: created.at, level: 'online', openid: 'bench', name: '居民' }],
        }
      })
      const loaded = await loadCollections(url, {
        ...collections,
        registerEntries: [
          ...(collections.registerEntries as RegisterEntryDoc[]).filter((e) => e.typeId !== typeId),
          ...entries,
        ],
        needs,
      } as never)
      log(
        `imported ${loaded.documents} documents in ${loaded.ms} ms: ${households.length} households, ${entries.length} entries`,
      )

      // A first call warms each function's instance (its cold start is not the export).
      await call('sheets', committee, 'exportRegister', { typeId: starterTypeId(communityId, 'pregnant') })
      await call('registers', committee, 'listRegisters', { communityId })

      const whole = await measured<ExportFile & { rows: number; needRows: number }>(
        'sheets',
        committee,
        'exportRegister',
        {
          typeId,
        },
      )
      const file = (await cloud.downloadFile({ fileID: whole.data.fileID })) as { fileContent: Buffer }
      log(
        `export (committee, whole register): ${whole.data.rows} entries + ${whole.data.needRows} needs in ${whole.ms} ms, ${whole.roundTrips} DB round trips, ${file.fileContent.length} bytes`,
      )
      figures.push(
        {
          name: 'export whole register',
          value: whole.ms,
          unit: 'ms',
          params: { rows: whole.data.rows, needRows: whole.data.needRows },
        },
        { name: 'export whole register round trips', value: whole.roundTrips, unit: 'round trips' },
        { name: 'export whole register file', value: file.fileContent.length, unit: 'bytes' },
      )
      const one = await measured<ExportFile & { rows: number; needRows: number }>(
        'sheets',
        lead.openid,
        'exportRegister',
        {
          typeId,
        },
      )
      log(
        `export (a building lead, one building): ${one.data.rows} entries + ${one.data.needRows} needs in ${one.ms} ms, ${one.roundTrips} DB round trips`,
      )
      figures.push(
        { name: 'export one building (lead)', value: one.ms, unit: 'ms', params: { rows: one.data.rows } },
        { name: 'export one building round trips', value: one.roundTrips, unit: 'round trips' },
      )
      const page = await measured<{ total: number }>('registers', committee, 'registerEntries', { typeId })
      log(`list (committee, first page of ${page.data.total}): ${page.ms} ms, ${page.roundTrips} DB round trips`)
      figures.push(
        { name: 'list first page', value: page.ms, unit: 'ms' },
        { name: 'list first page round trips', value: page.roundTrips, unit: 'round trips' },
      )

      // 2. Import a sheet into the (empty) 外出人员信息表.
      const outing = starterTypeId(communityId, 'outing')
      const names = new Map(buildings.map((b) => [b._id, b.name]))
      const rows = Number(params.rows)
      const bad = Number(params.bad)
      const lines = ['楼栋,房号,人员,事由,外出日期,预计返回']
      for (let i = 0; i < rows; i++) {
        const h = households[i % households.length] as HouseholdDoc
        const m = h.members[0]?.name ?? ''
        const kind = i < bad ? i % 3 : -1
        lines.push(
          [
            names.get(h.buildingId),
            kind === 0 ? '9999' : h.room,
            kind === 1 ? '查无此人' : m,
            kind === 2 ? '旅游' : '就医',
            '2026/12/06',
            '2026年12月08日',
          ].join(','),
        )
      }
      const upload = (await cloud.uploadFile({
        cloudPath: `registers/${communityId}/imports/bench-${rows}.csv`,
        fileContent: Buffer.from(`\ufeff${lines.join('\n')}`),
      })) as { fileID: string }
      const preview = await measured<RegisterImportPreview>('sheets', committee, 'registerImportPreview', {
        typeId: outing,
        fileID: upload.fileID,
      })
      log(
        `import preview: ${preview.data.rows} rows, ${preview.data.good} good, ${preview.data.errors.length} errors in ${preview.ms} ms, ${preview.roundTrips} DB round trips`,
      )
      const commit = await measured<RegisterImportResult>('registers', committee, 'commitRegisterImport', {
        importId: preview.data.importId,
        onlyGood: true,
      })
      const written = await count('registerEntries', { typeId: outing, importId: preview.data.importId })
      log(
        `import commit: ${commit.data.written} written (${written} in the database) in ${commit.ms} ms, ${commit.roundTrips} DB round trips`,
      )
      const rollback = await measured<RegisterImportResult>('registers', committee, 'rollbackRegisterImport', {
        importId: preview.data.importId,
      })
      const left = await count('registerEntries', { importId: preview.data.importId })
      log(
        `import rollback: ${rollback.data.removed} removed (${left} left) in ${rollback.ms} ms, ${rollback.roundTrips} DB round trips`,
      )
      figures.push(
        {
          name: 'import preview',
          value: preview.ms,
          unit: 'ms',
          params: { rows: preview.data.rows, good: preview.data.good },
        },
        { name: 'import preview round trips', value: preview.roundTrips, unit: 'round trips' },
        { name: 'import commit', value: commit.ms, unit: 'ms', params: { written } },
        { name: 'import commit round trips', value: commit.roundTrips, unit: 'round trips' },
        { name: 'import rollback', value: rollback.ms, unit: 'ms', params: { removed: rollback.data.removed, left } },
        { name: 'import rollback round trips', value: rollback.roundTrips, unit: 'round trips' },
      )
      return figures
    } finally {
      await server.stop()
    }
  },
})
