// The entry form, generated from the register's fields: room and member pickers from the caller's households, text,
// number, date and choice inputs, required fields told before sending, a field the function refuses shown under it,
// one requestId for an add and its retries, and an entry opened to edit or delete.
import { fail, ok } from '../support/pages/fixtures'
import { find, fire, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'
import {
  entriesView,
  entryView,
  households,
  listView,
  registersCloud,
  sentRegisters,
  TYPE_ID,
} from '../support/pages/registers'

const PAGE = 'packageRegisters/pages/entry'
const q = { typeId: TYPE_ID, communityId: 'c_sunny' }

function answerModal(confirm: boolean) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({ confirm, cancel: !confirm, content: '', errMsg: 'showModal:ok' })
  }) as never)
}

describe('entry form', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  beforeEach(() => {
    registersCloud({
      listRegisters: () => ok(listView()),
      registerHouseholds: () => ok(households),
      addRegisterEntry: () => ok(entryView()),
      editRegisterEntry: () => ok(entryView()),
      deleteRegisterEntry: () => ok({ deleted: true as const }),
      registerEntries: () => ok(entriesView()),
    })
  })

  it('builds the form from the active fields and adds an entry with the picked household and member', async () => {
    const comp = mount(PAGE, q)
    await settleAll()
    expect(texts(comp, '#fields .field-label')).toEqual([
      '人员',
      '药品名称',
      '数量（可不填）',
      '下次配药（可不填）',
      '状态',
    ])
    await fire(comp, 'change', { value: 0 }, '#building')
    expect(sentRegisters('registerHouseholds')).toEqual([{ typeId: TYPE_ID, buildingId: 'b_12' }])
    await fire(comp, 'change', { value: 0 }, '#household')
    await fire(comp, 'change', { value: 0 }, '#field-f2 .member-picker')
    await type(comp, '硝苯地平', '#field-f3 .text-input')
    await type(comp, '2', '#field-f4 .number-input')
    await fire(comp, 'change', { value: '2026-12-01' }, '#field-f5 .date-picker')
    const options = comp.querySelectorAll('#field-f6 .option')
    options[1]?.dispatchEvent('tap')
    await settleAll()
    expect(text(comp, '#field-f6 .option-on')).toBe('已配')
    await tap(comp, '#save')
    const [sent] = sentRegisters('addRegisterEntry')
    expect(sent).toMatchObject({
      typeId: TYPE_ID,
      householdId: 'hh_201',
      values: { f2: 'm_1', f3: '硝苯地平', f4: 2, f5: '2026-12-01', f6: '已配' },
    })
    expect(sent?.requestId).toMatch(/^re/)
  })

  it('tells what is missing before sending, and shows a field the function refused under it', async () => {
    const comp = mount(PAGE, q)
    await settleAll()
    await tap(comp, '#save')
    expect(sentRegisters('addRegisterEntry')).toEqual([])
    expect(text(comp, '#household-error')).toBe('请选择房号')
    expect(text(comp, '#field-f3 .field-error')).toBe('请填写「药品名称」')
    registersCloud({
      listRegisters: () => ok(listView()),
      registerHouseholds: () => ok(households),
      addRegisterEntry: () => fail('INVALID_INPUT', '「人员」不是这一户的成员', 'values.f2'),
    })
    spies.push(answerModal(true))
    await fire(comp, 'change', { value: 0 }, '#building')
    await fire(comp, 'change', { value: 1 }, '#household')
    await fire(comp, 'change', { value: 0 }, '#field-f2 .member-picker')
    await type(comp, '阿司匹林', '#field-f3 .text-input')
    comp.querySelectorAll('#field-f6 .option')[0]?.dispatchEvent('tap')
    await settleAll()
    await tap(comp, '#save')
    await tap(comp, '#save')
    const sent = sentRegisters('addRegisterEntry')
    expect(sent).toHaveLength(2)
    // The same attempt keeps its requestId, so the function adds it once.
    expect(sent[0]?.requestId).toBe(sent[1]?.requestId)
    expect(text(comp, '#field-f2 .field-error')).toBe('「人员」不是这一户的成员')
  })

  it('reads an entry back from its room to edit and delete it', async () => {
    const comp = mount(PAGE, { ...q, entryId: 're_1', buildingId: 'b_12', room: '201' })
    await settleAll()
    expect(sentRegisters('registerEntries')).toEqual([{ typeId: TYPE_ID, buildingId: 'b_12', room: '201' }])
    expect(text(comp, '#fixed-room')).toBe('12-201')
    expect(find(comp, '#building')).toBeUndefined()
    expect(comp.instance.data.form.find((f: { id: string }) => f.id === 'f3')?.text).toBe('硝苯地平')
    await tap(comp, '#save')
    expect(sentRegisters('editRegisterEntry')).toEqual([
      { entryId: 're_1', values: { f2: 'm_1', f3: '硝苯地平', f6: '待配' } },
    ])
    spies.push(answerModal(true))
    await tap(comp, '#delete')
    expect(sentRegisters('deleteRegisterEntry')).toEqual([{ entryId: 're_1' }])
  })
})
