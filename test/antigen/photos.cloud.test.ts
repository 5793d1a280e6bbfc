// Kit photos: a submission takes a photo only from exactly antigen/<roundId>/<householdId>/<file> of this
// environment's bucket, and only an image (JPEG, PNG, WebP, HEIC by its first bytes) within the size limit, read from
// storage rather than believed from the phone. Every refusal writes nothing; temporary URLs of photos last 10 minutes.
import type { ChainView, Envelope, MySubmissionView, RoundView } from '../../typings/api'
import type { ChainDoc } from '../../server/antigen/model'
import { CONSENTS } from '../../server/community/consent'
import { MAX_PHOTO_BYTES } from '../../miniprogram/shared/constants'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { B, C1, H, loadFixture, snapshot, WHO } from '../support/community'
import { pushesSettled } from '../support/pushes'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud()
})
afterAll(() => t.stop())

const call = <T>(openid: string, action: string, payload: object = {}) =>
  t.call<Envelope<T>>('antigen', { action, payload }, openid)
const ok = async <T>(openid: string, action: string, payload: object = {}): Promise<T> => {
  const r = await call<T>(openid, action, payload)
  if (!r.ok) throw new Error(`${action} failed: ${r.code} ${r.message} ${r.field ?? ''}`)
  return r.data
}

const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex')
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 ')])
const HEIC = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(8)])
const BUCKET = 'cloud://local.local-localcloud'

let round: RoundView
let other: RoundView
let seq = 0

async function put(cloudPath: string, content: Buffer): Promise<string> {
  return (await t.sdk.uploadFile({ cloudPath, fileContent: content })).fileID
}
const kitPath = (householdId: string, roundId = round.id) => `antigen/${roundId}/${householdId}/m-zhang-${++seq}.jpg`

/** Zhang's household (two members): Zhang with `photo`, Li with a good photo of their own. */
async function submit(photo: string, photoSize = 120_000) {
  const li = await put(kitPath(H.b1r101._id), JPEG)
  return call<MySubmissionView>(WHO.resident, 'submit', {
    roundId: round.id,
    householdId: H.b1r101._id,
    members: [
      { memberId: 'm-zhang', result: 'negative', photo, photoSize },
      { memberId: 'm-li', result: 'negative', photo: li, photoSize: 120_000 },
    ],
  })
}

async function chainOfB1(): Promise<ChainDoc> {
  const [chain] = await t.data.find<ChainDoc>('chains', { roundId: round.id, buildingId: B.b1._id })
  return chain as ChainDoc
}

beforeEach(async () => {
  await loadFixture(t)
  await t.call(
    'community',
    { action: 'giveConsent', payload: { kind: 'health', version: CONSENTS.health.version } },
    WHO.resident,
  )
  const deadline = new Date(t.now() + 3600_000).toISOString()
  round = await ok<RoundView>(WHO.committee, 'openRound', {
    communityId: C1,
    date: '2026-11-24',
    deadline,
    notice: '请自测',
  })
  other = await ok<RoundView>(WHO.committee, 'openRound', {
    communityId: C1,
    date: '2026-11-25',
    deadline,
    notice: '明天',
  })
  // The rounds' notices leave on their own drains: let them finish before a test compares the database.
  await pushesSettled(t)
})

describe('where a kit photo may come from', () => {
  it.each<[string, () => Promise<string>]>([
    ['another household’s folder', () => put(kitPath(H.b1r102._id), JPEG)],
    ['another round’s folder', () => put(kitPath(H.b1r101._id, 'r-other'), JPEG)],
    ['the household’s folder of another open round', async () => put(kitPath(H.b1r101._id, other.id), JPEG)],
    ['a path that only contains the folder', () => put(`evil/antigen/${round.id}/${H.b1r101._id}/x.jpg`, JPEG)],
    ['a folder below the household’s', () => put(`antigen/${round.id}/${H.b1r101._id}/more/x.jpg`, JPEG)],
    ['the folder itself', async () => `${BUCKET}/antigen/${round.id}/${H.b1r101._id}`],
    ['a path with ..', async () => `${BUCKET}/antigen/${round.id}/${H.b1r101._id}/../${H.b1r102._id}/x.jpg`],
    ['a path with an empty folder', async () => `${BUCKET}/antigen/${round.id}//${H.b1r101._id}/x.jpg`],
    ['a percent-escaped path', async () => `${BUCKET}/antigen/${round.id}/${H.b1r101._id}/..%2F..%2Fx.jpg`],
    [
      'another environment’s bucket',
      async () => `cloud://prod-1a2b.7072-prod-1a2b-1300000000/${kitPath(H.b1r101._id)}`,
    ],
    ['not a fileID at all', async () => `https://example.com/${kitPath(H.b1r101._id)}`],
    ['a file never uploaded', async () => `${BUCKET}/${kitPath(H.b1r101._id)}`],
  ])('refuses a photo from %s, and writes nothing', async (_what, make) => {
    const photo = await make()
    const before = await snapshot(t)
    expect(await submit(photo)).toMatchObject({ ok: false, code: 'PHOTO_INVALID', field: 'members.0.photo' })
    expect(await snapshot(t)).toBe(before)
  })

  it('takes a photo from exactly antigen/<roundId>/<householdId>/<file>', async () => {
    const photo = await put(kitPath(H.b1r101._id), JPEG)
    expect(await submit(photo)).toMatchObject({ ok: true })
    expect((await chainOfB1()).entries[H.b1r101._id]?.members[0]?.photo).toBe(photo)
  })
})

describe('what a kit photo must be', () => {
  it('refuses a text file named .jpg, and writes nothing', async () => {
    const photo = await put(kitPath(H.b1r101._id), Buffer.from('not a picture at all, only text'))
    const before = await snapshot(t)
    expect(await submit(photo)).toMatchObject({
      ok: false,
      code: 'PHOTO_INVALID',
      field: 'members.0.photo',
      message: '张三 的照片不是图片，请重新拍摄',
    })
    expect(await snapshot(t)).toBe(before)
  })

  it('refuses an empty file', async () => {
    const photo = await put(kitPath(H.b1r101._id), Buffer.alloc(0))
    expect(await submit(photo)).toMatchObject({ ok: false, code: 'PHOTO_INVALID' })
  })

  it('refuses an image over the limit whatever size the phone claims, and writes nothing', async () => {
    const photo = await put(kitPath(H.b1r101._id), Buffer.concat([JPEG, Buffer.alloc(MAX_PHOTO_BYTES)]))
    const before = await snapshot(t)
    expect(await submit(photo, 120_000)).toMatchObject({ ok: false, code: 'PHOTO_TOO_LARGE', field: 'members.0.photo' })
    expect(await snapshot(t)).toBe(before)
  })

  it('takes an image of exactly the limit', async () => {
    const photo = await put(kitPath(H.b1r101._id), Buffer.concat([JPEG, Buffer.alloc(MAX_PHOTO_BYTES - JPEG.length)]))
    expect(await submit(photo)).toMatchObject({ ok: true })
  })

  it.each([
    ['JPEG', JPEG],
    ['PNG', PNG],
    ['WebP', WEBP],
    ['HEIC', HEIC],
  ])('takes a %s image and keeps its stored size, not the one the phone sent', async (_kind, bytes) => {
    const photo = await put(kitPath(H.b1r101._id), bytes)
    expect(await submit(photo, 999_999)).toMatchObject({ ok: true })
    const m = (await chainOfB1()).entries[H.b1r101._id]?.members[0]
    expect(m).toMatchObject({ photo, photoSize: bytes.length })
  })

  it('reads storage, not the database, to check photos: the same DB round trips as a submission without one', async () => {
    const dbCalls = async (householdId: string, members: object[]) => {
      await t.admin('calls', { method: 'DELETE' })
      const r = await call(WHO.buildingLead, 'submit', { roundId: round.id, householdId, members })
      expect(r).toMatchObject({ ok: true })
      const { calls } = await t.admin<{ calls: { db: { calls: number } }[] }>('calls?function=antigen')
      return calls.map((c) => c.db.calls)
    }
    // The lead reports for two households of the same building: one with photos, one untested.
    const withPhotos = await dbCalls(H.b1r101._id, [
      { memberId: 'm-zhang', result: 'negative', photo: await put(kitPath(H.b1r101._id), JPEG) },
      { memberId: 'm-li', result: 'negative', photo: await put(kitPath(H.b1r101._id), PNG) },
    ])
    const without = await dbCalls(H.b1r102._id, [{ memberId: 'm-wang', result: 'untested', reason: '没有试剂' }])
    expect(withPhotos).toEqual(without)
  })
})

describe('how long a photo can be seen', () => {
  it('gives leads temporary URLs that work for 10 minutes and no longer', async () => {
    expect(await submit(await put(kitPath(H.b1r101._id), JPEG))).toMatchObject({ ok: true })
    const lead = await ok<ChainView>(WHO.buildingLead, 'chain', { roundId: round.id, buildingId: B.b1._id })
    const url = lead.entries[0]?.members?.[0]?.photoUrl as string
    expect(url).toBeTruthy()
    await t.advanceClock(9 * 60_000)
    expect((await fetch(url)).status).toBe(200)
    await t.advanceClock(2 * 60_000)
    expect((await fetch(url)).status).toBe(403)
  })
})
