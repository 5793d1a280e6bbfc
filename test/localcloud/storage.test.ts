// Conformance: cloud storage (upload, temporary URLs, download, delete) through the real wx-server-sdk.
import { randomBytes } from 'node:crypto'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { failure } from './sdk-helpers'

let t: TestCloud

beforeAll(async () => {
  t = await startTestCloud()
})

afterAll(() => t.stop())

interface TempFile {
  fileID: string
  status: number
  errMsg: string
  maxAge?: number
  tempFileURL: string
}

async function upload(cloudPath: string, content: Buffer | string): Promise<string> {
  const res = await t.sdk.uploadFile({ cloudPath, fileContent: Buffer.from(content) })
  return res.fileID
}

async function tempUrls(fileList: (string | { fileID: string; maxAge: number })[]): Promise<TempFile[]> {
  return ((await t.sdk.getTempFileURL({ fileList: fileList as never })) as { fileList: TempFile[] }).fileList
}

async function download(fileID: string): Promise<Buffer> {
  return (await t.sdk.downloadFile({ fileID })).fileContent as Buffer
}

async function remove(fileList: string[]): Promise<{ fileID: string; status: number; errMsg: string }[]> {
  return ((await t.sdk.deleteFile({ fileList })) as { fileList: { fileID: string; status: number; errMsg: string }[] })
    .fileList
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('uploadFile', () => {
  it('returns a cloud:// fileID for the env and cloudPath', async () => {
    const res = await t.sdk.uploadFile({ cloudPath: 'docs/hello.txt', fileContent: Buffer.from('hello') })
    expect(res.errMsg).toBe('uploadFile:ok')
    expect(res.fileID).toMatch(/^cloud:\/\/local\.[\w-]+\/docs\/hello\.txt$/)
  })

  it('overwrites an existing file at the same path', async () => {
    const first = await upload('docs/overwrite.txt', 'one')
    const second = await upload('docs/overwrite.txt', 'two')
    expect(second).toBe(first)
    expect((await download(first)).toString()).toBe('two')
  })

  it.each([
    ['a parent segment', '../escape.txt'],
    ['a parent segment in the middle', 'a/../../escape.txt'],
    ['a current-directory segment', 'a/./b.txt'],
    ['an empty segment', 'a//b.txt'],
    ['a trailing slash', 'dir/'],
  ])('rejects a cloudPath with %s', async (_name, cloudPath) => {
    const err = await failure(t.sdk.uploadFile({ cloudPath, fileContent: Buffer.from('x') }))
    expect(err.code).toBe('INVALID_PARAM')
    expect(err.errMsg).toMatch(/^uploadFile:fail .*cloudPath/)
  })

  it('stores nothing for a rejected cloudPath', async () => {
    await failure(t.sdk.uploadFile({ cloudPath: 'x/../../secret.txt', fileContent: Buffer.from('x') }))
    const files = await t.admin<{ path: string }[]>('files')
    expect(files.map((f) => f.path)).not.toContain('secret.txt')
    expect(files.every((f) => !f.path.includes('..'))).toBe(true)
  })
})

describe('downloadFile', () => {
  it('round-trips random binary content byte for byte', async () => {
    const bytes = randomBytes(64 * 1024)
    const fileID = await upload('bin/random.bin', bytes)
    const res = await t.sdk.downloadFile({ fileID })
    expect(res.errMsg).toBe('downloadFile:ok')
    expect(Buffer.compare(res.fileContent as Buffer, bytes)).toBe(0)
  })

  it('round-trips an empty file', async () => {
    const fileID = await upload('bin/empty.bin', Buffer.alloc(0))
    expect((await download(fileID)).length).toBe(0)
  })

  it('round-trips a 3 MB file', async () => {
    const bytes = randomBytes(3 * 1024 * 1024)
    const fileID = await upload('bin/large.bin', bytes)
    expect((await download(fileID)).equals(bytes)).toBe(true)
  })

  it('handles a cloudPath with Chinese characters and spaces', async () => {
    const fileID = await upload('相册/邻里 接力+1.txt', '你好，邻居')
    expect(fileID).toMatch(/\/相册\/邻里 接力\+1\.txt$/)
    expect((await download(fileID)).toString('utf8')).toBe('你好，邻居')
    const [file] = await tempUrls([fileID])
    const res = await fetch(file?.tempFileURL as string)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('你好，邻居')
  })
})

describe('getTempFileURL', () => {
  let fileID: string
  beforeAll(async () => {
    fileID = await upload('urls/note.txt', 'temporary')
  })

  it('returns a downloadable URL with the default maxAge', async () => {
    const [file] = await tempUrls([fileID])
    expect(file).toMatchObject({ fileID, status: 0, errMsg: 'ok', maxAge: 7200 })
    const res = await fetch(file?.tempFileURL as string)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await res.text()).toBe('temporary')
  })

  it('reports the requested maxAge', async () => {
    const [file] = await tempUrls([{ fileID, maxAge: 600 }])
    expect(file).toMatchObject({ fileID, status: 0, maxAge: 600 })
  })

  it('answers a list in order, with a per-file status for missing files', async () => {
    const other = await upload('urls/other.png', randomBytes(10))
    const missing = fileID.replace('note.txt', 'missing.txt')
    const files = await tempUrls([other, missing, fileID])
    expect(files.map((f) => [f.fileID, f.status])).toEqual([
      [other, 0],
      [missing, -503003],
      [fileID, 0],
    ])
    expect(files[1]?.tempFileURL).toBe('')
    const png = await fetch(files[0]?.tempFileURL as string)
    expect(png.headers.get('content-type')).toBe('image/png')
  })

  it('fails for a fileID of another environment', async () => {
    const [file] = await tempUrls(['cloud://other-env.other-bucket/urls/note.txt'])
    expect(file?.status).toBe(-503003)
  })

  it('expires URLs after maxAge (HTTP 403) and keeps longer ones valid', async () => {
    const [short, long] = await tempUrls([
      { fileID, maxAge: 1 },
      { fileID, maxAge: 60 },
    ])
    await sleep(1200)
    expect((await fetch(short?.tempFileURL as string)).status).toBe(403)
    expect((await fetch(long?.tempFileURL as string)).status).toBe(200)
  })

  it('rejects a tampered signature (HTTP 403)', async () => {
    const [file] = await tempUrls([fileID])
    const url = new URL(file?.tempFileURL as string)
    const sign = url.searchParams.get('sign') as string
    url.searchParams.set('sign', `${sign[0] === 'a' ? 'b' : 'a'}${sign.slice(1)}`)
    expect((await fetch(url)).status).toBe(403)
  })

  it('rejects a signature used for another file (HTTP 403)', async () => {
    await upload('urls/private.txt', 'secret')
    const [file] = await tempUrls([fileID])
    const url = (file?.tempFileURL as string).replace('/urls/note.txt?', '/urls/private.txt?')
    expect((await fetch(url)).status).toBe(403)
  })

  it('rejects a longer lifetime than was signed (HTTP 403)', async () => {
    const [file] = await tempUrls([{ fileID, maxAge: 60 }])
    const url = new URL(file?.tempFileURL as string)
    url.searchParams.set('t', String(Number(url.searchParams.get('t')) + 3600))
    expect((await fetch(url)).status).toBe(403)
  })
})

describe('deleteFile', () => {
  it('deletes a file: temp URLs and downloads fail afterwards', async () => {
    const fileID = await upload('trash/gone.txt', 'bye')
    const [before] = await tempUrls([fileID])
    const res = await t.sdk.deleteFile({ fileList: [fileID] })
    expect(res).toMatchObject({ errMsg: 'deleteFile:ok', fileList: [{ fileID, status: 0, errMsg: 'ok' }] })

    const [after] = await tempUrls([fileID])
    expect(after).toMatchObject({ fileID, status: -503003, tempFileURL: '' })

    const err = await failure(t.sdk.downloadFile({ fileID }))
    expect(err.code).toBe('STORAGE_FILE_NONEXIST')
    expect(err.errMsg).toMatch(/^downloadFile:fail/)

    // A URL signed before the deletion no longer serves the file.
    expect((await fetch(before?.tempFileURL as string)).status).toBe(404)
  })

  it('reports a missing file with -503003', async () => {
    const fileID = (await upload('trash/exists.txt', 'x')).replace('exists.txt', 'never-uploaded.txt')
    expect(await remove([fileID])).toEqual([{ fileID, status: -503003, errMsg: expect.any(String) }])
  })

  it('deletes a batch and reports each file', async () => {
    const a = await upload('trash/a.txt', 'a')
    const b = await upload('trash/b.txt', 'b')
    const out = await remove([a, a, b])
    expect(out.map((f) => [f.fileID, f.status])).toEqual([
      [a, 0],
      [a, -503003],
      [b, 0],
    ])
    expect((await tempUrls([a, b])).map((f) => f.status)).toEqual([-503003, -503003])
  })

  it('a second delete of the same file reports it missing', async () => {
    const fileID = await upload('trash/twice.txt', 'x')
    expect((await remove([fileID]))[0]?.status).toBe(0)
    expect((await remove([fileID]))[0]?.status).toBe(-503003)
  })

  it('cloud.reset() removes every file', async () => {
    const fileID = await upload('trash/reset.txt', 'x')
    t.cloud.reset()
    expect((await tempUrls([fileID]))[0]?.status).toBe(-503003)
  })
})
