// Household-ledger import and export through localcloud: the actions called through the client gateway as a
// committee member would, the DB steps through the real SDK, the command line as its own process.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { COLLECTIONS } from '../../server/collections'
import { Data, type RawDatabase } from '../../server/kernel/db'
import { inShanghai } from '../../server/kernel/time'
import {
  commitImport,
  parseLedger,
  previewImport,
  rollbackImport,
  type LedgerImportDoc,
  type LedgerImportRowDoc,
  type LedgerPreview,
} from '../../server/ledger'
import type { BuildingDoc, GroupDoc, HouseholdDoc, MemberDoc } from '../../server/community/model'
import type { Envelope, ImportProgress } from '../../typings/api'
import { HEADER, sampleLedger, toCsv, toXlsx, type Sheet } from '../support/ledger'
import { FUNCTIONS_DIR, ROOT, startTestCloud, TEST_NOW, type TestCloud } from '../support/localcloud'

/** Reading the file and the export are the `sheets` function's; the commit, status and rollback the community's. */
const SHEETS = new Set(['importPreview', 'exportLedger'])
/** The Shanghai year of the functions' clock, which every cloud test file starts at TEST_NOW. */
const YEAR = inShanghai(TEST_NOW).year()

let t: TestCloud
let data: Data

beforeAll(async () => {
  t = await startTestCloud({ functionsDir: FUNCTIONS_DIR, collections: [...COLLECTIONS] })
  data = new Data(t.sdk.database() as unknown as RawDatabase)
}, 60_000)
afterAll(() => t?.stop())

// ---------- helpers ----------

const committee = (c: string) => `o-committee-${c}`

async function grant(openid: string, communityId: string, role = 'committee', scope: object = { communityId }) {
  await data.set('roles', {
    _id: `role-${openid}-${communityId}-${role}`,
    openid,
    communityId,
    role,
    scope,
    grantedBy: 'test',
    grantedAt: new Date(t.now()),
  })
}

/** A community with two 营 and the given buildings alternating between them, and its committee member. */
async function seedCommunity(id: string, buildings: string[] = ['1号', '2号', '3号'], groupSize = 20) {
  await data.set('communities', {
    _id: id,
    name: `${id}小区`,
    settings: {
      groupSize,
      volunteerCaps: { online: null, testing: 5, building: 5, patrol: 5, transport: 5, emergency: 5 },
    },
    createdAt: new Date(t.now()),
  })
  for (const [i, name] of ['第1营', '第2营'].entries())
    await data.set<GroupDoc>('groups', { _id: `${id}-g${i + 1}`, communityId: id, name, order: i })
  for (const [i, name] of buildings.entries())
    await data.set<BuildingDoc>('buildings', {
      _id: `${id}-b${i + 1}`,
      communityId: id,
      groupId: `${id}-g${(i % 2) + 1}`,
      name,
      order: i,
    })
  await grant(committee(id), id)
}

/** Into the community's folder, as the import page uploads: the function takes a ledger from nowhere else. */
async function upload(communityId: string, name: string, content: Buffer | string): Promise<string> {
  const cloudPath = `ledger/${communityId}/${name}`
  return (await t.sdk.uploadFile({ cloudPath, fileContent: Buffer.from(content) })).fileID
}

const call = <T>(action: string, payload: object, openid: string) =>
  t.call<Envelope<T>>(SHEETS.has(action) ? 'sheets' : 'community', { action, payload }, openid)

async function ok<T>(reply: Promise<Envelope<T>>): Promise<T> {
  const r = await reply
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`)
  return r.data
}

async function preview(communityId: string, sheet: Sheet | Buffer, createBuildings = false): Promise<LedgerPreview> {
  const content = Buffer.isBuffer(sheet) ? sheet : await toXlsx(sheet)
  const fileID = await upload(communityId, '台账.xlsx', content)
  return ok(call<LedgerPreview>('importPreview', { communityId, fileID, createBuildings }, committee(communityId)))
}

/** importCommit until committed, as the mini-program does; returns every progress answer. */
async function commitAll(communityId: string, importId: string): Promise<ImportProgress[]> {
  const seen: ImportProgress[] = []
  for (let i = 0; i < 200; i++) {
    const p = await ok(call<ImportProgress>('importCommit', { importId }, committee(communityId)))
    seen.push(p)
    if (p.status !== 'committing' || p.message) return seen
  }
  throw new Error('commit did not finish')
}

async function rollbackAll(communityId: string, importId: string): Promise<ImportProgress[]> {
  const seen: ImportProgress[] = []
  for (let i = 0; i < 200; i++) {
    const p = await ok(call<ImportProgress>('importRollback', { importId }, committee(communityId)))
    seen.push(p)
    if (p.status === 'rolledBack') return seen
  }
  throw new Error('rollback did not finish')
}

const households = (communityId: string) =>
  data.findAll<HouseholdDoc>('households', { communityId }, { orderBy: [['_id', 'asc']] })

const count = (coll: 'imports' | 'importRows' | 'households' | 'buildings' | 'groups', where: object) =>
  data.count(coll, where as Record<string, unknown>)

const row = (
  building: string,
  room: string,
  name: string,
  phone: string | null = null,
  birth: number | null = null,
  flags: string | null = null,
) => [building, room, name, phone, birth, flags]

/** 1号: 101 (2 people), 102; 2号: 201; 3号: 301 (2 people). */
const BASE: Sheet = [
  HEADER,
  row('1号', '101', '张三', '13800000001', 1950, '独居'),
  row('1号', '101', '张小三', null, 1985),
  row('1号', '102', '李四', '13800000002', 1972, '慢病'),
  row('2号', '201', '王五', '13800000003', 1940),
  row('3号', '301', '赵六', '13800000004', 1990, '孕妇'),
  row('3号', '301', '赵小六', null, YEAR - 1, '婴幼儿'),
]

// ---------- tests ----------

describe('importPreview', () => {
  it('counts rows, households and residents and stages one row per household without touching the ledger', async () => {
    await seedCommunity('cp')
    const p = await preview('cp', BASE)
    expect(p).toEqual({
      importId: expect.any(String),
      rows: 6,
      households: 4,
      residents: 6,
      newHouseholds: 4,
      updatedHouseholds: 0,
      unchangedHouseholds: 0,
      newBuildings: [],
      keptMembers: [],
      errors: [],
      ready: true,
    })
    expect(await count('importRows', { importId: p.importId })).toBe(4)
    expect(await count('households', { communityId: 'cp' })).toBe(0)
    const doc = await data.get<LedgerImportDoc>('imports', p.importId)
    expect(doc).toMatchObject({
      communityId: 'cp',
      status: 'previewed',
      fileName: '台账.xlsx',
      createdBy: committee('cp'),
    })
    const status = await ok(call<ImportProgress>('importStatus', { importId: p.importId }, committee('cp')))
    expect(status).toEqual({ importId: p.importId, status: 'previewed', done: 0, total: 4 })
  })

  it('reports row errors with row numbers and writes nothing but the import record', async () => {
    await seedCommunity('ce')
    const p = await preview('ce', [
      HEADER,
      row('1号', '101', '张三'),
      row('', '102', '李四'),
      row('1号', '10x1', '王五', '123'),
      row('9号', '201', '赵六', null, 1880, '低保'),
      row('1号', '101', '张三'),
    ])
    expect(p.ready).toBe(false)
    expect(p.errors).toEqual([
      { row: 3, reason: '楼栋为空' },
      { row: 4, reason: '房号「10x1」格式不正确，应为 201、1502、12-01 这样的房号' },
      { row: 4, reason: '电话「123」格式不正确，应为 11 位手机号或座机号码' },
      { row: 5, reason: '楼栋「9号」不在本小区的楼栋名单中；如需新建楼栋，请勾选「自动创建楼栋」后重新预览' },
      { row: 5, reason: `出生年份 1880 不在 1900–${YEAR} 年之间` },
      { row: 5, reason: '标记「低保」无法识别，可填：60岁以上、独居、行动不便、慢性病、孕妇、婴幼儿' },
      { row: 6, reason: '与第 2 行重复：第 2 行和第 6 行都是 1号 101 的「张三」' },
    ])
    expect(await count('imports', { communityId: 'ce' })).toBe(1)
    expect(await count('importRows', { importId: p.importId })).toBe(0)
    expect(await count('households', { communityId: 'ce' })).toBe(0)
    expect(await count('buildings', { communityId: 'ce' })).toBe(3)
    await expect(call('importCommit', { importId: p.importId }, committee('ce'))).resolves.toMatchObject({
      ok: false,
      code: 'IMPORT_HAS_ERRORS',
    })
    expect(await count('households', { communityId: 'ce' })).toBe(0)
  })

  it('answers FILE_UNREADABLE naming missing columns, for a CSV in GBK too, and writes nothing', async () => {
    await seedCommunity('cu')
    const gbk = Buffer.from('d0d5c3fb2cb5e7bbb00d0ad5c5c8fd2c31333830303030303030310d0a', 'hex') // 姓名,电话 / 张三,…
    const fileID = await upload('cu', '台账.csv', gbk)
    await expect(call('importPreview', { communityId: 'cu', fileID }, committee('cu'))).resolves.toEqual({
      ok: false,
      code: 'FILE_UNREADABLE',
      message: '表格缺少必需的列：楼栋、房号。请在第一行写明列名，如「楼栋、房号、姓名、电话、出生年份、标记」',
    })
    const missing = await call('importPreview', { communityId: 'cu', fileID: `${fileID}-gone` }, committee('cu'))
    expect(missing).toMatchObject({ ok: false, code: 'FILE_UNREADABLE' })
    expect(await count('imports', { communityId: 'cu' })).toBe(0)
  })

  it('reads a CSV with quotes, and creates buildings only when asked', async () => {
    await seedCommunity('cc', ['1号'])
    const csv = toCsv([HEADER, row('1号', '101', '张三'), row('5号', '501', '李"四"', null, null, '独居,慢病')])
    const fileID = await upload('cc', '台账.csv', csv)
    const refused = await ok(call<LedgerPreview>('importPreview', { communityId: 'cc', fileID }, committee('cc')))
    expect(refused.errors.map((e) => e.row)).toEqual([3])
    const p = await ok(
      call<LedgerPreview>('importPreview', { communityId: 'cc', fileID, createBuildings: true }, committee('cc')),
    )
    expect(p).toMatchObject({ ready: true, households: 2, newBuildings: ['5号'], newHouseholds: 2 })
    expect(await count('buildings', { communityId: 'cc' })).toBe(1)
  })
})

describe('importCommit', () => {
  it('writes households in chunks with progress; buildings are created into new 营 after the existing ones', async () => {
    await seedCommunity('cm', ['1号', '2号', '3号'], 2)
    const sheet: Sheet = [HEADER]
    for (const b of ['1号', '12号', '10号', '2号', '11号'])
      for (const r of ['101', '102', '201']) sheet.push(row(b, r, `住户${b}${r}`))
    const p = await previewImport(
      data,
      {
        communityId: 'cm',
        fileName: 'a.xlsx',
        bytes: await toXlsx(sheet),
        createBuildings: true,
        createdBy: 'test',
      },
      { year: YEAR },
    )
    expect(p.newBuildings).toEqual(['10号', '11号', '12号'])
    const progress: ImportProgress[] = []
    for (let i = 0; i < 10; i++) {
      const step = await commitImport(data, p.importId, { chunkSize: 4 })
      progress.push(step)
      if (step.status === 'committed') break
    }
    expect(progress.map((s) => [s.status, s.done, s.total])).toEqual([
      ['committing', 4, 15],
      ['committing', 8, 15],
      ['committing', 12, 15],
      ['committed', 15, 15],
    ])
    const hs = await households('cm')
    expect(hs).toHaveLength(15)
    const buildings = await data.findAll<BuildingDoc>(
      'buildings',
      { communityId: 'cm' },
      { orderBy: [['order', 'asc']] },
    )
    expect(buildings.map((b) => b.name)).toEqual(['1号', '2号', '3号', '10号', '11号', '12号'])
    const groups = await data.findAll<GroupDoc>('groups', { communityId: 'cm' }, { orderBy: [['order', 'asc']] })
    expect(groups.map((g) => g.name)).toEqual(['第1营', '第2营', '第3营', '第4营'])
    const groupOf = (name: string) =>
      groups.find((g) => g._id === buildings.find((b) => b.name === name)?.groupId)?.name
    expect(['10号', '11号', '12号', '1号'].map(groupOf)).toEqual(['第3营', '第3营', '第4营', '第1营'])
    for (const h of hs) expect(h.groupId).toBe(buildings.find((b) => b._id === h.buildingId)?.groupId)
    await expect(commitImport(data, p.importId)).rejects.toMatchObject({ code: 'IMPORT_STATE' })
  })

  it('fails (not resumable) when a building of the preview was created by someone else since, and rolls back', async () => {
    await seedCommunity('cs', ['1号'])
    const p = await previewImport(data, {
      communityId: 'cs',
      fileName: 'a.xlsx',
      bytes: await toXlsx([HEADER, row('1号', '101', '张三'), row('9号', '901', '李四')]),
      createBuildings: true,
      createdBy: 'test',
    })
    await data.set<BuildingDoc>('buildings', {
      _id: 'cs-b9',
      communityId: 'cs',
      groupId: 'cs-g1',
      name: '9号',
      order: 1,
    })
    const failed = await commitImport(data, p.importId)
    expect(failed).toEqual({
      importId: p.importId,
      status: 'failed',
      done: 0,
      total: 2,
      message: '预览后又有人新建了楼栋「9号」，请重新上传表格预览',
    })
    await expect(commitImport(data, p.importId)).rejects.toMatchObject({ code: 'IMPORT_STATE' })
    expect(await rollbackImport(data, p.importId)).toMatchObject({ status: 'rolledBack' })
    expect(await count('households', { communityId: 'cs' })).toBe(0)
  })

  it('retries a chunk idempotently: the same households, no duplicates, nothing rewritten', async () => {
    await seedCommunity('ci')
    const sheet: Sheet = [HEADER]
    for (const b of ['1号', '2号'])
      for (const r of ['101', '102', '201', '202', '301']) sheet.push(row(b, r, `住户${b}${r}`))
    const p = await previewImport(data, {
      communityId: 'ci',
      fileName: 'a.xlsx',
      bytes: await toXlsx(sheet),
      createBuildings: false,
      createdBy: 'test',
    })
    expect((await commitImport(data, p.importId, { chunkSize: 4 })).done).toBe(4)
    const after1 = await households('ci')
    // The reply of that call was lost, and it died before marking its rows: the client calls again.
    await data.update('imports', p.importId, { done: 0 })
    await data.updateWhere('importRows', { importId: p.importId }, { written: false })
    expect((await commitImport(data, p.importId, { chunkSize: 4 })).done).toBe(4)
    expect(await households('ci')).toEqual(after1)

    // A write fails in the middle of the next chunk: the import stays `committing` with a message.
    class FailingData extends Data {
      writes = 0
      override async set<T extends { _id: string }>(coll: Parameters<Data['set']>[0], doc: T) {
        if (coll === 'households' && ++this.writes > 2) throw new Error('network down')
        return super.set(coll, doc)
      }
      override async insertMany<T extends object>(coll: Parameters<Data['insertMany']>[0], docs: T[]) {
        if (coll === 'households') throw new Error('network down')
        return super.insertMany(coll, docs)
      }
    }
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    const failed = await commitImport(new FailingData(data.raw), p.importId, { chunkSize: 4 })
    expect(logged).toHaveBeenCalledTimes(1)
    logged.mockRestore()
    expect(failed).toMatchObject({ status: 'committing', done: 4, total: 10 })
    expect(failed.message).toContain('写入第 5–8 户时中断')
    expect(await data.get<LedgerImportDoc>('imports', p.importId)).toMatchObject({ status: 'committing', done: 4 })
    expect(await count('households', { communityId: 'ci' })).toBe(6)

    let last = failed
    while (last.status !== 'committed') last = await commitImport(data, p.importId, { chunkSize: 4 })
    expect(last).toEqual({ importId: p.importId, status: 'committed', done: 10, total: 10 })
    const hs = await households('ci')
    expect(hs).toHaveLength(10)
    expect(new Set(hs.map((h) => h._id)).size).toBe(10)
    expect(hs.every((h) => h.importId === p.importId && h.members.length === 1)).toBe(true)
  })

  it('ends in the same ledger when a fifth of all database calls fail (localcloud faults)', async () => {
    await seedCommunity('cf')
    const sheet: Sheet = [HEADER]
    for (let i = 1; i <= 40; i++)
      sheet.push(row(`${(i % 3) + 1}号`, `${100 + i}`, `住户${i}`), row(`${(i % 3) + 1}号`, `${100 + i}`, `家属${i}`))
    const p = await previewImport(data, {
      communityId: 'cf',
      fileName: 'a.xlsx',
      bytes: await toXlsx(sheet),
      createBuildings: false,
      createdBy: 'test',
    })
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    t.cloud.faults.set({ errorRate: 0.2, actions: ['database.'], seed: 7 })
    let status = 'previewed'
    let calls = 0
    let injected = 0
    try {
      while (status !== 'committed' && calls++ < 500) {
        try {
          status = (await commitImport(data, p.importId, { chunkSize: 7 })).status
        } catch {
          // The call itself failed (its first read or its last write): the client calls again.
        }
      }
    } finally {
      injected = t.cloud.faults.injected
      t.cloud.faults.clear()
      logged.mockRestore()
    }
    expect(status).toBe('committed')
    expect(injected).toBeGreaterThan(5)
    const hs = await households('cf')
    expect(hs).toHaveLength(40)
    expect(hs.every((h) => h.members.length === 2 && h.members[0]?.name.startsWith('住户'))).toBe(true)
    expect((await data.get<LedgerImportDoc>('imports', p.importId))?.done).toBe(40)
  })
})

describe('importRollback', () => {
  it('restores the ledger as it was, removes what the import created, and cannot run twice', async () => {
    await seedCommunity('cr')
    const first = await preview('cr', BASE)
    await commitAll('cr', first.importId)
    const before = await households('cr')
    const buildingsBefore = await count('buildings', { communityId: 'cr' })
    const groupsBefore = await count('groups', { communityId: 'cr' })

    const second = await preview(
      'cr',
      [
        HEADER,
        row('1号', '101', '张三', '13900000001', 1950, '独居'),
        row('2号', '202', '新住户'),
        row('7号', '701', '七号楼住户'),
      ],
      true,
    )
    expect(second).toMatchObject({ newHouseholds: 2, updatedHouseholds: 1, newBuildings: ['7号'] })
    const done = await commitAll('cr', second.importId)
    expect(done.at(-1)?.status).toBe('committed')
    expect(await count('households', { communityId: 'cr' })).toBe(6)
    expect(await count('buildings', { communityId: 'cr' })).toBe(buildingsBefore + 1)

    const steps = await rollbackAll('cr', second.importId)
    expect(steps.at(-1)).toEqual({ importId: second.importId, status: 'rolledBack', done: 3, total: 3 })
    expect(await households('cr')).toEqual(before)
    expect(await count('buildings', { communityId: 'cr' })).toBe(buildingsBefore)
    expect(await count('groups', { communityId: 'cr' })).toBe(groupsBefore)
    expect(await count('importRows', { importId: second.importId })).toBe(0)
    await expect(call('importRollback', { importId: second.importId }, committee('cr'))).resolves.toMatchObject({
      ok: false,
      code: 'IMPORT_STATE',
    })
    await expect(call('importCommit', { importId: second.importId }, committee('cr'))).resolves.toMatchObject({
      ok: false,
      code: 'IMPORT_STATE',
    })
  })

  it('rolls back a half-written import in chunks, and cancels a previewed one', async () => {
    await seedCommunity('ch')
    const sheet: Sheet = [HEADER]
    for (const r of ['101', '102', '201', '202', '301', '302', '401']) sheet.push(row('1号', r, `住户${r}`))
    const input = {
      communityId: 'ch',
      fileName: 'a.xlsx',
      bytes: await toXlsx(sheet),
      createBuildings: false,
      createdBy: 't',
    }
    const p = await previewImport(data, input)
    await commitImport(data, p.importId, { chunkSize: 3 })
    await commitImport(data, p.importId, { chunkSize: 3 })
    expect(await count('households', { communityId: 'ch' })).toBe(6)
    const steps: ImportProgress[] = []
    for (
      let s = await rollbackImport(data, p.importId, { chunkSize: 3 });
      ;
      s = await rollbackImport(data, p.importId, { chunkSize: 3 })
    ) {
      steps.push(s)
      if (s.status === 'rolledBack') break
    }
    expect(steps.map((s) => [s.status, s.done])).toEqual([
      ['committing', 3],
      ['committing', 6],
      ['rolledBack', 7],
    ])
    expect(steps[0]?.message).toBe('正在撤销导入：已处理 3 / 7 户')
    expect(await count('households', { communityId: 'ch' })).toBe(0)
    await expect(commitImport(data, p.importId)).rejects.toMatchObject({ code: 'IMPORT_STATE' })

    const cancelled = await previewImport(data, input)
    expect(await rollbackImport(data, cancelled.importId)).toMatchObject({ status: 'rolledBack' })
    expect(await count('importRows', { importId: cancelled.importId })).toBe(0)
  })
})

describe('re-import', () => {
  async function link(householdId: string, name: string, openid: string) {
    const h = (await data.get<HouseholdDoc>('households', householdId)) as HouseholdDoc
    const members = h.members.map((m) => (m.name === name ? { ...m, openid } : m))
    await data.update('households', householdId, { members, linkedOpenids: [...h.linkedOpenids, openid] })
  }

  it('keeps linked members (ids and openids) absent from the file and reports them; matched members keep their ids', async () => {
    await seedCommunity('cl')
    await commitAll('cl', (await preview('cl', BASE)).importId)
    const h101 = (await households('cl')).find((h) => h.room === '101') as HouseholdDoc
    await link(h101._id, '张三', 'o-zhangsan')
    const ids = Object.fromEntries(h101.members.map((m) => [m.name, m.id]))

    // The new file lacks 张三 (linked) and 赵小六 (not linked), changes 张小三's phone and adds 张三三.
    const p = await preview('cl', [
      HEADER,
      row('1号', '101', '张小三', '13900000009', 1985),
      row('1号', '101', '张三三', null, 2010),
      row('1号', '102', '李四', '13800000002', 1972, '慢病'),
      row('2号', '201', '王五', '13800000003', 1940),
      row('3号', '301', '赵六', '13800000004', 1990, '孕妇'),
    ])
    expect(p).toMatchObject({
      newHouseholds: 0,
      updatedHouseholds: 2,
      unchangedHouseholds: 2,
      keptMembers: [{ building: '1号', room: '101', name: '张三' }],
    })
    await commitAll('cl', p.importId)
    const after = (await data.get<HouseholdDoc>('households', h101._id)) as HouseholdDoc
    expect(after.members.map((m) => [m.name, m.phone, m.openid])).toEqual([
      ['张小三', '13900000009', undefined],
      ['张三三', undefined, undefined],
      ['张三', '13800000001', 'o-zhangsan'],
    ])
    expect(after.members.find((m) => m.name === '张小三')?.id).toBe(ids['张小三'])
    expect(after.members.find((m) => m.name === '张三')?.id).toBe(ids['张三'])
    expect(after.linkedOpenids).toEqual(['o-zhangsan'])
    expect((await households('cl')).find((h) => h.room === '301')?.members.map((m) => m.name)).toEqual(['赵六'])
  })

  it('keeps a link made between preview and commit, and a rollback keeps it too', async () => {
    await seedCommunity('cb')
    await commitAll('cb', (await preview('cb', BASE)).importId)
    const p = await preview('cb', [HEADER, row('1号', '102', '李四', '13911111111', 1972)])
    const h102 = (await households('cb')).find((h) => h.room === '102') as HouseholdDoc
    await link(h102._id, '李四', 'o-lisi')
    await commitAll('cb', p.importId)
    const after = (await data.get<HouseholdDoc>('households', h102._id)) as HouseholdDoc
    expect(after.members).toEqual([
      { id: h102.members[0]?.id, name: '李四', phone: '13911111111', birthYear: 1972, flags: [], openid: 'o-lisi' },
    ])
    const staged = await data.find<LedgerImportRowDoc>('importRows', { importId: p.importId })
    expect(staged[0]?.before?.members[0]?.openid).toBe('o-lisi')

    await rollbackAll('cb', p.importId)
    const restored = (await data.get<HouseholdDoc>('households', h102._id)) as HouseholdDoc
    expect(restored.members.map((m: MemberDoc) => [m.name, m.phone, m.flags, m.openid])).toEqual([
      ['李四', '13800000002', ['chronic'], 'o-lisi'],
    ])
  })
  it('merges over a household someone created between preview and commit, and rolls back to it', async () => {
    await seedCommunity('cn')
    const p = await previewImport(data, {
      communityId: 'cn',
      fileName: 'a.xlsx',
      bytes: await toXlsx([HEADER, row('1号', '105', '张三', '13800000005')]),
      createBuildings: false,
      createdBy: 'test',
    })
    const [staged] = await data.find<LedgerImportRowDoc>('importRows', { importId: p.importId })
    const id = staged?.household._id as string
    expect(staged?.before).toBeNull()
    const created: HouseholdDoc = {
      _id: id,
      communityId: 'cn',
      groupId: 'cn-g1',
      buildingId: 'cn-b1',
      room: '105',
      floor: 1,
      members: [{ id: 'm-li', name: '李四', flags: [], openid: 'o-li' }],
      proxy: false,
      linkedOpenids: ['o-li'],
      updatedAt: new Date('2026-01-01T00:00:00Z'),
    }
    await data.set('households', created)
    await commitImport(data, p.importId)
    const after = (await data.get<HouseholdDoc>('households', id)) as HouseholdDoc
    expect(after.members.map((m) => [m.name, m.openid])).toEqual([
      ['张三', undefined],
      ['李四', 'o-li'],
    ])
    expect(after.linkedOpenids).toEqual(['o-li'])
    expect((await data.get<LedgerImportRowDoc>('importRows', staged?._id as string))?.before).toEqual(created)
    while ((await rollbackImport(data, p.importId)).status !== 'rolledBack');
    expect(await data.get<HouseholdDoc>('households', id)).toEqual(created)
  })
})

describe('exportLedger', () => {
  it('exports the ledger as .xlsx with the import columns, and importing it back changes nothing', async () => {
    await seedCommunity('cx', ['1号', '2号', '3号', '10号'])
    await commitAll('cx', (await preview('cx', [...BASE, row('10号', '1001', '钱七', '02164001234')])).importId)
    const out = await ok(
      call<{ fileID: string; tempFileURL: string; households: number }>(
        'exportLedger',
        { communityId: 'cx' },
        committee('cx'),
      ),
    )
    expect(out).toMatchObject({ households: 5, fileID: expect.stringMatching(/^cloud:\/\/.+\.xlsx$/) })
    const res = await fetch(out.tempFileURL)
    expect(res.status).toBe(200)
    const exported = Buffer.from(await res.arrayBuffer())
    const parsed = await parseLedger(new Uint8Array(exported), 'export.xlsx')
    expect(parsed.columns).toEqual(['building', 'room', 'name', 'phone', 'birth', 'flags'])
    expect(parsed.rows.map((r) => [r.row, r.building, r.room, r.name, r.phone, r.birth, r.flags])).toEqual([
      [2, '1号', '101', '张三', '13800000001', '1950', '60岁以上、独居'],
      [3, '1号', '101', '张小三', '', '1985', ''],
      [4, '1号', '102', '李四', '13800000002', '1972', '慢性病'],
      [5, '2号', '201', '王五', '13800000003', '1940', '60岁以上'],
      [6, '3号', '301', '赵六', '13800000004', '1990', '孕妇'],
      [7, '3号', '301', '赵小六', '', String(YEAR - 1), '婴幼儿'],
      [8, '10号', '1001', '钱七', '02164001234', '', ''],
    ])

    const before = await households('cx')
    // As the committee would bring it back: downloaded, then uploaded through the import page.
    const fileID = await upload('cx', '导出.xlsx', exported)
    const again = await ok(call<LedgerPreview>('importPreview', { communityId: 'cx', fileID }, committee('cx')))
    expect(again).toMatchObject({
      ready: true,
      households: 5,
      newHouseholds: 0,
      updatedHouseholds: 0,
      unchangedHouseholds: 5,
    })
    expect((await commitAll('cx', again.importId)).at(-1)).toEqual({
      importId: again.importId,
      status: 'committed',
      done: 0,
      total: 0,
    })
    expect(await households('cx')).toEqual(before)
  })
})

describe('permissions', () => {
  it('answers FORBIDDEN to a non-committee caller and to a committee member of another community, writing nothing', async () => {
    await seedCommunity('cq')
    await seedCommunity('cz')
    await grant('o-lead', 'cq', 'buildingLead', { communityId: 'cq', groupId: 'cq-g1', buildingId: 'cq-b1' })
    await grant('o-resident', 'cq', 'resident', { communityId: 'cq', buildingId: 'cq-b1' })
    const fileID = await upload('cq', '台账.xlsx', await toXlsx(BASE))
    const p = await ok(call<LedgerPreview>('importPreview', { communityId: 'cq', fileID }, committee('cq')))
    const importsBefore = await count('imports', {})
    for (const openid of ['o-lead', 'o-resident', 'o-nobody', committee('cz')]) {
      for (const [action, payload] of [
        ['importPreview', { communityId: 'cq', fileID }],
        ['importCommit', { importId: p.importId }],
        ['importStatus', { importId: p.importId }],
        ['importRollback', { importId: p.importId }],
        ['exportLedger', { communityId: 'cq' }],
      ] as const)
        await expect(call(action, payload, openid)).resolves.toEqual({
          ok: false,
          code: 'FORBIDDEN',
          message: '您没有权限进行此操作',
        })
    }
    expect(await count('imports', {})).toBe(importsBefore)
    expect(await data.get<LedgerImportDoc>('imports', p.importId)).toMatchObject({ status: 'previewed' })
    expect(await count('households', { communityId: 'cq' })).toBe(0)
    // An unknown import is answered like one the caller may not see: the answer tells nobody whether it exists.
    await expect(call('importStatus', { importId: 'imp_missing' }, committee('cq'))).resolves.toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    await expect(
      call('importPreview', { communityId: 'cq', fileID, extra: 1 }, committee('cq')),
    ).resolves.toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'extra' })
  })
})

describe('a community of 1,506 households', () => {
  it('previews and commits through the gateway (times printed)', async () => {
    await data.set('communities', {
      _id: 'cbig',
      name: '大型小区',
      settings: { groupSize: 20, volunteerCaps: {} },
      createdAt: new Date(t.now()),
    })
    await grant(committee('cbig'), 'cbig')
    const sample = sampleLedger({ buildings: 135, households: 1506, residents: 3400, elderly: 670, year: YEAR })
    const file = await toXlsx(sample.rows)
    const fileID = await upload('cbig', '台账.xlsx', file)

    let started = performance.now()
    const p = await ok(
      call<LedgerPreview>('importPreview', { communityId: 'cbig', fileID, createBuildings: true }, committee('cbig')),
    )
    const previewMs = performance.now() - started
    expect(p).toMatchObject({ ready: true, rows: 3400, households: 1506, residents: 3400, newHouseholds: 1506 })
    expect(p.newBuildings).toHaveLength(135)

    started = performance.now()
    const steps = await commitAll('cbig', p.importId)
    const commitMs = performance.now() - started
    expect(steps.map((s) => s.done)).toEqual([300, 600, 900, 1200, 1500, 1506])
    expect(steps.at(-1)?.status).toBe('committed')

    const hs = await households('cbig')
    expect(hs).toHaveLength(1506)
    expect(hs.reduce((n, h) => n + h.members.length, 0)).toBe(3400)
    expect(hs.reduce((n, h) => n + h.members.filter((m) => m.flags.includes('elderly')).length, 0)).toBe(670)
    expect(await count('buildings', { communityId: 'cbig' })).toBe(135)
    expect(await count('groups', { communityId: 'cbig' })).toBe(7)

    started = performance.now()
    const out = await ok(call<{ households: number }>('exportLedger', { communityId: 'cbig' }, committee('cbig')))
    const exportMs = performance.now() - started
    expect(out.households).toBe(1506)
    console.log(
      `ledger import, 1,506 households / 3,400 residents / 135 buildings (${(file.length / 1024).toFixed(0)} KB .xlsx) ` +
        `through localcloud's gateway: preview ${previewMs.toFixed(0)} ms, commit ${commitMs.toFixed(0)} ms in ` +
        `${steps.length} calls, export ${exportMs.toFixed(0)} ms`,
    )
  }, 120_000)
})

describe('command line (scripts/import.ts)', () => {
  const cli = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'scripts/import.ts', ...args, '--localcloud', t.cloud.url],
        {
          cwd: ROOT,
          env: { ...process.env, TCB_CONTEXT_CNFG: '' },
        },
      )
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('close', (code) => resolve({ code, stdout, stderr }))
    })
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-cli-'))
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('dry-run previews only; a real run commits and exports; a file with errors exits non-zero', async () => {
    await seedCommunity('ccli')
    const file = path.join(dir, '台账.csv')
    fs.writeFileSync(file, toCsv([...BASE, row('8号', '801', '八号楼住户')]))

    const dry = await cli([file, '--community', 'ccli', '--create-buildings', '--dry-run'])
    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('预览：7 行，5 户，7 人；新增 5 户，更新 0 户，不变 0 户')
    expect(dry.stdout).toContain('将新建 1 个楼栋：8号')
    expect(dry.stdout).toContain('只预览（--dry-run）：只写入了导入记录，台账未改动')
    expect(await count('imports', { communityId: 'ccli' })).toBe(1)
    const [record] = await data.find<LedgerImportDoc>('imports', { communityId: 'ccli' })
    expect(record).toMatchObject({
      status: 'previewed',
      dryRun: true,
      total: 5,
      createdBy: expect.stringMatching(/^cli:/),
    })
    expect(await count('importRows', { importId: record?._id })).toBe(0)
    await expect(commitImport(data, record?._id as string)).rejects.toMatchObject({ code: 'IMPORT_STATE' })
    expect(await count('households', { communityId: 'ccli' })).toBe(0)
    expect(await count('buildings', { communityId: 'ccli' })).toBe(3)

    const out = path.join(dir, '导出.xlsx')
    const real = await cli([file, '--community', 'ccli', '--create-buildings', '--chunk', '2', '--export', out])
    expect(real.stderr).toBe('')
    expect(real.code).toBe(0)
    expect(real.stdout).toContain('写入 2/5 户')
    expect(real.stdout).toContain('写入 4/5 户')
    expect(real.stdout).toMatch(/导入完成：写入 5 户/)
    expect(real.stdout).toContain(`已导出 5 户、7 人到 ${out}`)
    expect(await count('households', { communityId: 'ccli' })).toBe(5)
    expect((await parseLedger(new Uint8Array(fs.readFileSync(out)), out)).rows).toHaveLength(7)

    const bad = path.join(dir, 'bad.csv')
    fs.writeFileSync(bad, toCsv([HEADER, row('1号', '101', '张三', '12'), row('1号', '', '李四')]))
    const failed = await cli([bad, '--community', 'ccli'])
    expect(failed.code).toBe(1)
    expect(failed.stderr).toContain('第 2 行：电话「12」格式不正确，应为 11 位手机号或座机号码')
    expect(failed.stderr).toContain('第 3 行：房号为空')
    expect(failed.stderr).toContain('表格中有 2 处错误，未写入台账')

    const usage = await cli([file])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('请用 --community 指定小区 ID')
  }, 60_000)

  it('says which buildings it creates from which spellings, and warns about look-alikes', async () => {
    await seedCommunity('ccln', ['1号楼', '东区5号'])
    const file = path.join(dir, '写法.csv')
    fs.writeFileSync(file, toCsv(MIXED_SPELLINGS.concat([row('5号楼', '501', '五号楼住户')])))
    const dry = await cli([file, '--community', 'ccln', '--create-buildings', '--dry-run'])
    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('将新建 3 个楼栋：5号楼、9号楼、10号楼')
    expect(dry.stdout).toContain(
      '  新建「9号楼」：表格中写作「9号楼」（第 3、5 行）、「9号」（第 4、8 行），是同一栋的不同写法；名称取用得最多的「9号楼」',
    )
    expect(dry.stdout).toContain('  新建「10号楼」：表格中写作「10号楼」（第 6、9 行）、「10栋」（第 7 行）')
    expect(dry.stdout).not.toContain('新建「5号楼」：')
    expect(dry.stdout).toContain('按已有楼栋「1号楼」导入（名称不变）：表格中写作「1号」（第 2 行）')
    expect(dry.stdout).toContain(
      '注意：将新建的「5号楼」（第 10 行）与已有楼栋「东区5号」相近，但不能确定是同一栋，没有合并：' +
        '「东区5号」前面有「东区」，「5号楼」没有。',
    )
  }, 60_000)
})

// ---------- building names ----------

/** Rows 2–9: 1号 (the community's 1号楼), 9号楼 / 9号 and 10号楼 / 10栋 rows, two spellings of two new buildings. */
const MIXED_SPELLINGS: Sheet = [
  HEADER,
  row('1号', '101', '张一'),
  row('9号楼', '101', '王九'),
  row('9号', '101', '王小九'),
  row('9号楼', '201', '李九'),
  row('10号楼', '101', '赵十'),
  row('10栋', '102', '钱十'),
  row('9号', '301', '孙九'),
  row('10号楼', '102', '钱小十'),
]

describe('building names: spellings of one building', () => {
  it('folds 9号 into 9号楼 and 10栋 into 10号楼: exactly two buildings are created, the folding reported', async () => {
    await seedCommunity('cbn', ['1号楼'])
    const p = await preview('cbn', MIXED_SPELLINGS, true)
    expect(p).toMatchObject({ ready: true, households: 6, residents: 8, newHouseholds: 6, errors: [] })
    expect(p.newBuildings).toEqual(['9号楼', '10号楼'])
    expect(p.newBuildingSpellings).toEqual([
      {
        name: '9号楼',
        spellings: [
          { text: '9号楼', count: 2, rows: [3, 5] },
          { text: '9号', count: 2, rows: [4, 8] },
        ],
      },
      {
        name: '10号楼',
        spellings: [
          { text: '10号楼', count: 2, rows: [6, 9] },
          { text: '10栋', count: 1, rows: [7] },
        ],
      },
    ])
    expect(p.matchedSpellings).toEqual([{ name: '1号楼', spellings: [{ text: '1号', count: 1, rows: [2] }] }])
    expect(p.buildingWarnings).toBeUndefined()

    const steps = await commitAll('cbn', p.importId)
    expect(steps.at(-1)).toMatchObject({ status: 'committed', done: 6, total: 6 })
    const buildings = await data.findAll<BuildingDoc>(
      'buildings',
      { communityId: 'cbn' },
      { orderBy: [['order', 'asc']] },
    )
    expect(buildings.map((b) => b.name)).toEqual(['1号楼', '9号楼', '10号楼'])
    const nameOf = new Map(buildings.map((b) => [b._id, b.name] as const))
    const hs = await households('cbn')
    const byPlace = hs
      .map((h) => [`${nameOf.get(h.buildingId)} ${h.room}`, h.members.map((m) => m.name)] as const)
      .sort(([a], [b]) => a.localeCompare(b, 'zh-Hans-CN', { numeric: true }))
    expect(byPlace).toEqual([
      ['1号楼 101', ['张一']],
      ['9号楼 101', ['王九', '王小九']],
      ['9号楼 201', ['李九']],
      ['9号楼 301', ['孙九']],
      ['10号楼 101', ['赵十']],
      ['10号楼 102', ['钱十', '钱小十']],
    ])

    // The same file again: every spelling matches a building now, names kept, nothing to write.
    const again = await preview('cbn', MIXED_SPELLINGS, true)
    expect(again).toMatchObject({ ready: true, newBuildings: [], newHouseholds: 0, updatedHouseholds: 0 })
    expect(again.unchangedHouseholds).toBe(6)
    expect(again.newBuildingSpellings).toBeUndefined()
    expect(again.matchedSpellings?.map((m) => [m.name, m.spellings.map((s) => s.text)])).toEqual([
      ['1号楼', ['1号']],
      ['9号楼', ['9号']],
      ['10号楼', ['10栋']],
    ])
    expect(await count('buildings', { communityId: 'cbn' })).toBe(3)
  })

  it('imports other spellings into existing buildings without creating or renaming any', async () => {
    await seedCommunity('cbe', ['1号楼', '9号', '10号楼'])
    const p = await preview('cbe', MIXED_SPELLINGS, true)
    expect(p).toMatchObject({ ready: true, newBuildings: [], households: 6 })
    expect(p.newBuildingSpellings).toBeUndefined()
    expect(p.matchedSpellings).toEqual([
      { name: '1号楼', spellings: [{ text: '1号', count: 1, rows: [2] }] },
      { name: '9号', spellings: [{ text: '9号楼', count: 2, rows: [3, 5] }] },
      { name: '10号楼', spellings: [{ text: '10栋', count: 1, rows: [7] }] },
    ])
    await commitAll('cbe', p.importId)
    const buildings = await data.findAll<BuildingDoc>(
      'buildings',
      { communityId: 'cbe' },
      { orderBy: [['order', 'asc']] },
    )
    expect(buildings.map((b) => [b._id, b.name])).toEqual([
      ['cbe-b1', '1号楼'],
      ['cbe-b2', '9号'],
      ['cbe-b3', '10号楼'],
    ])
    expect(
      (await households('cbe'))
        .filter((h) => h.buildingId === 'cbe-b2')
        .map((h) => h.room)
        .sort(),
    ).toEqual(['101', '201', '301'])
  })

  it('warns about a look-alike it keeps apart, and refuses a name two existing buildings could be', async () => {
    await seedCommunity('cbw', ['9号楼1单元', '5栋', '5号'])
    const warned = await preview('cbw', [HEADER, row('9号楼', '101', '王九'), row('9号楼1单元', '102', '李九')], true)
    expect(warned).toMatchObject({ ready: true, newBuildings: ['9号楼'] })
    expect(warned.buildingWarnings).toEqual([
      {
        name: '9号楼',
        rows: [2],
        similar: '9号楼1单元',
        similarExists: true,
        message:
          '将新建的「9号楼」（第 2 行）与已有楼栋「9号楼1单元」相近，但不能确定是同一栋，没有合并：' +
          '「9号楼1单元」写了单元号，「9号楼」没有。如是同一栋，请在表格中改成同一种写法后重新预览',
      },
    ])

    const refused = await preview('cbw', [HEADER, row('5号楼', '501', '五号')], true)
    expect(refused.ready).toBe(false)
    expect(refused.newBuildings).toEqual([])
    expect(refused.errors).toEqual([
      { row: 2, reason: '楼栋「5号楼」可以是已有的「5栋」或「5号」，无法确定是哪一栋；请在表格中改成其中一栋的名称' },
    ])
    expect(await count('importRows', { importId: refused.importId })).toBe(0)
    expect(await count('buildings', { communityId: 'cbw' })).toBe(3)
  })

  it('fails the commit when another spelling of a building to create was created since the preview', async () => {
    await seedCommunity('cbs', ['1号'])
    const p = await preview('cbs', [HEADER, row('9号楼', '901', '王九')], true)
    await data.set<BuildingDoc>('buildings', {
      _id: 'cbs-b9',
      communityId: 'cbs',
      groupId: 'cbs-g1',
      name: '9号',
      order: 1,
    })
    const [failed] = await commitAll('cbs', p.importId)
    expect(failed).toMatchObject({ status: 'failed', message: '预览后又有人新建了楼栋「9号」，请重新上传表格预览' })
    expect(await count('buildings', { communityId: 'cbs' })).toBe(2)
  })
})
