import type { StructureView } from '../../typings/api'
import {
  committeeRole,
  community,
  communityLeadRole,
  fail,
  me,
  ok,
  sent,
  structureView,
} from '../support/pages/fixtures'
import { fire, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'

const PAGE = 'packageCommittee/pages/structure'
const q = { communityId: 'c_sunny' }

function answerModal(answer: { confirm: boolean; content?: string }) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({
      confirm: answer.confirm,
      cancel: !answer.confirm,
      content: answer.content ?? '',
      errMsg: 'showModal:ok',
    })
  }) as never)
}

function committee(view: () => StructureView = () => structureView()) {
  community({
    whoami: () => ok(me({ roles: [committeeRole] })),
    structure: () => ok(view()),
    moveBuilding: (p) =>
      ok({ id: p.buildingId, name: '12号', groupId: p.groupId, households: 0, residents: 0, linkedHouseholds: 0 }),
    renameGroup: (p) => ok({ id: p.groupId, name: p.name }),
    autoGroup: (p) =>
      ok(
        structureView({
          community: { ...structureView().community, groupSize: p.size ?? 20 },
          groups: [{ id: 'g_1', name: '第1营', buildings: structureView().groups.flatMap((g) => g.buildings) }],
        }),
      ),
    upsertBuilding: (p) =>
      p.name === '1号'
        ? fail('CONFLICT', '已经有一栋「1号」', 'name')
        : ok({
            id: 'b_new',
            name: p.name,
            groupId: p.groupId ?? 'g_2',
            households: 0,
            residents: 0,
            linkedHouseholds: 0,
          }),
  })
}

describe('community structure', () => {
  let modal: jest.SpyInstance | undefined
  afterEach(() => modal?.mockRestore())

  it('shows the totals and each 营 with its counts; buildings open on tap', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sent('structure')).toEqual([q])
    expect(text(comp, '#totals')).toContain('阳光小区')
    expect(text(comp, '#totals')).toContain('3 栋 · 106 户 · 246 人 · 60岁以上 58 人')
    expect(text(comp, '#group-g_1')).toContain('2 栋 · 76 户 · 176 人 · 51 户已绑定微信')
    expect(text(comp, '#group-g_1')).toContain('1 位营长')
    expect(text(comp, '#group-g_2')).toContain('还没有营长')
    expect(comp.querySelector('#building-b_1')).toBeUndefined()

    await tap(comp, '#group-g_1 .group-head')
    expect(text(comp, '#building-b_1')).toContain('40 户 · 96 人 · 31 户已绑定微信')
    expect(text(comp, '#building-b_12')).toContain('还没有楼组长')
  })

  it('moves a building to the 营 picked and reads the tree again', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#group-g_1 .group-head')
    await fire(comp, 'change', { value: 1 }, '#building-b_12 .move')
    expect(sent('moveBuilding')).toEqual([{ buildingId: 'b_12', groupId: 'g_2' }])
    expect(sent('structure')).toHaveLength(2)
    expect(comp.data.groups[0].expanded).toBe(true)

    await fire(comp, 'change', { value: 0 }, '#building-b_12 .move')
    expect(sent('moveBuilding')).toHaveLength(1) // already in 第1营
  })

  it('renames a 营 with the name typed in the dialog', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    modal = answerModal({ confirm: true, content: '第1营（东区）' })
    await tap(comp, '#group-g_1 .rename')
    expect(modal).toHaveBeenCalledWith(expect.objectContaining({ editable: true, content: '第1营' }))
    expect(sent('renameGroup')).toEqual([{ groupId: 'g_1', name: '第1营（东区）' }])
  })

  it('groups automatically with the size typed, after confirming', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    expect(comp.data.sizeText).toBe('20')
    await type(comp, '0', '#size-input')
    await tap(comp, '#auto-group-button')
    expect(text(comp, '#size-error')).toContain('1 到 100')
    expect(sent('autoGroup')).toEqual([])

    await type(comp, '25', '#size-input')
    modal = answerModal({ confirm: true })
    await tap(comp, '#auto-group-button')
    expect(sent('autoGroup')).toEqual([{ communityId: 'c_sunny', size: 25 }])
    expect(texts(comp, '.group-name')).toEqual(['第1营'])
  })

  it('adds a building, showing a duplicate name next to the field', async () => {
    committee()
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#add-building-button')
    expect(text(comp, '#new-name-error')).toContain('请填写楼栋名称')

    await type(comp, '1号', '#new-name')
    await tap(comp, '#add-building-button')
    expect(text(comp, '#new-name-error')).toBe('已经有一栋「1号」')

    await type(comp, '22号', '#new-name')
    await fire(comp, 'change', { value: 2 }, '#new-group')
    await tap(comp, '#add-building-button')
    expect(sent('upsertBuilding')[1]).toEqual({ communityId: 'c_sunny', name: '22号', groupId: 'g_2' })
    expect(comp.data.newName).toBe('')
  })

  it('is read-only for a 团长', async () => {
    community({ whoami: () => ok(me({ roles: [communityLeadRole] })), structure: () => ok(structureView()) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#readonly')).toContain('只读')
    expect(comp.querySelector('#auto-group')).toBeUndefined()
    expect(comp.querySelector('.rename')).toBeUndefined()
    await tap(comp, '#group-g_1 .group-head')
    expect(comp.querySelector('#building-b_1 .move')).toBeUndefined()
  })

  it('says how to start when there are no buildings', async () => {
    committee(() => structureView({ groups: [], totals: { buildings: 0, households: 0, residents: 0, elderly: 0 } }))
    const nav = jest.spyOn(wx, 'navigateTo')
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#empty')).toContain('还没有楼栋')
    await tap(comp, '#empty', '.status-action')
    expect(nav).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/packageCommittee/pages/import?communityId=c_sunny' }),
    )
    nav.mockRestore()
  })

  it('shows the error and retries', async () => {
    let broken = true
    community({
      whoami: () => ok(me({ roles: [committeeRole] })),
      structure: () => (broken ? fail('FORBIDDEN', '您没有权限进行此操作') : ok(structureView())),
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#error')).toContain('您没有权限进行此操作')
    broken = false
    await tap(comp, '#error', '.status-action')
    expect(comp.data.state).toBe('ready')
  })
})
