// 需求汇总: a row per building with the counts by type and status and the total; another day on the picker; the
// export for 团长 and the committee only.
import { ok, sheets, sentSheets } from '../support/pages/fixtures'
import { needsCloud, rollupRow, sentNeeds } from '../support/pages/needs'
import { fakeCloud, find, fire, mount, settleAll, tap, texts } from '../support/pages/harness'

const PAGE = 'packageNeeds/pages/rollup'

const rows = [
  rollupRow({ byType: { medicine: 2, medical: 0, groceries: 1, gas: 0, outing: 0, psych: 0, other: 0 }, total: 3 }),
  rollupRow({
    buildingId: 'b_13',
    name: '13号',
    byStatus: { new: 0, taken: 0, done: 1, escalated: 0, cancelled: 0 },
    total: 1,
  }),
]
const total = rollupRow({ buildingId: '', name: '合计', total: 4 })

describe('the needs roll-up', () => {
  const spies: jest.SpyInstance[] = []
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()))

  it('shows a row per building with the total, and another day when picked', async () => {
    needsCloud({ needRollup: (p) => ok({ communityId: 'c_sunny', day: p.day, rows, total, canExport: false }) })
    const comp = mount(PAGE, { communityId: 'c_sunny', day: '2026-11-24' })
    await settleAll()
    expect(sentNeeds('needRollup')).toEqual([{ communityId: 'c_sunny', day: '2026-11-24' }])
    expect(texts(comp, '#row-b_12 .td').slice(0, 4)).toEqual(['12号', '2', '0', '1'])
    expect(texts(comp, '#row-b_12 .td').at(-1)).toBe('3')
    expect(texts(comp, '#row-total .td').at(-1)).toBe('4')
    expect(find(comp, '#export')).toBeUndefined()
    await fire(comp, 'change', { value: '2026-11-23' }, '#day')
    expect(sentNeeds('needRollup').at(-1)).toEqual({ communityId: 'c_sunny', day: '2026-11-23' })
  })

  it('exports the day’s table for the committee', async () => {
    needsCloud({ needRollup: (p) => ok({ communityId: 'c_sunny', day: p.day, rows, total, canExport: true }) })
    sheets({
      exportNeeds: () =>
        ok({
          fileID: 'cloud://test-env.b/exports/c_sunny/needs.xlsx',
          tempFileURL: 'https://x/needs.xlsx',
          fileName: '需求汇总-2026-11-24.xlsx',
        }),
    })
    const open = jest
      .spyOn(wx, 'openDocument')
      .mockImplementation(((o: WechatMiniprogram.OpenDocumentOption) => o.success?.({ errMsg: 'ok' })) as never)
    spies.push(open)
    const comp = mount(PAGE, { communityId: 'c_sunny', day: '2026-11-24' })
    await settleAll()
    await tap(comp, '#export')
    expect(sentSheets('exportNeeds')).toEqual([{ communityId: 'c_sunny', day: '2026-11-24' }])
    expect(fakeCloud.downloads).toEqual(['cloud://test-env.b/exports/c_sunny/needs.xlsx'])
  })
})
