// The permission matrix of the registers: every action of the registers function and the registers' spreadsheets ×
// every caller × a target inside and outside the caller's subtree. A refused call answers FORBIDDEN and writes
// nothing; an allowed one succeeds.
import type { ActionName, Envelope, RegisterImportPreview } from '../../typings/api'
import type { RegisterImportDoc } from '../../server/registers/model'
import { starterTypeId } from '../../server/registers/starter'
import { startTestCloud, type TestCloud } from '../support/localcloud'
import { C1, C2, H, loadFixture, snapshot, WHO } from '../support/community'
import { freshId, registers } from '../support/registers'

let t: TestCloud
let dump: unknown

/** A place a call can target: every id an action may need, all inside one subtree. */
interface Place {
  communityId: string
  typeId: string
  buildingId: string
  householdId: string
  memberId: string
  entryId: string
  importId: string
  fileID: string
}

const entryOf = (householdId: string) => `entry-${householdId}`
const importOf = (communityId: string) => `imp-${communityId}`
const fileOf = (communityId: string) => `cloud://local.local-localcloud/registers/${communityId}/imports/rows.csv`

function place(communityId: string, h: { _id: string; buildingId: string }, memberId: string): Place {
  return {
    communityId,
    typeId: starterTypeId(communityId, 'medicine'),
    buildingId: h.buildingId,
    householdId: h._id,
    memberId,
    entryId: entryOf(h._id),
    importId: importOf(communityId),
    fileID: fileOf(communityId),
  }
}

const P = {
  b1: place(C1, H.b1r101, 'm-zhang'),
  b1f2: place(C1, H.b1r201, 'm-zhao'),
  b3: place(C1, H.b3r301, 'm-sun'),
  c2: place(C2, H.x1r101, 'm-other'),
}

type Caller = keyof typeof WHO
const TARGETS: Record<Caller, { inside: Place; outside: Place }> = {
  stranger: { inside: P.b1, outside: P.c2 },
  resident: { inside: P.b1, outside: P.c2 },
  residentB2: { inside: P.b1, outside: P.c2 },
  floorLead: { inside: P.b1f2, outside: P.b3 },
  buildingLead: { inside: P.b1, outside: P.b3 },
  groupLead: { inside: P.b1, outside: P.b3 },
  communityLead: { inside: P.b1, outside: P.c2 },
  committee: { inside: P.b1, outside: P.c2 },
  volunteer: { inside: P.b1, outside: P.c2 },
  otherCommittee: { inside: P.c2, outside: P.b1 },
}

type Role = 'floorLead' | 'buildingLead' | 'groupLead' | 'communityLead' | 'committee'
const ROLES_OF: Record<Caller, Role[]> = {
  stranger: [],
  resident: [],
  residentB2: [],
  floorLead: ['floorLead'],
  buildingLead: ['buildingLead'],
  groupLead: ['groupLead'],
  communityLead: ['communityLead'],
  committee: ['committee'],
  volunteer: [],
  otherCommittee: ['committee'],
}
const LEADS: Role[] = ['floorLead', 'buildingLead', 'groupLead', 'communityLead', 'committee']

interface Rule {
  fn?: 'sheets'
  payload: (p: Place) => object
  allowed: Role[]
  /** About a whole community: the outside target is another community for everyone. */
  community?: boolean
}

const medicineValues = (p: Place) => ({ f2: p.memberId, f3: '硝苯地平', f7: '待配' })

const MATRIX: Record<ActionName<'registers'> | 'exportRegister' | 'registerImportPreview', Rule> = {
  listRegisters: { payload: (p) => ({ communityId: p.communityId }), allowed: LEADS, community: true },
  installStarterSet: { payload: (p) => ({ communityId: p.communityId }), allowed: ['committee'], community: true },
  saveRegisterType: {
    payload: (p) => ({
      communityId: p.communityId,
      requestId: freshId(),
      name: '困难家庭',
      description: '',
      fields: [{ label: '房号', kind: 'household', required: true }],
    }),
    allowed: ['committee'],
    community: true,
  },
  deleteRegisterType: { payload: (p) => ({ typeId: p.typeId, confirm: '配药需求' }), allowed: ['committee'] },
  registerEntries: { payload: (p) => ({ typeId: p.typeId, buildingId: p.buildingId }), allowed: LEADS },
  registerHouseholds: { payload: (p) => ({ typeId: p.typeId, buildingId: p.buildingId }), allowed: LEADS },
  addRegisterEntry: {
    payload: (p) => ({ typeId: p.typeId, householdId: p.householdId, requestId: freshId(), values: medicineValues(p) }),
    allowed: LEADS,
  },
  editRegisterEntry: { payload: (p) => ({ entryId: p.entryId, values: medicineValues(p) }), allowed: LEADS },
  deleteRegisterEntry: { payload: (p) => ({ entryId: p.entryId }), allowed: LEADS },
  commitRegisterImport: { payload: (p) => ({ importId: p.importId, onlyGood: true }), allowed: ['committee'] },
  rollbackRegisterImport: { payload: (p) => ({ importId: p.importId }), allowed: ['committee'] },
  exportRegister: { fn: 'sheets', payload: (p) => ({ typeId: p.typeId, buildingId: p.buildingId }), allowed: LEADS },
  registerImportPreview: {
    fn: 'sheets',
    payload: (p) => ({ typeId: p.typeId, fileID: p.fileID }),
    allowed: ['committee'],
    community: true,
  },
}

beforeAll(async () => {
  t = await startTestCloud()
  await loadFixture(t)
  const r = registers(t)
  // Both communities' starter sets, an entry in every household a target names, and a staged import each.
  await r.ok(WHO.committee, 'installStarterSet', { communityId: C1 })
  await r.ok(WHO.otherCommittee, 'installStarterSet', { communityId: C2 })
  for (const p of Object.values(P)) {
    const who = p.communityId === C1 ? WHO.committee : WHO.otherCommittee
    await r.ok(who, 'addRegisterEntry', {
      typeId: p.typeId,
      householdId: p.householdId,
      requestId: `fixture-${p.householdId}`,
      values: medicineValues(p),
    })
    const { fileID } = (await t.sdk.uploadFile({
      cloudPath: `registers/${p.communityId}/imports/rows.csv`,
      fileContent: Buffer.from('楼栋,房号,人员,药品名称,状态\n1号,101,张三,硝苯地平,待配\n'),
    })) as { fileID: string }
    expect(fileID).toBe(p.fileID)
  }
  // The entries' ids as the matrix names them.
  const db = t.sdk.database()
  for (const p of Object.values(P)) {
    const [e] = (
      (await db.collection('registerEntries').where({ householdId: p.householdId }).get()) as {
        data: { _id: string }[]
      }
    ).data
    const { _id, ...rest } = e as { _id: string }
    await db.collection('registerEntries').doc(_id).remove()
    await db.collection('registerEntries').doc(p.entryId).set({ data: rest })
  }
  for (const c of [C1, C2]) {
    const preview = await r.ok<RegisterImportPreview>(
      c === C1 ? WHO.committee : WHO.otherCommittee,
      'registerImportPreview',
      { typeId: starterTypeId(c, 'medicine'), fileID: fileOf(c) },
      'sheets',
    )
    const doc = await t.data.get<RegisterImportDoc>('registerImports', preview.importId)
    const { _id, ...rest } = doc as RegisterImportDoc
    await db.collection('registerImports').doc(_id).remove()
    await db.collection('registerImports').doc(importOf(c)).set({ data: rest })
  }
  dump = await t.admin('export')
})
afterAll(() => t.stop())

const callers = Object.keys(WHO) as Caller[]
const cases = Object.entries(MATRIX).flatMap(([action, rule]) =>
  callers.flatMap((caller) =>
    (['inside', 'outside'] as const).map((where) => {
      const allowed = where === 'inside' && ROLES_OF[caller].some((r) => rule.allowed.includes(r))
      const target =
        rule.community && where === 'outside' ? (caller === 'otherCommittee' ? P.b1 : P.c2) : TARGETS[caller][where]
      return { fn: rule.fn ?? 'registers', action, caller, where, allowed, payload: rule.payload(target) }
    }),
  ),
)

describe('permission matrix', () => {
  it.each(cases)(
    '$fn.$action as $caller on a target $where the subtree → allowed $allowed',
    async ({ fn, action, caller, allowed, payload }) => {
      await t.admin('import', { body: dump })
      const before = allowed ? '' : await snapshot(t)
      const reply = await t.call<Envelope<unknown>>(fn, { action, payload }, WHO[caller])
      if (allowed) expect(reply.ok ? 'ok' : `${reply.code} ${reply.message}`).toBe('ok')
      else {
        expect(reply).toEqual({ ok: false, code: 'FORBIDDEN', message: '您没有权限进行此操作' })
        expect(await snapshot(t)).toBe(before)
      }
    },
  )
})
