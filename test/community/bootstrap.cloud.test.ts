// Bootstrapping a real community: server/community/bootstrap.ts against localcloud, then everything its first committee
// member must be able to do through the client gateway (recognised, listed, structure, a ledger import that
// creates buildings, granting and revoking committee members, abnormal-result pushes); running it again, and
// every refusal, writing nothing; the command line (scripts/bootstrap.ts, then scripts/import.ts) as its own process.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type {
  Envelope,
  ImportProgress,
  InviteView,
  JoinRequestView,
  RoleView,
  RoundView,
  StructureView,
  WhoAmI,
} from '../../typings/api'
import type { ChainDoc } from '../../server/antigen/model'
import type { CommunityDoc, HouseholdDoc, RoleDoc } from '../../server/community/model'
import { BOOTSTRAP_GRANTOR, bootstrapCommunity, type BootstrapInput } from '../../server/community/bootstrap'
import { COLLECTIONS } from '../../server/collections'
import type { LedgerPreview } from '../../server/ledger'
import { CONSENTS } from '../../server/community/consent'
import { defaultSettings } from '../../server/community/settings'
import { householdId, roleId } from '../../server/community/ids'
import { shanghaiDay } from '../../server/kernel/time'
import { C1, loadFixture, snapshot, WHO } from '../support/community'
import { HEADER, toCsv } from '../support/ledger'
import { ROOT, startTestCloud, type TestCloud } from '../support/localcloud'
import { pushesSettled } from '../support/pushes'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud({ collections: [...COLLECTIONS] })
}, 60_000)
afterAll(() => t?.stop())
// A deployment that already serves the fixture's two communities: the new one must not touch them.
beforeEach(() => loadFixture(t))

const NEW = 'c-xinyuan'
const FIRST = 'o-first-committee'
const SECOND = 'o-second-committee'
const INPUT: BootstrapInput = {
  communityId: NEW,
  name: '新苑小区',
  committee: FIRST,
  committeeName: '王主任',
  district: '上海市金山区朱泾镇',
}

const call = <T>(fn: 'community' | 'antigen' | 'sheets', openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>(fn, { action, payload }, openid)
async function ok<T>(
  fn: 'community' | 'antigen' | 'sheets',
  openid: string,
  action: string,
  payload: object = {},
): Promise<T> {
  const r = await call<T>(fn, openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}
const community = <T>(openid: string, action: string, payload: object = {}) =>
  ok<T>('community', openid, action, payload)

/** Text as Excel on Chinese Windows saves a CSV: GBK, built from the runtime's own GBK decoder. */
function toGbk(text: string): Buffer {
  const table = new Map<string, number[]>()
  const decoder = new TextDecoder('gbk')
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue
      const c = decoder.decode(new Uint8Array([lead, trail]))
      if (c.length === 1 && c !== '\ufffd' && !table.has(c)) table.set(c, [lead, trail])
    }
  const bytes: number[] = []
  for (const c of text) {
    if (c.charCodeAt(0) < 0x80) bytes.push(c.charCodeAt(0))
    else {
      const b = table.get(c)
      if (!b) throw new Error(`no GBK bytes for ${c}`)
      bytes.push(...b)
    }
  }
  return Buffer.from(bytes)
}

const LEDGER = toCsv([
  HEADER,
  ['1号', '101', '张三', '13800000001', 1950, '独居'],
  ['1号', '101', '李四', '13800000002', 1972, null],
  ['2号', '201', '王五', '13800000003', 1940, null],
])

describe('bootstrapping a new community', () => {
  it('writes the community with the default settings and a committee grant in the stored shape', async () => {
    const before = await t.data.count('roles')
    expect(await bootstrapCommunity(t.data, INPUT)).toEqual({
      communityId: NEW,
      community: 'created',
      committee: 'created',
      roleId: roleId(FIRST, 'committee', NEW),
      ignored: [],
    })
    const stored = await t.data.get<CommunityDoc>('communities', NEW)
    expect(stored).toEqual({
      _id: NEW,
      name: '新苑小区',
      district: '上海市金山区朱泾镇',
      settings: defaultSettings(),
      createdAt: expect.any(Date),
    })
    // Dated by the platform clock, as the functions date what they write.
    expect(Math.abs((stored?.createdAt.getTime() ?? 0) - t.now())).toBeLessThan(10_000)
    expect(await t.data.get<RoleDoc>('roles', roleId(FIRST, 'committee', NEW))).toEqual({
      _id: roleId(FIRST, 'committee', NEW),
      openid: FIRST,
      communityId: NEW,
      role: 'committee',
      scope: { communityId: NEW },
      holderName: '王主任',
      grantedBy: BOOTSTRAP_GRANTOR,
      grantedAt: expect.any(Date),
    })
    expect(await t.data.count('roles')).toBe(before + 1)
  })

  it('makes a committee member every part of the product recognises', async () => {
    await bootstrapCommunity(t.data, INPUT)

    // Recognised and listed, with the name given; another community's committee sees nothing of it.
    const me = await community<WhoAmI>(FIRST, 'whoami')
    expect(me.roles).toEqual([
      { id: roleId(FIRST, 'committee', NEW), role: 'committee', scope: { communityId: NEW }, place: '新苑小区 居委' },
    ])
    const listed = await community<RoleView[]>(FIRST, 'listRoles', { communityId: NEW })
    expect(listed.map((r) => [r.role, r.holder])).toEqual([['committee', '王主任']])
    expect(await call('community', WHO.committee, 'listRoles', { communityId: NEW })).toMatchObject({
      code: 'FORBIDDEN',
    })
    const empty = await community<StructureView>(FIRST, 'structure', { communityId: NEW })
    expect(empty.community).toEqual({ id: NEW, name: '新苑小区', ...defaultSettings() })

    // A building by hand, then the ledger (GBK, as Excel saves it) with 自动创建楼栋 for the rest.
    await community(FIRST, 'upsertBuilding', { communityId: NEW, name: '1号' })
    const { fileID } = (await t.sdk.uploadFile({
      cloudPath: `ledger/${NEW}/台账.csv`,
      fileContent: toGbk(LEDGER),
    })) as { fileID: string }
    const preview = await ok<LedgerPreview>('sheets', FIRST, 'importPreview', {
      communityId: NEW,
      fileID,
      createBuildings: true,
    })
    expect(preview).toMatchObject({ ready: true, households: 2, residents: 3, newBuildings: ['2号'] })
    let progress: ImportProgress = { importId: preview.importId, status: 'committing', done: 0, total: 0 }
    for (let i = 0; i < 10 && progress.status !== 'committed'; i++)
      progress = await community<ImportProgress>(FIRST, 'importCommit', { importId: preview.importId })
    expect(progress).toMatchObject({ status: 'committed', total: 2 })
    const structure = await community<StructureView>(FIRST, 'structure', { communityId: NEW })
    expect(structure.totals).toMatchObject({ buildings: 2, households: 2, residents: 3 })
    const b1 = structure.groups.flatMap((g) => g.buildings).find((b) => b.name === '1号')
    const home = (await t.data.get<HouseholdDoc>('households', householdId(NEW, b1?.id ?? '', '101'))) as HouseholdDoc
    const li = home.members.find((m) => m.name === '李四')

    // 李四 joins with an invite the committee member made, and the committee member approves.
    const invite = await community<InviteView>(FIRST, 'createInvite', { buildingId: b1?.id })
    const request = await community<JoinRequestView>(SECOND, 'requestJoin', {
      code: invite.code,
      room: '101',
      name: '李四',
      personalConsent: CONSENTS.personal.version,
      healthConsent: CONSENTS.health.version,
    })
    await community(FIRST, 'decideJoin', { requestId: request.id, approve: true })

    // A round the committee member opens tells them of an abnormal result.
    const round = await ok<RoundView>('antigen', FIRST, 'openRound', {
      communityId: NEW,
      date: shanghaiDay(t.now()),
      deadline: new Date(t.now() + 3600_000).toISOString(),
      notice: '请在 12 点前完成抗原自测并拍照上传',
    })
    const chains = await t.data.find<ChainDoc>('chains', { roundId: round.id })
    expect(chains.map((c) => c.notify?.committee)).toEqual([[FIRST], [FIRST]])
    await t.admin('subscribe', { body: { openid: FIRST, templateId: 'TPL_ABNORMAL' } })
    const photo = async (memberId: string) =>
      (
        (await t.sdk.uploadFile({
          cloudPath: `antigen/${round.id}/${home._id}/${memberId}.jpg`,
          // A JPEG's first bytes: submit reads them from storage.
          fileContent: Buffer.from('ffd8ffe000104a46494600', 'hex'),
        })) as { fileID: string }
      ).fileID
    await ok('antigen', SECOND, 'submit', {
      roundId: round.id,
      householdId: home._id,
      members: await Promise.all(
        home.members.map(async (m) => ({
          memberId: m.id,
          result: m.name === '李四' ? 'positive' : 'negative',
          photo: await photo(m.id),
          photoSize: 120_000,
        })),
      ),
    })
    await pushesSettled(t)
    const outbox = await t.admin<{ touser: string; templateId: string; status: string }[]>('outbox')
    expect(outbox.filter((m) => m.templateId === 'TPL_ABNORMAL' && m.status === 'sent').map((m) => m.touser)).toEqual([
      FIRST,
    ])

    // The last committee member cannot be revoked; a second one can be granted, listed, and revoked.
    const first = roleId(FIRST, 'committee', NEW)
    const refused = { ok: false, code: 'CONFLICT', message: '社区至少要保留一名居委管理员' }
    expect(await call('community', FIRST, 'revokeRole', { roleId: first })).toEqual(refused)
    const second = await community<RoleView>(FIRST, 'grantRole', {
      communityId: NEW,
      householdId: home._id,
      memberId: li?.id,
      role: 'committee',
    })
    expect(second).toMatchObject({ role: 'committee', place: '新苑小区 居委', holder: '李四' })
    const committee = await community<RoleView[]>(FIRST, 'listRoles', { communityId: NEW, role: 'committee' })
    expect(committee.map((r) => r.holder).sort()).toEqual(['李四', '王主任'].sort())

    // Both grants are stored in one shape: what grantRole adds is who in the ledger holds it.
    const [granted, booted] = await Promise.all([
      t.data.get<RoleDoc>('roles', second.id),
      t.data.get<RoleDoc>('roles', first),
    ])
    const shape = (d: RoleDoc | null) =>
      Object.keys(d ?? {})
        .filter((k) => !['householdId', 'memberId', 'holderName'].includes(k))
        .sort()
    expect(shape(granted)).toEqual(shape(booted))
    expect(granted).toMatchObject({ communityId: NEW, scope: { communityId: NEW }, householdId: home._id })

    expect(await community(FIRST, 'revokeRole', { roleId: second.id })).toEqual({ revoked: true })
    expect(await call('community', FIRST, 'revokeRole', { roleId: first })).toEqual(refused)
    expect((await community<WhoAmI>(SECOND, 'whoami')).roles.map((r) => r.role)).toEqual(['resident'])
  }, 60_000)

  it('changes nothing when run again with the same arguments, or without the optional ones', async () => {
    await bootstrapCommunity(t.data, INPUT)
    const before = await snapshot(t)
    const unchanged = { community: 'unchanged', committee: 'unchanged', roleId: roleId(FIRST, 'committee', NEW) }
    expect(await bootstrapCommunity(t.data, INPUT)).toMatchObject(unchanged)
    expect(await bootstrapCommunity(t.data, { ...INPUT, name: ' 新苑小区 ', committeeName: '王 主任' })).toMatchObject(
      unchanged,
    )
    expect(await bootstrapCommunity(t.data, { communityId: NEW, name: '新苑小区', committee: FIRST })).toMatchObject(
      unchanged,
    )
    expect(await snapshot(t)).toBe(before)
  })

  it('completes a run that stopped after writing the community', async () => {
    await bootstrapCommunity(t.data, INPUT)
    await t.data.remove('roles', roleId(FIRST, 'committee', NEW))
    expect(await bootstrapCommunity(t.data, INPUT)).toMatchObject({ community: 'unchanged', committee: 'created' })
    expect((await community<WhoAmI>(FIRST, 'whoami')).roles.map((r) => r.place)).toEqual(['新苑小区 居委'])
  })

  const refusals: [string, Partial<BootstrapInput>, string, RegExp][] = [
    ['an empty community id', { communityId: '' }, 'communityId', /小区 ID「」不可用/],
    ['a community id with a space', { communityId: 'c xinyuan' }, 'communityId', /只能用字母、数字、- 和 _/],
    ['a community id with a slash', { communityId: 'c/xinyuan' }, 'communityId', /不可用/],
    ['a community id in Chinese', { communityId: '新苑' }, 'communityId', /不可用/],
    ['a community id starting with -', { communityId: '-xinyuan' }, 'communityId', /以字母或数字开头/],
    ['a community id of 65 characters', { communityId: 'c'.repeat(65) }, 'communityId', /最多 64 个字符/],
    ['an empty openid', { committee: '' }, 'committee', /openid「」不正确/],
    ['an openid with a space', { committee: 'o first' }, 'committee', /openid「o first」不正确/],
    ['an openid of 65 characters', { committee: 'o'.repeat(65) }, 'committee', /不正确/],
    ['a blank name', { name: '   ' }, 'name', /小区名应为 1–40 个字/],
    ['a name of 41 characters', { name: '新'.repeat(41) }, 'name', /小区名应为 1–40 个字/],
    ['a name of punctuation only', { name: '——' }, 'name', /小区名应为 1–40 个字/],
    ['a name with a right-to-left override', { name: '新\u202e村' }, 'name', /文字方向符号/],
    ['a committee name of 21 characters', { committeeName: '王'.repeat(21) }, 'committeeName', /1–20 个字/],
    ['a committee name of a zero-width space', { committeeName: '\u200b' }, 'committeeName', /零宽字符/],
    [
      'an existing community of another name',
      { communityId: C1 },
      'name',
      /已存在，名称是「测试小区」，不是「新苑小区」/,
    ],
    [
      'an existing community that has its committee',
      { communityId: C1, name: '测试小区', district: undefined },
      'committee',
      /已有 1 位居委管理员，其他居委管理员请由他们在小程序「角色管理」中授予/,
    ],
  ]
  it.each(refusals)('refuses %s, writing nothing', async (_what, change, field, message) => {
    const before = await snapshot(t)
    const input = { ...INPUT, ...change }
    if (change.district === undefined && 'district' in change) delete input.district
    await expect(bootstrapCommunity(t.data, input)).rejects.toMatchObject({
      field,
      message: expect.stringMatching(message),
    })
    expect(await snapshot(t)).toBe(before)
  })

  it('refuses to change an existing community’s district or committee member’s name, writing nothing', async () => {
    await bootstrapCommunity(t.data, INPUT)
    const before = await snapshot(t)
    await expect(bootstrapCommunity(t.data, { ...INPUT, district: '上海市金山区亭林镇' })).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'district',
      message: `小区 ${NEW} 已存在，街道是「上海市金山区朱泾镇」，不是「上海市金山区亭林镇」。未写入任何数据`,
    })
    await expect(bootstrapCommunity(t.data, { ...INPUT, committeeName: '李主任' })).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'committeeName',
    })
    await expect(bootstrapCommunity(t.data, { ...INPUT, committee: 'o-someone-else' })).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'committee',
    })
    expect(await snapshot(t)).toBe(before)
  })

  it('recognises a hand-written roles record nowhere, and says so', async () => {
    await bootstrapCommunity(t.data, INPUT)
    // The shape the README used to describe: no top-level communityId.
    await t.data.set('roles', { _id: 'hand-made', openid: 'o-hand', role: 'committee', scope: { communityId: NEW } })
    expect((await community<WhoAmI>('o-hand', 'whoami')).roles).toEqual([])
    expect(await call('community', 'o-hand', 'structure', { communityId: NEW })).toMatchObject({ code: 'FORBIDDEN' })
    const listed = await community<RoleView[]>(FIRST, 'listRoles', { communityId: NEW })
    expect(listed.map((r) => r.id)).toEqual([roleId(FIRST, 'committee', NEW)])
    expect(await bootstrapCommunity(t.data, INPUT)).toMatchObject({ committee: 'unchanged', ignored: ['hand-made'] })
  })
})

describe('command line (scripts/bootstrap.ts, then scripts/import.ts)', () => {
  const cli = (script: string, args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', `scripts/${script}.ts`, ...args, '--localcloud', t.cloud.url],
        { cwd: ROOT, env: { ...process.env, TCB_CONTEXT_CNFG: '' } },
      )
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('close', (code) => resolve({ code, stdout, stderr }))
    })
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bootstrap-cli-'))
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('creates the community, changes nothing the second time, and the ledger imports with --create-buildings', async () => {
    const file = path.join(dir, '台账.csv')
    fs.writeFileSync(file, LEDGER)
    const missing = await cli('import', [file, '--community', NEW, '--create-buildings'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(`找不到小区 ${NEW}`)
    expect(missing.stderr).toContain(`npm run bootstrap -- --community ${NEW}`)

    const args = ['--community', NEW, '--name', '新苑小区', '--committee', FIRST, '--committee-name', '王主任']
    const created = await cli('bootstrap', args)
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    expect(created.stdout).toContain(`已新建小区「新苑小区」（${NEW}）`)
    expect(created.stdout).toContain(`已添加居委管理员 ${FIRST}`)
    const after = await snapshot(t)

    const again = await cli('bootstrap', args)
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('数据与参数一致，没有写入任何数据')
    expect(await snapshot(t)).toBe(after)

    const renamed = await cli('bootstrap', ['--community', NEW, '--name', '旧苑小区', '--committee', FIRST])
    expect(renamed.code).toBe(1)
    expect(renamed.stderr).toContain('已存在，名称是「新苑小区」，不是「旧苑小区」。未写入任何数据')
    const usage = await cli('bootstrap', ['--community', NEW, '--name', '新苑小区'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('请用 --committee 指定第一位居委管理员的 openid')
    expect(await snapshot(t)).toBe(after)

    const imported = await cli('import', [file, '--community', NEW, '--create-buildings'])
    expect(imported.stderr).toBe('')
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain('将新建 2 个楼栋：1号、2号')
    expect(imported.stdout).toMatch(/导入完成：写入 2 户/)
    const structure = await community<StructureView>(FIRST, 'structure', { communityId: NEW })
    expect(structure.groups.map((g) => [g.name, g.buildings.map((b) => b.name)])).toEqual([['第1营', ['1号', '2号']]])
  }, 60_000)
})
