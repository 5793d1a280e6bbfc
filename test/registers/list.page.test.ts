// The registers list: each register with its counts in the caller's subtree; the committee installs the starter set
// with one tap and creates registers; a tap opens a register.
import { fail, ok } from '../support/pages/fixtures'
import { find, mount, settleAll, tap, text, texts } from '../support/pages/harness'
import { listView, registersCloud, sentRegisters, TYPE_ID } from '../support/pages/registers'

const PAGE = 'packageRegisters/pages/list'
const q = { communityId: 'c_sunny' }

describe('registers list', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('lists each register with its entries and linked needs; a tap opens it', async () => {
    registersCloud({ listRegisters: () => ok(listView()) })
    const navigate = jest.spyOn(wx, 'navigateTo')
    spies.push(navigate)
    const comp = mount(PAGE, q)
    await settleAll()
    expect(sentRegisters('listRegisters')).toEqual([{ communityId: 'c_sunny' }])
    expect(texts(comp, '.register-name')).toEqual(['配药需求', '独居老人'])
    expect(texts(comp, '.count')).toEqual(['12 条登记 · 3 条需求', '5 条登记'])
    expect(find(comp, '#starter')).toBeUndefined()
    expect(find(comp, '#new-type')).toBeDefined()
    await tap(comp, `#register-${TYPE_ID}`)
    expect(navigate).toHaveBeenCalledWith(
      expect.objectContaining({ url: `/packageRegisters/pages/entries?typeId=${TYPE_ID}&communityId=c_sunny` }),
    )
  })

  it('offers the committee the starter set with one tap, and reloads with it installed', async () => {
    let installed = false
    registersCloud({
      listRegisters: () => ok(installed ? listView() : listView({ registers: [], starterMissing: 10 })),
      installStarterSet: () => {
        installed = true
        return ok({ installed: 10, existing: 0 })
      },
    })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(text(comp, '#empty')).toMatch(/一键添加常用底账/)
    expect(text(comp, '#starter')).toMatch(/10 个底账/)
    await tap(comp, '#install')
    expect(sentRegisters('installStarterSet')).toEqual([{ communityId: 'c_sunny' }])
    expect(find(comp, '#starter')).toBeUndefined()
    expect(texts(comp, '.register-name')).toHaveLength(2)
  })

  it('shows a lead no management and says what to do when the call fails', async () => {
    registersCloud({ listRegisters: () => ok(listView({ canManage: false, registers: [] })) })
    const comp = mount(PAGE, q)
    await settleAll()
    expect(find(comp, '#new-type')).toBeUndefined()
    expect(text(comp, '#empty')).toMatch(/居委添加底账后/)
    registersCloud({ listRegisters: () => fail('FORBIDDEN', '您没有权限进行此操作') })
    const refused = mount(PAGE, q)
    await settleAll()
    expect(text(refused, '#error')).toMatch(/没有权限/)
  })
})
