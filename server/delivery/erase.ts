// Deleting the delivery relay's personal data: a delivery reduced at the end of its period (server/delivery/
// retention.ts), what a person's data deletion reaches (the community function runs it through its registered
// erasers), and everything of a closed community. What a reduced delivery keeps is what it adds up to: the bags'
// rooms and items, the buildings' counts and every step's time. Photos are deleted from storage first (statuses
// checked, failures queued in fileDeletions), then the documents let go of them. Every step can run again after a
// failure: it finds what is left.
import type {
  DeliveryBuildingDoc,
  DeliveryProblemDoc,
  DeliveryStopDoc,
  DeliveryTripDoc,
  DoorTeamDoc,
  RelayDeliveryDoc,
} from './model'
import type { Budget } from '../platform/budget'
import { data } from '../platform/cloud'
import { deleteFiles, type FileRef } from '../platform/deletions'

/** Whose data goes: as the community function's erasure describes the person (cloudfunctions/community/src/erasure.ts). */
export interface DeliveryPerson {
  communityId: string
  householdId: string
  openid: string
  /** They were the household's last member: the household's bags lose who was told and who received them. */
  last: boolean
}

/** Documents handled per read. */
const BATCH = 200

const photoRefs = (communityId: string, photos: readonly (string | undefined)[]): FileRef[] =>
  photos.flatMap((fileID) => (fileID ? [{ fileID, communityId, kind: 'deliveryPhoto' as const }] : []))

type StopPhoto = Pick<DeliveryStopDoc, '_id' | 'communityId' | 'delivered'>
type ProblemPhoto = Pick<DeliveryProblemDoc, '_id' | 'communityId' | 'photo'>

/** Deletes the door photos of a delivery's bags; returns the files storage did not delete. */
async function deleteStopPhotos(deliveryId: string): Promise<number> {
  let failed = 0
  const _ = data._
  for (;;) {
    const docs = await data.find<StopPhoto>(
      'deliveryStops',
      { deliveryId, 'delivered.photo': _.exists(true) },
      { limit: BATCH, fields: { communityId: true, delivered: true } },
    )
    if (docs.length === 0) return failed
    failed += (await deleteFiles(docs.flatMap((d) => photoRefs(d.communityId, [d.delivered?.photo])))).failed
    await data.updateWhere('deliveryStops', { _id: _.in(docs.map((d) => d._id)) }, { 'delivered.photo': _.remove() })
  }
}

/** Deletes the photos of a delivery's problems; returns the files storage did not delete. */
async function deleteProblemPhotos(deliveryId: string): Promise<number> {
  let failed = 0
  const _ = data._
  for (;;) {
    const docs = await data.find<ProblemPhoto>(
      'deliveryProblems',
      { deliveryId, photo: _.exists(true) },
      { limit: BATCH, fields: { communityId: true, photo: true } },
    )
    if (docs.length === 0) return failed
    failed += (await deleteFiles(docs.flatMap((d) => photoRefs(d.communityId, [d.photo])))).failed
    await data.updateWhere('deliveryProblems', { _id: _.in(docs.map((d) => d._id)) }, { photo: _.remove() })
  }
}

/** The arrival's photo, then who recorded it and their note. */
async function stripArrival(d: Pick<RelayDeliveryDoc, '_id' | 'communityId' | 'arrival'>): Promise<number> {
  if (!d.arrival) return 0
  const { failed } = await deleteFiles(photoRefs(d.communityId, [d.arrival.photo]))
  await data.update('deliveries', d._id, {
    'arrival.by': '',
    'arrival.byName': '',
    'arrival.note': data._.remove(),
    'arrival.photo': data._.remove(),
  })
  return failed
}

/**
 * A delivery at the end of its period: who delivered, dropped, loaded and received each bag and their names, the
 * photos, the problems' notes, photos and people, who is told of each bag, the trips' volunteers and the
 * buildings' teams go. The rooms, items, the buildings' counts and every step's time stay. Returns false when the
 * budget ran out first (the next run starts again and finds what is left); the caller marks it reduced.
 */
export async function reduceDelivery(
  d: Pick<RelayDeliveryDoc, '_id' | 'communityId' | 'arrival' | 'plan'>,
  budget?: Budget,
): Promise<{ done: boolean; failedFiles: number }> {
  const _ = data._
  const deliveryId = d._id
  let failedFiles = await deleteStopPhotos(deliveryId)
  failedFiles += await deleteProblemPhotos(deliveryId)
  failedFiles += await stripArrival(d)
  if (budget?.spent) return { done: false, failedFiles }

  await data.updateWhere('deliveryStops', { deliveryId }, { notify: _.set([]) })
  await data.updateWhere(
    'deliveryStops',
    { deliveryId, delivered: _.exists(true) },
    { 'delivered.by': '', 'delivered.byName': '' },
  )
  await data.updateWhere(
    'deliveryStops',
    { deliveryId, received: _.exists(true) },
    { 'received.by': '', 'received.byName': '' },
  )
  await data.updateWhere('deliveryStops', { deliveryId, problem: _.exists(true) }, { 'problem.note': '' })
  await data.updateWhere('deliveryProblems', { deliveryId }, { note: '', by: '', byName: '' })
  await data.updateWhere(
    'deliveryProblems',
    { deliveryId, handled: _.exists(true) },
    { 'handled.by': '', 'handled.byName': '', 'handled.note': '' },
  )
  if (budget?.spent) return { done: false, failedFiles }

  const trips = await data.findAll<Pick<DeliveryTripDoc, '_id' | 'stops'>>(
    'deliveryTrips',
    { deliveryId },
    { fields: { stops: true } },
  )
  for (const t of trips)
    await data.update('deliveryTrips', t._id, {
      openid: '',
      volunteerName: '',
      stops: _.set(t.stops.map((s) => (s.dropped ? { ...s, dropped: { ...s.dropped, by: '', byName: '' } } : s))),
    })
  await data.updateWhere(
    'deliveryBuildings',
    { deliveryId },
    { door: _.set([]), doorNames: _.set([]), transport: _.set([]), transportNames: _.set([]) },
  )
  await data.updateWhere(
    'deliveryBuildings',
    { deliveryId, loaded: _.exists(true) },
    { 'loaded.by': '', 'loaded.byName': '' },
  )
  await data.updateWhere(
    'deliveryBuildings',
    { deliveryId, atEntrance: _.exists(true) },
    { 'atEntrance.by': '', 'atEntrance.byName': '' },
  )
  if (d.plan)
    await data.update('deliveries', deliveryId, {
      'plan.by': '',
      'plan.dropped': _.set(d.plan.dropped.map((x) => ({ ...x, openid: '', reason: '', by: '' }))),
    })
  return { done: true, failedFiles }
}

/**
 * A person's data deletion: their name (and photo) leaves every mark they made (arrival, entrance drops, loads,
 * bags at the door, receipts, problems handled), the problems they reported lose their notes and photos, they are
 * no longer told of any bag, and they leave the door teams. In trips and buildings' teams of a delivery their name
 * goes; their openid goes too once the delivery is done (under way, it is what shows them their own tasks, and the
 * delivery's period removes it with the rest). When they were the household's last member its bags lose who was
 * told and who received them, and the problems with its bags their notes and photos. Reduced deliveries hold
 * nothing of theirs and are not read. Each collection is read once per delivery and only what names them is
 * written (most people have nothing here: a call makes two reads).
 */
export async function eraseDeliveryPerson(p: DeliveryPerson): Promise<{ failedFiles: number }> {
  const { communityId, openid } = p
  const _ = data._
  let failedFiles = 0
  const household = p.last ? p.householdId : ''

  const deliveries = await data.findAll<Pick<RelayDeliveryDoc, '_id' | 'communityId' | 'status' | 'arrival' | 'plan'>>(
    'deliveries',
    { communityId, reducedAt: _.exists(false) },
    { fields: { communityId: true, status: true, arrival: true, plan: true } },
  )
  if (deliveries.length) failedFiles += await eraseFromProblems(p)
  for (const d of deliveries) {
    const deliveryId = d._id
    const done = d.status === 'done'
    if (d.arrival?.by === openid) failedFiles += await stripArrival(d)
    if (d.plan && (d.plan.by === openid || d.plan.dropped.some((x) => x.openid === openid || x.by === openid)))
      await data.update('deliveries', deliveryId, {
        ...(d.plan.by === openid ? { 'plan.by': '' } : {}),
        'plan.dropped': _.set(
          d.plan.dropped.map((x) => ({
            ...x,
            ...(x.openid === openid ? { reason: '', ...(done ? { openid: '' } : {}) } : {}),
            ...(x.by === openid ? { by: '' } : {}),
          })),
        ),
      })

    // The bags: photos first, then the names and the notices.
    const stops = await data.findAll<
      Pick<DeliveryStopDoc, '_id' | 'householdId' | 'notify' | 'delivered' | 'received'>
    >(
      'deliveryStops',
      _.and([
        { deliveryId },
        _.or([{ notify: openid }, { 'delivered.by': openid }, { 'received.by': openid }, { householdId: household }]),
      ]),
      { fields: { householdId: true, notify: true, delivered: true, received: true } },
    )
    const photos = stops.filter((s) => s.delivered?.by === openid && s.delivered.photo)
    if (photos.length) {
      failedFiles += (await deleteFiles(photos.flatMap((s) => photoRefs(d.communityId, [s.delivered?.photo])))).failed
      await data.updateWhere(
        'deliveryStops',
        { _id: _.in(photos.map((s) => s._id)) },
        { 'delivered.photo': _.remove() },
      )
    }
    for (const s of stops) {
      const whole = s.householdId === household
      await data.update('deliveryStops', s._id, {
        notify: whole ? _.set([]) : _.pull(openid),
        ...(s.delivered?.by === openid ? { 'delivered.by': '', 'delivered.byName': '' } : {}),
        ...(s.received && (whole || s.received.by === openid) ? { 'received.by': '', 'received.byName': '' } : {}),
      })
    }

    // Trips: their own (their name; their openid once done) and the drops they marked on others'.
    const trips = await data.findAll<Pick<DeliveryTripDoc, '_id' | 'openid' | 'volunteerName' | 'stops'>>(
      'deliveryTrips',
      _.and([{ deliveryId }, _.or([{ openid }, { 'stops.dropped.by': openid }])]),
      { fields: { openid: true, volunteerName: true, stops: true } },
    )
    const names = new Set(trips.filter((t) => t.openid === openid && t.volunteerName).map((t) => t.volunteerName))
    for (const t of trips) {
      const dropped = t.stops.map((s) =>
        s.dropped?.by === openid ? { ...s, dropped: { ...s.dropped, by: '', byName: '' } } : s,
      )
      await data.update('deliveryTrips', t._id, {
        stops: _.set(dropped),
        ...(t.openid === openid ? { volunteerName: '', ...(done ? { openid: '' } : {}) } : {}),
      })
    }

    // Buildings: their place in the door team and among the carriers, and the loads and drops they marked.
    type Part = Pick<
      DeliveryBuildingDoc,
      '_id' | 'door' | 'doorNames' | 'transport' | 'transportNames' | 'loaded' | 'atEntrance'
    >
    const parts = await data.findAll<Part>(
      'deliveryBuildings',
      _.and([
        { deliveryId },
        _.or([{ door: openid }, { transport: openid }, { 'loaded.by': openid }, { 'atEntrance.by': openid }]),
      ]),
      {
        fields: { door: true, doorNames: true, transport: true, transportNames: true, loaded: true, atEntrance: true },
      },
    )
    for (const b of parts) {
      const keep = (o: string) => !done || o !== openid
      await data.update('deliveryBuildings', b._id, {
        ...(b.door.includes(openid)
          ? {
              door: _.set(b.door.filter(keep)),
              doorNames: _.set(b.door.flatMap((o, i) => (keep(o) ? [o === openid ? '' : (b.doorNames[i] ?? '')] : []))),
            }
          : {}),
        ...(b.transport.includes(openid)
          ? {
              transport: _.set(b.transport.filter(keep)),
              transportNames: _.set(b.transportNames.filter((n) => !names.has(n))),
            }
          : {}),
        ...(b.loaded?.by === openid ? { 'loaded.by': '', 'loaded.byName': '' } : {}),
        ...(b.atEntrance?.by === openid ? { 'atEntrance.by': '', 'atEntrance.byName': '' } : {}),
      })
    }
  }

  // Door teams as configured: they leave them (a team left empty goes: every eligible person again).
  const teams = await data.findAll<DoorTeamDoc>(
    'doorTeams',
    _.and([{ communityId }, _.or([{ openids: openid }, { by: openid }])]),
  )
  for (const team of teams) {
    const openids = team.openids.filter((o) => o !== openid)
    if (openids.length === 0) await data.remove('doorTeams', team._id)
    else
      await data.update('doorTeams', team._id, { openids: _.set(openids), ...(team.by === openid ? { by: '' } : {}) })
  }
  return { failedFiles }
}

/**
 * The problems a person reported (the household's too, with its last member) lose their notes and photos, and the
 * problems they handled their note and name. Returns the files storage did not delete.
 */
async function eraseFromProblems(p: DeliveryPerson): Promise<number> {
  const { communityId, openid } = p
  const _ = data._
  type Found = Pick<DeliveryProblemDoc, '_id' | 'communityId' | 'stopId' | 'by' | 'householdId' | 'photo' | 'handled'>
  const found = await data.findAll<Found>(
    'deliveryProblems',
    _.and([
      { communityId },
      _.or([{ by: openid }, { 'handled.by': openid }, { householdId: p.last ? p.householdId : '' }]),
    ]),
    { fields: { communityId: true, stopId: true, by: true, householdId: true, photo: true, handled: true } },
  )
  const theirs = found.filter((x) => x.by === openid || (p.last && x.householdId === p.householdId))
  // The stops' copies of the notes first: a retry finds them through the problems, until those are stripped.
  for (let i = 0; i < theirs.length; i += BATCH) {
    const slice = theirs.slice(i, i + BATCH)
    await data.updateWhere(
      'deliveryStops',
      { _id: _.in(slice.map((x) => x.stopId)), 'problem.id': _.in(slice.map((x) => x._id)) },
      { 'problem.note': '' },
    )
  }
  const withPhotos = theirs.filter((x) => x.photo)
  const { failed } = await deleteFiles(withPhotos.flatMap((x) => photoRefs(x.communityId, [x.photo])))
  for (const x of found)
    await data.update('deliveryProblems', x._id, {
      ...(theirs.includes(x) ? { note: '', ...(x.photo ? { photo: _.remove() } : {}) } : {}),
      ...(x.by === openid ? { by: '', byName: '' } : {}),
      ...(x.handled?.by === openid ? { 'handled.by': '', 'handled.byName': '', 'handled.note': '' } : {}),
    })
  return failed
}

/** Deliveries deleted per read in a closed community's deletion. */
const DELIVERY_BATCH = 20

/**
 * The delivery part of a closed community's deletion, step by step (each idempotent, so a run cut short is
 * finished by the next): the problems with their photos, each delivery's bags (their photos first), trips,
 * buildings' parts and the delivery itself with its arrival photo, and the door teams. Returns true once done.
 */
export async function eraseCommunityDeliveries(communityId: string, budget: Budget): Promise<boolean> {
  const _ = data._
  for (;;) {
    const docs = await data.find<ProblemPhoto>(
      'deliveryProblems',
      { communityId },
      { limit: BATCH, fields: { communityId: true, photo: true } },
    )
    if (docs.length === 0) break
    await deleteFiles(docs.flatMap((d) => photoRefs(d.communityId, [d.photo])))
    await data.removeWhere('deliveryProblems', { _id: _.in(docs.map((d) => d._id)) })
    if (budget.spent) return false
  }
  for (;;) {
    const deliveries = await data.find<Pick<RelayDeliveryDoc, '_id' | 'communityId' | 'arrival'>>(
      'deliveries',
      { communityId },
      { limit: DELIVERY_BATCH, fields: { communityId: true, arrival: true } },
    )
    if (deliveries.length === 0) break
    for (const d of deliveries) {
      await deleteStopPhotos(d._id)
      await deleteFiles(photoRefs(d.communityId, [d.arrival?.photo]))
      await data.removeWhere('deliveryStops', { deliveryId: d._id })
      await data.removeWhere('deliveryTrips', { deliveryId: d._id })
      await data.removeWhere('deliveryBuildings', { deliveryId: d._id })
      // The delivery last: until it goes, a run cut short finds its parts through it.
      await data.remove('deliveries', d._id)
      if (budget.spent) return false
    }
  }
  await data.removeWhere('doorTeams', { communityId })
  return true
}
