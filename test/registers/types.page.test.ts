// The type editor (committee): a new register starts with 房号 and 人员; fields added, ordered and removed; a kept
// field's kind is fixed; options split by 顿号; a refusal shown on the page.
import { fail, ok } from '../support/pages/fixtures'
import { find, fire, mount, settleAll, tap, text, texts, type } from '../support/pages/harness'
import { listView, registersCloud, sentRegisters, medicineType, TYPE_ID } from '../support/pages/registers'

const PAGE = 'packageRegisters/pages/types'

function answerModal(confirm: boolean) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((opts: WechatMiniprogram.ShowModalOption) => {
    opts.success?.({ confirm, cancel: !confirm, content: '', errMsg: 'showModal:ok' })
  }) as never)
}

describe('type editor', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('creates a register from its name and fields', async () => {
    registersCloud({ saveRegisterType: () => ok(medicineType()) })
    const comp = mount(PAGE, { communityId: 'c_sunny' })
    await settleAll()
    expect(texts(comp, '.field-name').length).toBe(2)
    await type(comp, '困难家庭', '#name')
    await tap(comp, '#add-field')
    await type(comp, '原因', '#field-2 .field-name')
    await fire(comp, 'change', { value: 3 }, '#field-2 .field-kind')
    await type(comp, '失业、重病', '#field-2 .field-options')
    await fire(comp, 'change', { value: true }, '#field-2 .field-required')
    await fire(comp, 'change', { value: 4 }, '#need')
    await tap(comp, '#save')
    const [sent] = sentRegisters('saveRegisterType')
    expect(sent).toMatchObject({
      communityId: 'c_sunny',
      name: '困难家庭',
      needType: 'gas',
      fields: [
        { label: '房号', kind: 'household', required: true },
        { label: '人员', kind: 'member', required: true },
        { label: '原因', kind: 'choice', required: true, options: ['失业', '重病'] },
      ],
    })
    expect(sent?.typeId).toBeUndefined()
  })

  it('edits a register: kept fields carry their ids and fixed kinds, a removed one is confirmed', async () => {
    registersCloud({
      listRegisters: () => ok(listView()),
      saveRegisterType: () => fail('INVALID_INPUT', '字段「状态」重复了，请改一个名称', 'fields.2.label'),
    })
    spies.push(answerModal(true))
    const comp = mount(PAGE, { communityId: 'c_sunny', typeId: TYPE_ID })
    await settleAll()
    expect(texts(comp, '.field-name').length).toBe(6)
    expect(find(comp, '#field-1 .field-kind')).toBeUndefined()
    await tap(comp, '#field-2 .field-remove')
    await tap(comp, '#field-2 .field-up')
    await tap(comp, '#save')
    const [sent] = sentRegisters('saveRegisterType')
    expect(sent?.typeId).toBe(TYPE_ID)
    expect(sent?.fields.map((f) => f.id)).toEqual(
      ['f1', 'f2', 'f4', 'f5', 'f6'].map((x) => x).sort((a, b) => (a === 'f4' ? -1 : b === 'f4' ? 1 : 0)) && [
        'f1',
        'f4',
        'f2',
        'f5',
        'f6',
      ],
    )
    expect(text(comp, '#save-error')).toBe('字段「状态」重复了，请改一个名称')
  })
})
