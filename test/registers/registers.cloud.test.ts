// The registers on localcloud: the starter set installed once, types edited with their old values kept, entries
// checked against the roster, each role's subtree and masking, the needs of a linked type as rows, idempotent
// retries, and bad input that writes nothing.
import type {
  RegisterEntriesView,
  RegisterEntryView,
  RegisterHouseholdOption,
  RegisterListView,
  RegisterTypeView,
} from '../../typings/api'
import type { RegisterEntryDoc, RegisterTypeDoc } from '../../server/registers/model'
import { STARTER_SET } from '../../server/registers/starter'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, H, loadFixture, snapshot, WHO } from '../support/community'
import { fieldId, freshId, installStarter, needDoc, putNeeds, registers, STARTER, typeOf } from '../support/registers'

let t: TestCloud
let r: ReturnType<typeof registers>
beforeAll(async () => {
  t = await startTestCloud()
  r = registers(t)
})
afterAll(() => t.stop())
beforeEach(() => loadFixture(t))

async function refusedWith(code: string, who: string, action: string, payload: object, fn = 'registers') {
  const before = await snapshot(t)
  const reply = await r.call(who, action, payload, fn)
  expect(reply).toMatchObject({ ok: false, code })
  expect(await snapshot(t)).toBe(before)
  return reply
}

/** An entry of 配药需求 for a household: its member, a drug, a status. */
async function medicine(who: string, householdId: string, memberId: string, extra: object = {}, requestId = freshId()) {
  const type = await typeOf(t, 'medicine')
  return r.call<RegisterEntryView>(who, 'addRegisterEntry', {
    typeId: type.id,
    householdId,
    requestId,
    values: {
      [fieldId(type, '人员')]: memberId,
      [fieldId(type, '药品名称')]: '硝苯地平',
      [fieldId(type, '状态')]: '待配',
      ...extra,
    },
  })
}

describe('the starter set', () => {
  it('installs every documented type once, however often it is tapped', async () => {
    const first = await r.ok<{ installed: number; existing: number }>(WHO.committee, 'installStarterSet', {
      communityId: C1,
    })
    expect(first).toEqual({ installed: STARTER_SET.length, existing: 0 })
    const [again, twin] = await Promise.all([
      r.ok(WHO.committee, 'installStarterSet', { communityId: C1 }),
      r.ok(WHO.committee, 'installStarterSet', { communityId: C1 }),
    ])
    expect([again, twin]).toEqual([
      { installed: 0, existing: STARTER_SET.length },
      { installed: 0, existing: STARTER_SET.length },
    ])
    const stored = await t.data.findAll<RegisterTypeDoc>('registerTypes', { communityId: C1 })
    expect(stored.map((d) => d.name).sort()).toEqual(STARTER_SET.map((s) => s.name).sort())
    expect(stored.find((d) => d.name === '配药需求')?.needType).toBe('medicine')
    expect(stored.find((d) => d.name === '燃气充值服务')?.needType).toBe('gas')
    expect(stored.find((d) => d.name === '就医需求')?.needType).toBe('medical')
    expect(stored.find((d) => d.name === '外出人员信息表')?.needType).toBe('outing')
    // Every type has exactly one household field, first.
    for (const d of stored) expect(d.fields.filter((f) => f.kind === 'household').map((f) => f.id)).toEqual(['f1'])
    const list = await r.ok<RegisterListView>(WHO.committee, 'listRegisters', { communityId: C1 })
    expect(list.starterMissing).toBe(0)
    expect(list.canManage).toBe(true)
    expect(list.registers.map((x) => x.type.name)).toEqual(STARTER_SET.map((s) => s.name))
  })

  it('is the committee’s alone, and nothing is written for anyone else', async () => {
    for (const who of [WHO.communityLead, WHO.buildingLead, WHO.resident, WHO.otherCommittee])
      await refusedWith('FORBIDDEN', who, 'installStarterSet', { communityId: C1 })
  })
})

describe('types', () => {
  const base = {
    communityId: C1,
    name: '困难家庭',
    description: '需要帮扶的家庭',
    fields: [
      { label: '房号', kind: 'household', required: true },
      { label: '成员', kind: 'member', required: false },
      { label: '原因', kind: 'choice', required: true, options: ['失业', '重病'] },
      { label: '补助金额', kind: 'number', required: false },
    ],
  }

  it('creates a type once per requestId and keeps removed fields hidden with their values', async () => {
    const requestId = freshId()
    const made = await r.ok<RegisterTypeView>(WHO.committee, 'saveRegisterType', { ...base, requestId })
    const again = await r.ok<RegisterTypeView>(WHO.committee, 'saveRegisterType', { ...base, requestId })
    expect(again.id).toBe(made.id)
    expect(await t.data.count('registerTypes', { communityId: C1 })).toBe(1)
    expect(made.fields.map((f) => [f.id, f.label])).toEqual([
      ['f1', '房号'],
      ['f2', '成员'],
      ['f3', '原因'],
      ['f4', '补助金额'],
    ])
    const entry = await r.ok<RegisterEntryView>(WHO.committee, 'addRegisterEntry', {
      typeId: made.id,
      householdId: H.b1r101._id,
      requestId: freshId(),
      values: { f2: 'm-li', f3: '重病', f4: 800 },
    })
    // The edit drops 补助金额, renames 原因, adds 备注.
    const edited = await r.ok<RegisterTypeView>(WHO.committee, 'saveRegisterType', {
      ...base,
      typeId: made.id,
      requestId: freshId(),
      fields: [
        { id: 'f1', label: '房号', kind: 'household', required: true },
        { id: 'f2', label: '成员', kind: 'member', required: false },
        { id: 'f3', label: '困难原因', kind: 'choice', required: true, options: ['失业', '重病', '残疾'] },
        { label: '备注', kind: 'text', required: false },
      ],
    })
    expect(edited.fields.map((f) => [f.id, f.label, f.removed ?? false])).toEqual([
      ['f1', '房号', false],
      ['f2', '成员', false],
      ['f3', '困难原因', false],
      ['f5', '备注', false],
      ['f4', '补助金额', true],
    ])
    const stored = await t.data.get<RegisterEntryDoc>('registerEntries', entry.id)
    expect(stored?.values).toEqual({ f2: 'm-li', f3: '重病', f4: 800 })
    // The list shows the active fields only; an edit of the entry keeps the removed field's value.
    const list = await r.ok<RegisterEntriesView>(WHO.committee, 'registerEntries', { typeId: made.id })
    expect(list.entries[0]?.cells.map((c) => [c.fieldId, c.text])).toEqual([
      ['f2', '李四'],
      ['f3', '重病'],
      ['f5', ''],
    ])
    await r.ok(WHO.committee, 'editRegisterEntry', {
      entryId: entry.id,
      values: { f2: 'm-li', f3: '残疾', f5: '已申请' },
    })
    expect((await t.data.get<RegisterEntryDoc>('registerEntries', entry.id))?.values).toEqual({
      f2: 'm-li',
      f3: '残疾',
      f4: 800,
      f5: '已申请',
    })
  })

  it.each([
    ['no household field', { fields: [{ label: '成员', kind: 'member', required: true }] }, 'fields'],
    [
      'two household fields',
      {
        fields: [
          { label: '房号', kind: 'household', required: true },
          { label: '房号2', kind: 'household', required: true },
        ],
      },
      'fields',
    ],
    [
      'a choice with one option',
      {
        fields: [
          { label: '房号', kind: 'household', required: true },
          { label: '原因', kind: 'choice', required: true, options: ['失业'] },
        ],
      },
      'fields.1.options',
    ],
    [
      'the same label twice',
      {
        fields: [
          { label: '房号', kind: 'household', required: true },
          { label: '原因', kind: 'text', required: true },
          { label: '原因', kind: 'number', required: true },
        ],
      },
      'fields.2.label',
    ],
    ['an unknown kind', { fields: [{ label: '房号', kind: 'address', required: true }] }, 'fields.0.kind'],
    ['an empty name', { name: '   ' }, 'name'],
    ['a field id that does not exist', { typeId: 'rt_nope' }, undefined],
  ])('refuses %s and writes nothing', async (_what, change, field) => {
    const payload = { ...base, requestId: freshId(), ...change }
    const code = 'typeId' in change ? 'NOT_FOUND' : 'INVALID_INPUT'
    const reply = await refusedWith(code, WHO.committee, 'saveRegisterType', payload)
    if (field) expect(reply).toMatchObject({ field })
    if (!reply.ok) expect(reply.message).toMatch(/[\u4e00-\u9fff]/)
  })

  it('refuses to change a kept field’s kind, and a type named like another', async () => {
    const made = await r.ok<RegisterTypeView>(WHO.committee, 'saveRegisterType', { ...base, requestId: freshId() })
    await refusedWith('INVALID_INPUT', WHO.committee, 'saveRegisterType', {
      ...base,
      typeId: made.id,
      requestId: freshId(),
      fields: [
        { id: 'f1', label: '房号', kind: 'household', required: true },
        { id: 'f4', label: '补助金额', kind: 'text', required: false },
      ],
    })
    await refusedWith('INVALID_INPUT', WHO.committee, 'saveRegisterType', { ...base, requestId: freshId() })
  })

  it('deletes a type with its entries when its name is typed', async () => {
    await installStarter(t)
    await medicine(WHO.committee, H.b1r101._id, 'm-zhang')
    await refusedWith('INVALID_INPUT', WHO.committee, 'deleteRegisterType', {
      typeId: STARTER('medicine'),
      confirm: '配药',
    })
    await refusedWith('FORBIDDEN', WHO.buildingLead, 'deleteRegisterType', {
      typeId: STARTER('medicine'),
      confirm: '配药需求',
    })
    expect(
      await r.ok(WHO.committee, 'deleteRegisterType', { typeId: STARTER('medicine'), confirm: '配药需求' }),
    ).toEqual({ entries: 1 })
    expect(await t.data.count('registerEntries', { typeId: STARTER('medicine') })).toBe(0)
    expect(await t.data.get('registerTypes', STARTER('medicine'))).toBeNull()
  })
})

describe('entries against the roster', () => {
  beforeEach(() => installStarter(t))

  it('stores an entry with its household’s building, 营 and floor, and who wrote it', async () => {
    const reply = await medicine(WHO.buildingLead, H.b1r201._id, 'm-zhao2')
    if (!reply.ok) throw new Error(reply.message)
    const doc = await t.data.get<RegisterEntryDoc>('registerEntries', reply.data.id)
    expect(doc).toMatchObject({
      communityId: C1,
      typeId: STARTER('medicine'),
      groupId: 'g1',
      buildingId: 'b1',
      floor: 2,
      householdId: H.b1r201._id,
      room: '201',
      memberIds: ['m-zhao2'],
      created: { openid: WHO.buildingLead },
    })
    expect(reply.data.label).toBe('1-201')
  })

  it('adds one entry for a retried requestId', async () => {
    const requestId = freshId()
    const [a, b] = await Promise.all([
      medicine(WHO.committee, H.b1r101._id, 'm-zhang', {}, requestId),
      medicine(WHO.committee, H.b1r101._id, 'm-zhang', {}, requestId),
    ])
    const c = await medicine(WHO.committee, H.b1r101._id, 'm-zhang', {}, requestId)
    expect(a.ok && b.ok && c.ok).toBe(true)
    expect(await t.data.count('registerEntries', { typeId: STARTER('medicine') })).toBe(1)
  })

  it.each([
    ['a member of another household', { f2: 'm-qian' }, 'values.f2', /不是这一户的成员/],
    ['an option not in the list', { f7: '已退回' }, 'values.f7', /不在列表/],
    ['a required field left out', { f3: '' }, 'values.f3', /请填写「药品名称」/],
    ['a field the type does not have', { f99: 'x' }, 'values.f99', /已停用或不存在/],
    ['a photo from elsewhere', { f6: 'cloud://local.local-localcloud/antigen/r1/h1/p.jpg' }, 'values.f6', /照片/],
  ])('refuses %s and writes nothing', async (_what, values, field, message) => {
    const type = await typeOf(t, 'medicine')
    expect(fieldId(type, '药品名称')).toBe('f3')
    expect(fieldId(type, '状态')).toBe('f7')
    const payload = {
      typeId: type.id,
      householdId: H.b1r101._id,
      requestId: freshId(),
      values: { f2: 'm-zhang', f3: '硝苯地平', f7: '待配', ...values },
    }
    const reply = await refusedWith('INVALID_INPUT', WHO.committee, 'addRegisterEntry', payload)
    expect(reply).toMatchObject({ field })
    if (!reply.ok) expect(reply.message).toMatch(message)
  })

  it('refuses a day that does not exist and a number that is text', async () => {
    const type = await typeOf(t, 'gas')
    const ok = {
      typeId: type.id,
      householdId: H.b1r101._id,
      requestId: freshId(),
      values: {
        [fieldId(type, '燃气卡')]: 'IC卡',
        [fieldId(type, '充值金额（元）')]: 100,
        [fieldId(type, '登记日期')]: '2026-11-24',
        [fieldId(type, '状态')]: '待充值',
      },
    }
    await refusedWith('INVALID_INPUT', WHO.committee, 'addRegisterEntry', {
      ...ok,
      values: { ...ok.values, [fieldId(type, '登记日期')]: '2026-02-30' },
    })
    await refusedWith('INVALID_INPUT', WHO.committee, 'addRegisterEntry', {
      ...ok,
      values: { ...ok.values, [fieldId(type, '充值金额（元）')]: '一百' },
    })
    await refusedWith('INVALID_INPUT', WHO.committee, 'addRegisterEntry', { ...ok, stray: 1 })
    expect((await r.call(WHO.committee, 'addRegisterEntry', ok)).ok).toBe(true)
  })

  it('records who edited and deleted an entry and when, and the list no longer shows a deleted one', async () => {
    const made = await medicine(WHO.committee, H.b1r101._id, 'm-zhang')
    if (!made.ok) throw new Error(made.message)
    await t.advanceClock(60_000)
    const edited = await r.ok<RegisterEntryView>(WHO.buildingLead, 'editRegisterEntry', {
      entryId: made.data.id,
      values: { f2: 'm-li', f3: '二甲双胍', f7: '已配' },
    })
    expect(edited.cells.find((c) => c.fieldId === 'f2')?.text).toBe('李*')
    const doc = await t.data.get<RegisterEntryDoc>('registerEntries', made.data.id)
    expect(doc?.updated?.openid).toBe(WHO.buildingLead)
    expect(doc?.memberIds).toEqual(['m-li'])
    expect(new Date(doc?.updated?.at as Date).getTime()).toBeGreaterThan(new Date(doc?.created.at as Date).getTime())
    await r.ok(WHO.buildingLead, 'deleteRegisterEntry', { entryId: made.data.id })
    const gone = await t.data.get<RegisterEntryDoc>('registerEntries', made.data.id)
    expect(gone).toMatchObject({ values: {}, memberIds: [], deleted: { openid: WHO.buildingLead } })
    const list = await r.ok<RegisterEntriesView>(WHO.committee, 'registerEntries', { typeId: STARTER('medicine') })
    expect(list.total).toBe(0)
    await refusedWith('FORBIDDEN', WHO.buildingLead, 'editRegisterEntry', { entryId: made.data.id, values: {} })
  })
})

describe('each role’s subtree', () => {
  beforeEach(async () => {
    await installStarter(t)
    for (const [h, m] of [
      [H.b1r101._id, 'm-zhang'],
      [H.b1r201._id, 'm-zhao'],
      [H.b2r101._id, 'm-qian'],
      [H.b3r301._id, 'm-sun'],
    ] as const) {
      const reply = await medicine(WHO.committee, h, m)
      if (!reply.ok) throw new Error(reply.message)
    }
  })

  const labels = async (who: string, payload: object = {}) =>
    (await r.ok<RegisterEntriesView>(who, 'registerEntries', { typeId: STARTER('medicine'), ...payload })).entries.map(
      (e) => e.label,
    )

  it('shows the committee and 团长 everything, a 营长 their 营, a lead their building, a floor lead their floor', async () => {
    expect(await labels(WHO.committee)).toEqual(['1-101', '1-201', '2-101', '3-301'])
    expect(await labels(WHO.communityLead)).toEqual(['1-101', '1-201', '2-101', '3-301'])
    expect(await labels(WHO.groupLead)).toEqual(['1-101', '1-201', '2-101'])
    expect(await labels(WHO.buildingLead)).toEqual(['1-101', '1-201'])
    expect(await labels(WHO.floorLead)).toEqual(['1-201'])
    expect(await labels(WHO.committee, { buildingId: 'b2' })).toEqual(['2-101'])
    expect(await labels(WHO.committee, { room: '201' })).toEqual(['1-201'])
    const list = await r.ok<RegisterListView>(WHO.groupLead, 'listRegisters', { communityId: C1 })
    expect(list.registers.find((x) => x.type.id === STARTER('medicine'))?.entries).toBe(3)
    expect(list.buildings.map((b) => b.id)).toEqual(['b1', 'b2'])
    expect(list.canManage).toBe(false)
  })

  it('refuses a building outside the subtree, residents, volunteers and another committee', async () => {
    await refusedWith('FORBIDDEN', WHO.buildingLead, 'registerEntries', {
      typeId: STARTER('medicine'),
      buildingId: 'b3',
    })
    for (const who of [WHO.resident, WHO.volunteer, WHO.otherCommittee, WHO.stranger])
      await refusedWith('FORBIDDEN', who, 'registerEntries', { typeId: STARTER('medicine') })
  })

  it('lets a lead write inside their subtree only', async () => {
    expect((await medicine(WHO.floorLead, H.b1r201._id, 'm-zhao')).ok).toBe(true)
    expect((await medicine(WHO.groupLead, H.b2r101._id, 'm-qian')).ok).toBe(true)
    const before = await snapshot(t)
    for (const [who, h, m] of [
      [WHO.floorLead, H.b1r101._id, 'm-zhang'],
      [WHO.buildingLead, H.b3r301._id, 'm-sun'],
      [WHO.groupLead, H.b3r301._id, 'm-sun'],
      [WHO.otherCommittee, H.b1r101._id, 'm-zhang'],
      [WHO.committee, H.x1r101._id, 'm-other'],
      [WHO.volunteer, H.b1r101._id, 'm-zhang'],
    ] as const)
      expect(await medicine(who, h, m)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await snapshot(t)).toBe(before)
  })

  it('masks names outside the committee and never carries a phone', async () => {
    const full = await r.ok<RegisterEntriesView>(WHO.committee, 'registerEntries', { typeId: STARTER('medicine') })
    expect(full.entries.map((e) => e.cells.find((c) => c.fieldId === 'f2')?.text)).toEqual([
      '张三',
      '赵六',
      '钱七',
      '孙八',
    ])
    for (const who of [WHO.communityLead, WHO.groupLead, WHO.buildingLead, WHO.floorLead]) {
      const view = await r.ok<RegisterEntriesView>(who, 'registerEntries', { typeId: STARTER('medicine') })
      const json = JSON.stringify(view)
      expect(json).not.toMatch(/张三|赵六|钱七|孙八|1380000/)
      expect(view.entries.every((e) => /\*/.test(e.cells.find((c) => c.fieldId === 'f2')?.text ?? ''))).toBe(true)
    }
    expect(JSON.stringify(full)).not.toMatch(/1380000/)
  })

  it('offers the form the households of the caller’s subtree', async () => {
    const floor = await r.ok<RegisterHouseholdOption[]>(WHO.floorLead, 'registerHouseholds', {
      typeId: STARTER('medicine'),
      buildingId: 'b1',
    })
    expect(floor.map((h) => h.label)).toEqual(['1-201'])
    const lead = await r.ok<RegisterHouseholdOption[]>(WHO.buildingLead, 'registerHouseholds', {
      typeId: STARTER('medicine'),
      buildingId: 'b1',
    })
    expect(lead.map((h) => h.label)).toEqual(['1-101', '1-102', '1-201'])
    expect(JSON.stringify(lead)).not.toMatch(/1380000/)
    await refusedWith('FORBIDDEN', WHO.buildingLead, 'registerHouseholds', {
      typeId: STARTER('medicine'),
      buildingId: 'b3',
    })
  })
})

describe('needs feed their register', () => {
  beforeEach(async () => {
    await installStarter(t)
    await putNeeds(t, [
      needDoc('need-1', H.b1r101, 'medicine', { memberId: 'm-zhang' }),
      needDoc('need-2', H.b3r301, 'medicine', { status: 'taken', detail: '胰岛素' }),
      needDoc('need-3', H.b1r201, 'medicine', { status: 'cancelled' }),
      needDoc('need-4', H.b1r101, 'gas', { detail: '燃气卡充 100 元' }),
      needDoc('need-5', H.x1r101, 'medicine'),
    ])
  })

  it('lists the needs of the linked type in scope as read-only rows with their status', async () => {
    const all = await r.ok<RegisterEntriesView>(WHO.committee, 'registerEntries', { typeId: STARTER('medicine') })
    expect(all.needRows.map((n) => [n.needId, n.label, n.statusLabel, n.person])).toEqual(
      expect.arrayContaining([
        ['need-1', '1-101', '待接单', '张三'],
        ['need-2', '3-301', '已接单', ''],
      ]),
    )
    expect(all.needRows).toHaveLength(2)
    const lead = await r.ok<RegisterEntriesView>(WHO.buildingLead, 'registerEntries', { typeId: STARTER('medicine') })
    expect(lead.needRows.map((n) => [n.needId, n.person])).toEqual([['need-1', '张*']])
    const gas = await r.ok<RegisterEntriesView>(WHO.committee, 'registerEntries', { typeId: STARTER('gas') })
    expect(gas.needRows.map((n) => n.detail)).toEqual(['燃气卡充 100 元'])
    const list = await r.ok<RegisterListView>(WHO.committee, 'listRegisters', { communityId: C1 })
    expect(list.registers.find((x) => x.type.id === STARTER('medicine'))).toMatchObject({ entries: 0, needs: 2 })
    // Nothing is copied: a need deleted is a row gone.
    await t.sdk.database().collection('needs').doc('need-1').remove()
    const after = await r.ok<RegisterEntriesView>(WHO.committee, 'registerEntries', { typeId: STARTER('medicine') })
    expect(after.needRows.map((n) => n.needId)).toEqual(['need-2'])
    expect(await t.data.count('registerEntries', {})).toBe(0)
  })
})
