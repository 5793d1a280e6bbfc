// What the functions' runtime must have and the code relies on, checked on the Node.js the tests run on, which
// must be the production runtime's major version (cloudbaserc.json) and what esbuild compiles for.
import fs from 'node:fs'
import path from 'node:path'
import { ESBUILD_TARGET, listFunctions } from '../../scripts/lib/functions'
import { decodeText, parseCsv } from '../../server/ledger/csv'
import { naturalCompare } from '../../server/community/structure'
import { formatShanghai, shanghaiDay } from '../../server/kernel/time'

const ROOT = path.resolve(__dirname, '../..')
const rc = JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudbaserc.json'), 'utf8')) as {
  functions: { name: string; runtime: string }[]
}
const runtimes = [...new Set(rc.functions.map((f) => f.runtime))]

describe('the deployed runtime', () => {
  it('is one Node.js runtime for every function', () => {
    expect(rc.functions.map((f) => f.name).sort()).toEqual(listFunctions())
    expect(runtimes).toHaveLength(1)
    expect(runtimes[0]).toMatch(/^Nodejs\d+\.\d+$/)
  })

  const [, major, minor] = /^Nodejs(\d+)\.(\d+)$/.exec(runtimes[0] ?? '') ?? []

  it('is the major version the tests run on', () => {
    expect(process.versions.node.split('.')[0]).toBe(major)
  })

  it('is what esbuild compiles the functions for', () => {
    expect(ESBUILD_TARGET).toBe(`node${major}.${minor}`)
  })

  it('is a version package.json accepts', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
    expect(pkg.engines.node).toBe(`>=${major}.${minor} <${Number(major) + 1}`)
  })
})

describe('full ICU, as the code relies on', () => {
  // 「楼栋,房号,姓名」 and 「张三」 as Excel on Chinese Windows saves them (GBK); 喆 and 镕 are GBK, not GB2312.
  const GBK_HEADER = [0xc2, 0xa5, 0xb6, 0xb0, 0x2c, 0xb7, 0xbf, 0xba, 0xc5, 0x2c, 0xd0, 0xd5, 0xc3, 0xfb]
  const GBK_NAMES = [0xd5, 0xc5, 0xc8, 0xfd, 0x2c, 0x86, 0xb4, 0xe9, 0x46]

  it('decodes GBK with TextDecoder (ledger CSV from Excel)', () => {
    expect(new TextDecoder('gbk').decode(new Uint8Array(GBK_NAMES))).toBe('张三,喆镕')
    const file = new Uint8Array([...GBK_HEADER, 0x0d, 0x0a, ...GBK_NAMES])
    expect(parseCsv(decodeText(file))).toEqual([
      ['楼栋', '房号', '姓名'],
      ['张三', '喆镕'],
    ])
  })

  it('formats dates in Asia/Shanghai with zh-CN data while the process runs in UTC', () => {
    const at = new Date('2026-11-23T16:30:00Z')
    const format = new Intl.DateTimeFormat('zh-CN', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    expect(format.resolvedOptions()).toMatchObject({ locale: 'zh-CN', timeZone: 'Asia/Shanghai' })
    const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]))
    expect(parts).toMatchObject({ year: '2026', month: '11', day: '24', hour: '00', minute: '30' })
    // Chinese month names need the zh data that small-icu lacks (it would say "November 24, 2026").
    expect(format.format(at)).toMatch(/^2026年11月24日\s*00:30$/)
    expect(shanghaiDay(at)).toBe('2026-11-24')
    expect(formatShanghai(at)).toBe('2026-11-24 00:30')
  })

  it('collates zh-Hans-CN (building order): pinyin, numbers by value', () => {
    expect(new Intl.Collator('zh-Hans-CN').resolvedOptions().locale).toMatch(/^zh/)
    // By code point this would be 张 李 王 赵; by pinyin it is li wang zhang zhao.
    expect(['张', '王', '李', '赵'].sort(naturalCompare)).toEqual(['李', '王', '张', '赵'])
    expect(['10号', '东区2号', '2号', '西区1号', '1号'].sort(naturalCompare)).toEqual([
      '1号',
      '2号',
      '10号',
      '东区2号',
      '西区1号',
    ])
  })
})
