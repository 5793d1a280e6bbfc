// Which file a committee member may preview as their community's ledger: only one in ledger/<communityId>/ of this
// environment's bucket, where the import page uploads it. Another community's upload or export, a file elsewhere
// whose path merely contains the folder, another environment's file: FILE_NOT_ALLOWED, and nothing written.
import type { Envelope, ImportPreview } from '../../typings/api'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, C2, fileIdOf, LEDGER_FILES, loadFixture, snapshot, WHO } from '../support/community'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())
beforeEach(() => loadFixture(t))

const CSV = '楼栋,房号,姓名,电话,出生年份,标记\n1号,101,张三,13800001111,1980,\n'
const BUCKET = 'cloud://local.local-localcloud'

const preview = (fileID: string, communityId = C1, openid: string = WHO.committee) =>
  t.call<Envelope<ImportPreview>>('sheets', { action: 'importPreview', payload: { communityId, fileID } }, openid)
const put = async (cloudPath: string, content = CSV) =>
  (await t.sdk.uploadFile({ cloudPath, fileContent: Buffer.from(content) })).fileID

describe('importPreview takes a ledger only from the community’s folder', () => {
  it.each<[string, () => Promise<string>]>([
    ['another community’s upload', async () => fileIdOf(LEDGER_FILES[C2] as string)],
    [
      'another community’s exported ledger',
      async () => {
        const out = await t.call<Envelope<{ fileID: string }>>(
          'sheets',
          { action: 'exportLedger', payload: { communityId: C2 } },
          WHO.otherCommittee,
        )
        if (!out.ok) throw new Error(out.message)
        return out.data.fileID
      },
    ],
    ['its own exported ledger (download it and upload it again)', () => put(`ledger-exports/${C1}/20261124-x.xlsx`)],
    ['a path that only contains the folder', () => put(`uploads/ledger/${C1}/台账.csv`)],
    ['a folder below the community’s', () => put(`ledger/${C1}/old/台账.csv`)],
    ['the folder of a community whose id it starts with', () => put(`ledger/${C1}x/台账.csv`)],
    ['the folder itself', async () => `${BUCKET}/ledger/${C1}`],
    ['a path with ..', async () => `${BUCKET}/ledger/${C1}/../${C2}/fixture.csv`],
    ['a percent-escaped path', async () => `${BUCKET}/ledger/${C1}/..%2F${C2}%2Ffixture.csv`],
    ['another environment’s bucket', async () => `cloud://prod-1a2b.7072-prod-1a2b-1300000000/${LEDGER_FILES[C1]}`],
    ['a kit photo’s folder', () => put(`antigen/r1/h1/台账.csv`)],
  ])('refuses %s with FILE_NOT_ALLOWED, and writes nothing', async (_what, make) => {
    const fileID = await make()
    const before = await snapshot(t)
    expect(await preview(fileID)).toEqual({
      ok: false,
      code: 'FILE_NOT_ALLOWED',
      message: '只能导入在本小区「台账导入」页面上传的表格，请重新选择表格上传',
      field: 'fileID',
    })
    expect(await snapshot(t)).toBe(before)
  })

  it('answers FILE_UNREADABLE for a file in the folder that was never uploaded, and writes nothing', async () => {
    const before = await snapshot(t)
    expect(await preview(`${BUCKET}/ledger/${C1}/never-uploaded.csv`)).toMatchObject({
      ok: false,
      code: 'FILE_UNREADABLE',
    })
    expect(await snapshot(t)).toBe(before)
  })

  it('previews a file in ledger/<communityId>/, whoever of the committee uploaded it', async () => {
    expect(await preview(await put(`ledger/${C1}/1763600000000-台账.csv`))).toMatchObject({
      ok: true,
      data: { rows: 1 },
    })
    expect(await preview(fileIdOf(LEDGER_FILES[C2] as string), C2, WHO.otherCommittee)).toMatchObject({ ok: true })
  })
})
