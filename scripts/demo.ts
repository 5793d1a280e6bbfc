// npm run demo -- [--localcloud http://127.0.0.1:8787] [--yes] [--print] [--now <ISO time>]
// Loads the demo communities into a running localcloud (replacing all of its data), or prints what they contain.
import { demoDataset, type DemoDataset, type DemoIdentity, type DemoRoundSummary } from './demo/generate'
import type { DemoBuySummary } from './demo/groupbuy'
import type { DemoRelaySummary } from './demo/delivery'
import { formatShanghai } from '../server/kernel/time'
import { demoFor, isEmpty, loadDataset, storageEnv } from './demo/load'

const USAGE = `usage: npm run demo -- [--localcloud http://127.0.0.1:8787] [--yes] [--print] [--now <ISO time>]
  --print       print the demo communities and identities; load nothing
  --yes         replace the data of a localcloud that already has a community
  --now         date the data from this instant (default: the localcloud's clock)`

interface Args {
  url: string
  yes: boolean
  print: boolean
  now?: number
  help: boolean
}

export function parseDemoArgs(argv: string[]): Args {
  const args: Args = { url: 'http://127.0.0.1:8787', yes: false, print: false, help: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const value = () => {
      const v = argv[++i]
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value`)
      return v
    }
    if (arg === '--localcloud') args.url = value().replace(/\/+$/, '')
    else if (arg === '--yes' || arg === '-y') args.yes = true
    else if (arg === '--print') args.print = true
    else if (arg === '--now') {
      const at = Date.parse(value())
      if (!Number.isFinite(at)) throw new Error('--now must be a time like 2026-11-24T10:00:00+08:00')
      args.now = at
    } else if (arg === '--help' || arg === '-h') args.help = true
    else throw new Error(`unknown option ${arg}`)
  }
  return args
}

function curl(url: string, who: DemoIdentity): string {
  const body = JSON.stringify(who.example)
  return `curl -s -X POST ${url}/functions/community -H 'x-wx-openid: ${who.openid}' -d '${body}'`
}

const at = (iso: string) => formatShanghai(iso, 'MM-DD HH:mm')

function roundLine(r: DemoRoundSummary): string {
  const state = r.status === 'open' ? `open until ${at(r.deadline)}` : `closed ${at(r.closedAt ?? r.deadline)}`
  const abnormal = r.abnormal.map((a) => `${a.buildingName}-${a.room}`).join('、') || 'none'
  return (
    `antigen round ${r.date} (${r.roundId}, ${r.allBuildings ? 'all' : r.buildings} buildings, opened ${at(r.openedAt)}, ${state}): ` +
    `${r.submitted}/${r.expected} households reported, ${r.confirmed} buildings confirmed, ${r.floorsConfirmed} floors confirmed, ` +
    `abnormal ${abnormal}, ${r.photos} photos`
  )
}

function buyLine(b: DemoBuySummary): string {
  const state =
    b.status === 'open'
      ? `open until ${at(b.closesAt)}`
      : b.status === 'scheduled'
        ? `opens ${at(b.opensAt)}, closes ${at(b.closesAt)}`
        : `${b.status} ${at(b.closesAt)}`
  const orders =
    b.kind === 'drop'
      ? 'orders made at close from the allotment'
      : `${b.active} orders from ${b.buildings} buildings (接龙号 1–${b.numbered}), ${b.cancelled} cancelled, ${b.paid} paid, ¥${(b.total / 100).toFixed(2)}` +
        (b.soldOut.length ? `, sold out: ${b.soldOut.join('、')}` : '')
  return `${b.kind === 'drop' ? 'supply drop' : 'group buy'} 「${b.title}」 (${b.buyId}, ${state}, delivery ${at(b.deliveryAt)}): ${orders}`
}

function relayLine(r: DemoRelaySummary): string {
  return (
    `delivery relay (${r.deliveryId}, ${r.status}, at the gate ${at(r.arrivedAt)}, doors done ${at(r.doneAt)}): ` +
    `${r.households} bags to ${r.buildings} buildings, ${r.trips} transport trips to ${r.carried} entrances, ` +
    `${r.fromGate} buildings fetched from the gate by their door teams; ${r.confirmed} confirmed, ` +
    `${r.autoReceived} received automatically (after ${r.autoReceiveHours} h), ${r.delivered} still to confirm, ` +
    `${r.problems} problem handled`
  )
}

function describe(dataset: DemoDataset, url: string): string {
  const lines: string[] = []
  for (const s of dataset.summaries) {
    const roles = Object.entries(s.roles)
      .filter(([, n]) => n > 0)
      .map(([r, n]) => `${r} ${n}`)
      .join(', ')
    const volunteers = Object.entries(s.volunteers)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')
    lines.push(
      `${s.name} (${s.communityId}, seed ${s.seed}, ages as of ${s.year})`,
      `  ${s.buildings} 楼道 buildings in ${s.groups} 营 groups · ${s.households} 户 households · ${s.residents} 居民 residents · ${s.elderly} aged 60+`,
      `  linked households ${s.linkedHouseholds} · no WeChat member ${s.unlinkedHouseholds} (代管 proxy ${s.proxyHouseholds}) · linked residents ${s.linkedResidents}`,
      `  flags: ${Object.entries(s.flags)
        .map(([f, n]) => `${f} ${n}`)
        .join(', ')}`,
      `  roles: ${roles}`,
      `  volunteers: ${volunteers}`,
      ...(s.inviteCode ? [`  invite code for 1号: ${s.inviteCode}`] : []),
      ...s.rounds.map((r) => `  ${roundLine(r)}`),
      `  merchants: ${s.groupBuys.merchants.map((m) => `${m.shopName} (${m.openid}, ${m.status})`).join(', ')}`,
      ...s.groupBuys.buys.map((b) => `  ${buyLine(b)}`),
      ...(s.groupBuys.complaints ? [`  complaints: ${s.groupBuys.complaints} open`] : []),
      ...(s.groupBuys.relay ? [`  ${relayLine(s.groupBuys.relay)}`] : []),
      `  care: ${s.care.people} flagged residents, ${s.care.checked} checked in the last three days (${s.care.checks} checks), ` +
        `${s.care.overdue} overdue, ${s.care.unreachable} not reached at the last try, ${s.care.alerted} 联系不上 alert`,
    )
  }
  lines.push('', '示范身份 demo identities (header x-wx-openid):')
  for (const who of dataset.identities) {
    const person = who.name ? ` ${who.name}` : ''
    lines.push(`  ${who.openid.padEnd(30)} ${who.label} · ${who.communityName} ${who.place}${person}`)
    if (who.communityId === dataset.identities[0]?.communityId)
      lines.push(`      ${who.try}`, `      ${curl(url, who)}`)
  }
  return lines.join('\n')
}

async function main() {
  let args: Args
  try {
    args = parseDemoArgs(process.argv.slice(2))
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`)
    process.exit(2)
  }
  if (args.help) {
    console.log(USAGE)
    return
  }
  if (args.print) {
    console.log(describe(demoDataset(args.now === undefined ? {} : { now: args.now }), args.url))
    return
  }

  let empty: boolean
  try {
    empty = await isEmpty(args.url)
  } catch (err) {
    console.error(`连不上 localcloud ${args.url}（先运行 npm start）/ cannot reach localcloud: ${String(err)}`)
    process.exit(1)
  }
  if (!empty && !args.yes) {
    console.error(
      `${args.url} 已有小区数据，载入示范数据会替换全部数据；确认请加 --yes\n` +
        `${args.url} already has data; the demo replaces all of it. Run again with --yes to confirm.`,
    )
    process.exit(1)
  }
  const dataset =
    args.now === undefined
      ? await demoFor(args.url)
      : demoDataset({ now: args.now, storageEnv: await storageEnv(args.url) })
  const { documents, files, ms } = await loadDataset(args.url, dataset)
  console.log(`已载入 loaded ${documents} documents and ${files} photos into ${args.url} in ${ms} ms\n`)
  console.log(describe(dataset, args.url))
}

if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  })
