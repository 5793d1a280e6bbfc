// npm run screenshots [-- --out <dir>] [--full]: a picture of every page of the mini-program, as the demo person it
// is for and with the demo data showing, and a few states worth seeing (a modal, the privacy popup, the photo
// chooser). Builds the functions and the preview, runs an in-memory localcloud with the demo communities loaded at
// a fixed platform clock (the pictures do not change from day to day; the delivery pages of tomorrow's relay are
// taken in that afternoon, after the groupbuy timer closed today's sale and the committee planned its relay through
// the delivery function), drives the real pages in Chromium
// (preview/driver.ts) and writes the phone frame of each, 375 px wide, to docs/screenshots/<name>.png with a
// README listing them. Re-run after changing a page and commit the pictures.
//   --out <dir>  write somewhere else (e.g. to compare with the committed pictures)
//   --full       make the phone as tall as each page, to check a page all the way down (not for docs/)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import prettier from 'prettier'
import { loadRulesDir, startLocalCloud } from '../localcloud'
import { buildPreview, PREVIEW_OUT, type PreviewManifest } from '../preview/build'
import type { Phone } from '../preview/driver'
import { startPreviewSession } from '../preview/session'
import { COLLECTIONS } from '../server/collections'
import type { DeliverySummaryView, MySubmissionView, Roster, RoundView } from '../typings/api'
import { demoDataset } from './demo/generate'
import { DEMO_SESSION_REQUEST } from './demo/callup'
import { sessionIdOf } from '../server/callup/rules'
import { loadDataset } from './demo/load'
import { bundleFunctions } from './lib/functions'
import { FUNCTIONS_ROOT, ROOT } from './lib/paths'

// CloudBase runs functions in UTC; so does the emulator process that hosts them.
process.env.TZ = 'UTC'

/** The platform clock the demo is dated from: every date in the pictures follows from it. */
export const DEMO_AT = '2026-11-24T10:00:00+08:00'
/** Every phone is opened with the platform clock set to this instant, a few minutes after the demo was loaded. */
export const SHOT_AT = '2026-11-24T10:05:00+08:00'
export const OUT_DIR = path.join(ROOT, 'docs', 'screenshots')

/** The round opened when the demo has no live one (it does, dated from DEMO_AT: docs/demo.md). */
const OPEN_ROUND = {
  communityId: 'c-zhonglou',
  date: '2026-11-24',
  deadline: '2026-11-24T05:00:00.000Z',
  notice: '请于今天 13:00 前完成抗原自测，并在「邻里接力」小程序接龙。',
  requestId: 'screenshots-round',
}
const KIT_NEGATIVE = path.join(ROOT, 'test', 'e2e', 'fixtures', 'kit-negative.jpg')
const COMMUNITY = 'c-zhonglou'
const B1 = 'c-zhonglou-b1'
const B2 = 'c-zhonglou-b2'
const COMMITTEE = 'demo-committee-1'
const LEAD = 'demo-lead-1'
const RESIDENT = 'demo-resident-1'
/** Someone who has not joined any household yet. */
const NEWCOMER = 'screenshots-newcomer'
/** The demo's approved shop, which runs the open sale and yesterday's (docs/demo.md, 团购). */
const SHOP = 'demo-merchant-1'
/** Carries 1号–4号 from the gate (docs/demo.md, 接力配送). */
const TRANSPORT = 'demo-volunteer-transport-1'

const PEOPLE: Record<string, string> = {
  [COMMITTEE]: '居委 committee',
  [LEAD]: '1号楼组长 lead of 1号',
  [RESIDENT]: '1号居民 resident of 1号',
  [NEWCOMER]: '新用户 newcomer',
  [SHOP]: '商家 the approved shop',
}

interface Shot {
  name: string
  route: string
  who: string
  /** What the picture shows: Chinese, then English. */
  zh: string
  en: string
}

interface Scene {
  who: string
  at: string
  /** The platform clock when the phone opens (default SHOT_AT). */
  clock?: number
  /** Done through the functions before the phone opens. */
  before?: () => Promise<void>
  /** Acts on the page and takes its pictures. */
  run(phone: Phone, snap: (name: string, zh: string, en: string) => Promise<void>): Promise<void>
}

interface Args {
  out: string
  full: boolean
}

function parseArgs(argv: string[]): Args {
  const args: Args = { out: OUT_DIR, full: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--out' && argv[i + 1]) args.out = path.resolve(argv[++i] as string)
    else if (arg === '--full') args.full = true
    else throw new Error(`unknown option ${arg}\nusage: npm run screenshots -- [--out <dir>] [--full]`)
  }
  return args
}

async function fn<T>(url: string, name: string, action: string, payload: unknown, openid: string): Promise<T> {
  const res = await fetch(`${url}/functions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    body: JSON.stringify({ action, payload }),
  })
  const body = (await res.json()) as { ok?: boolean; data?: T }
  if (!res.ok || !body.ok) throw new Error(`${name}.${action} as ${openid}: ${JSON.stringify(body)}`)
  return body.data as T
}

/** Run a function's timer trigger now, as the platform's timer would. */
async function trigger(url: string, name: string): Promise<void> {
  const res = await fetch(`${url}/__admin/functions/${name}/trigger`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  if (!res.ok) throw new Error(`${name} timer: ${res.status} ${await res.text()}`)
}

/** Scroll the page on top so that this element is at the top of the screen. */
async function scrollTo(phone: Phone, selector: string): Promise<void> {
  await phone.$(selector).evaluate((el) => el.scrollIntoView({ block: 'start' }))
}

/** A small ledger for the import check: four residents of 1号 and 136号, two rows with mistakes to fix. */
function ledgerCsv(): string {
  return [
    '楼栋,房号,姓名,电话,出生年份,标记',
    '1号,601,周桂英,13900009001,1948,独居',
    '1号,601,周建国,13900009002,1975,',
    '1号,602,吴秀兰,13900009003,1890,行动不便',
    '136号,101,郑海,13900009004,1990,',
  ].join('\n')
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const started = performance.now()
  await bundleFunctions()
  await buildPreview()
  const manifest = JSON.parse(fs.readFileSync(path.join(PREVIEW_OUT, 'manifest.json'), 'utf8')) as PreviewManifest

  const cloud = await startLocalCloud({
    port: 0,
    dataDir: null,
    quiet: true,
    functionsDir: FUNCTIONS_ROOT,
    collections: [...COLLECTIONS],
    rules: loadRulesDir(path.join(ROOT, 'rules')),
    clock: DEMO_AT,
  })
  const session = await startPreviewSession(cloud.url)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'screenshots-'))
  const shots: Shot[] = []
  try {
    const dataset = demoDataset({ now: Date.parse(DEMO_AT), storageEnv: cloud.env })
    await loadDataset(cloud.url, dataset)
    const inviteCode = dataset.summaries[0]?.inviteCode
    if (!inviteCode) throw new Error('the demo has no invite code for 1号')
    const openFor = async (openid: string) =>
      (await fn<MySubmissionView[]>(cloud.url, 'antigen', 'myRounds', {}, openid)).find(
        (s) => s.round.status === 'open' && !s.submitted,
      )
    // The demo's live round in 钟楼新村; without one, the committee opens today's first.
    if (!(await openFor(RESIDENT))) await fn(cloud.url, 'antigen', 'openRound', OPEN_ROUND, COMMITTEE)
    const open = await openFor(RESIDENT)
    if (!open) throw new Error(`no open round for ${RESIDENT} to report in`)
    const roundId = open.round.id
    const householdId = open.householdId
    const rounds = await fn<RoundView[]>(cloud.url, 'antigen', 'listRounds', { communityId: COMMUNITY }, COMMITTEE)
    if (!rounds.some((r) => r.id === roundId)) throw new Error(`round ${roundId} is not in ${COMMUNITY}`)

    // Two numbers the lead of 1号 rang this morning, for the committee's reveal log.
    const roster = await fn<Roster>(cloud.url, 'community', 'buildingRoster', { buildingId: B1 }, LEAD)
    const callable = roster.households.flatMap((h) =>
      h.members.filter((m) => m.revealable).map((m) => ({ householdId: h.id, memberId: m.id })),
    )
    for (const [i, reason] of (['remind', 'care'] as const).entries()) {
      const target = callable[i]
      if (!target) throw new Error('the roster of 1号 has no numbers to reveal')
      await fn(cloud.url, 'community', 'revealPhone', { ...target, reason }, LEAD)
    }

    const csv = path.join(tmp, '钟楼新村台账.csv')
    fs.writeFileSync(csv, ledgerCsv())

    // The demo's group buys: today's open sale, yesterday's closed one (with a complaint), tomorrow's drop.
    const [sale, closedSale, drop] = dataset.summaries[0]?.groupBuys.buys ?? []
    if (!sale || !closedSale || !drop) throw new Error('the demo has no group buys in 钟楼新村')
    const complainer = dataset.collections.complaints[0]?.by
    if (!complainer) throw new Error('the demo has no complaint')
    PEOPLE[complainer] = '投诉过的居民 a resident who complained'
    const shopId = dataset.collections.merchants.find((m) => m.openid === SHOP)?._id
    const eggs = `#line-${householdId}-i2`

    // The delivery relay. Yesterday's sale was delivered yesterday evening (docs/demo.md, 接力配送): its board and
    // problems, and a household whose bag is at its door, not yet confirmed.
    const c = dataset.collections
    const yesterday = closedSale.buyId
    const memberOf = (householdId: string) =>
      c.households.find((h) => h._id === householdId)?.members.find((m) => m.openid)?.openid
    const waiting = c.deliveryStops.find((s) => s.status === 'delivered' && memberOf(s.householdId))
    const receiver = waiting && memberOf(waiting.householdId)
    if (!waiting || !receiver) throw new Error('the demo has no bag at a door waiting to be confirmed')
    PEOPLE[receiver] = `${waiting.label} 居民 a household of yesterday’s sale`
    // Tomorrow's delivery of today's sale, in the afternoon once the timer closed the sale at its deadline: planned
    // by the committee, its door teams see their households. The door person shown: the lead of the building with
    // the most orders.
    const afternoon = Date.parse(sale.closesAt) + 15 * 60_000
    const perBuilding = new Map<string, number>()
    for (const o of c.orders)
      if (o.buyId === sale.buyId && o.status === 'active')
        perBuilding.set(o.buildingId, (perBuilding.get(o.buildingId) ?? 0) + 1)
    const busiest = [...perBuilding].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0]
    const door = c.roles.find((r) => r.role === 'buildingLead' && r.scope.buildingId === busiest)?.openid
    if (!door) throw new Error('the open sale has no building with a lead')
    const busiestName = c.buildings.find((b) => b._id === busiest)?.name ?? ''
    PEOPLE[door] = `${busiestName}楼组长 lead of ${busiestName}`
    PEOPLE[TRANSPORT] = '运输志愿者 transport volunteer of 1号–4号'
    let planned = false
    const planTomorrow = async () => {
      if (planned) return
      cloud.clock.set(Date.parse(sale.closesAt) + 60_000)
      await trigger(cloud.url, 'groupbuy')
      for (let i = 0; ; i++) {
        const list = await fn<DeliverySummaryView[]>(
          cloud.url,
          'delivery',
          'listDeliveries',
          { communityId: COMMUNITY },
          COMMITTEE,
        )
        if (list.some((d) => d.id === sale.buyId)) break
        if (i > 100) throw new Error('the groupbuy timer made no delivery of today’s sale')
        await new Promise((r) => setTimeout(r, 100))
      }
      cloud.clock.set(afternoon - 5 * 60_000)
      await fn(
        cloud.url,
        'delivery',
        'planDelivery',
        { deliveryId: sale.buyId, requestId: 'screenshots-plan' },
        COMMITTEE,
      )
      planned = true
    }

    // The call-up: the demo's session and a resident of a building it has called (the 45th, docs/demo.md).
    const callupSession = sessionIdOf(COMMUNITY, DEMO_SESSION_REQUEST)
    const ordered = dataset.collections.buildings
      .filter((b) => b.communityId === COMMUNITY)
      .sort((a, b) => a.order - b.order)
    const calledBuilding = ordered[44]?._id ?? ''
    const calledResident =
      dataset.collections.households.find((h) => h.buildingId === calledBuilding && h.linkedOpenids.length)
        ?.linkedOpenids[0] ?? RESIDENT
    PEOPLE[calledResident] ??= `${ordered[44]?.name ?? ''}居民 resident of ${ordered[44]?.name ?? ''}`

    const scenes: Scene[] = [
      {
        who: RESIDENT,
        at: 'pages/index/index',
        run: (_p, snap) =>
          snap(
            'home-resident',
            '首页：今天这一轮还没报，「报抗原」在最前',
            'Home: today’s round not reported yet, 报抗原 first',
          ),
      },
      {
        who: LEAD,
        at: 'pages/index/index',
        async run(phone, snap) {
          await scrollTo(phone, `#entry-chain-${B1}`)
          await snap(
            'home-lead',
            '首页（向下滚动）：本楼接龙、楼栋名册',
            'Home of a building lead, scrolled: chain, roster',
          )
        },
      },
      {
        who: COMMITTEE,
        at: 'pages/index/index',
        run: (_p, snap) =>
          snap(
            'home-committee',
            '首页：检测汇总、检测轮次和居委的管理入口',
            'Home of the committee: the table, rounds and admin',
          ),
      },
      {
        who: NEWCOMER,
        at: 'pages/join/index',
        async run(phone, snap) {
          await snap('join', '加入我家：输入邀请码或扫一扫', 'Join: type the invite code or scan it')
          await phone.type('#code-input', inviteCode)
          await phone.tap('#preview')
          await phone.$('#invite').waitFor()
          await snap(
            'join-form',
            '加入我家：邀请码对应的楼栋、房号、姓名和授权',
            'Join: the invite’s building, room, name, consents',
          )
        },
      },
      {
        who: RESIDENT,
        at: `pages/household/index?householdId=${householdId}`,
        run: (_p, snap) => snap('household', '我的家：家庭成员和授权', 'My household: members and consents'),
      },
      {
        who: RESIDENT,
        at: 'pages/household/data',
        run: (_p, snap) => snap('data', '我的数据：本小程序保存的我的信息', 'My data: everything kept about me'),
      },
      {
        who: RESIDENT,
        at: `packageAntigen/pages/submit?roundId=${roundId}&householdId=${householdId}`,
        async run(phone, snap) {
          const member = open.members[0]
          if (!member) throw new Error(`${householdId} has no members`)
          await phone.tap(`#result-${member.memberId}-negative`)
          await phone.tap(`#member-${member.memberId} .take-photo`)
          await phone.$('.privacy-sheet').waitFor()
          await snap('privacy', '隐私保护提示：第一次用相机前', 'The privacy popup, before the camera is first used')
          await phone.tap('#agree-privacy')
          await phone.page.locator('.pv-file-input').last().waitFor({ state: 'attached' })
          await snap(
            'photo-chooser',
            '拍试剂照片：开发预览里选一张图片代替相机',
            'Taking the kit photo: the preview asks for a file',
          )
          await phone.chooseFile(KIT_NEGATIVE)
          await phone.$(`#member-${member.memberId} .photo-image`).waitFor()
          await scrollTo(phone, '.steps')
          await snap('submit', '报抗原：选了阴性、拍了照片', 'Reporting: a result chosen and its photo taken')
        },
      },
      {
        who: LEAD,
        at: `packageAntigen/pages/chain?roundId=${roundId}&buildingId=${B1}`,
        async run(phone, snap) {
          await snap(
            'chain',
            '本楼接龙：已报、未报，确认本楼、提醒未报',
            'The building’s chain: confirm, remind the rest',
          )
          // A round opened just now (no demo round) has no entries to open yet.
          if (await phone.top().locator('#entries .entry-head').count()) {
            await phone.tap('#entries .entry-head')
            await scrollTo(phone, '#entries')
            await snap(
              'chain-photos',
              '本楼接龙：展开一户，看每人的结果和试剂照片',
              'The chain: one household opened, results and photos',
            )
          }
          await phone.tap('#tab-missing')
          await scrollTo(phone, '.tabs')
          await snap(
            'chain-missing',
            '本楼接龙：未报的户，代管的户可以代报',
            'The chain: households not reported, 代报 for proxies',
          )
        },
      },
      {
        who: COMMITTEE,
        at: `packageAntigen/pages/chain?roundId=${roundId}&buildingId=${B2}`,
        run: (_p, snap) =>
          snap('chain-abnormal', '2号接龙：异常的一户标红在前', 'The chain of 2号: the abnormal household in red'),
      },
      {
        who: COMMITTEE,
        at: `packageAntigen/pages/table?roundId=${roundId}`,
        run: (_p, snap) =>
          snap('table', '检测汇总：全小区合计、异常楼栋、各营小计', 'The table: totals, abnormal buildings, groups'),
      },
      {
        who: COMMITTEE,
        at: `packageAntigen/pages/followups?communityId=${COMMUNITY}&roundId=${roundId}`,
        run: (_p, snap) =>
          snap('followups', '异常随访：未处理的异常户和跟进按钮', 'Follow-ups: the open abnormal household'),
      },
      {
        who: COMMITTEE,
        at: `packageAntigen/pages/rounds?communityId=${COMMUNITY}`,
        async run(phone, snap) {
          await snap('rounds', '检测轮次：进行中的一轮和昨天的一轮', 'Rounds: today’s open round and yesterday’s')
          await phone.tap('#new-round')
          await phone.tap('#open-round')
          await phone.page.locator('.pv-modal').last().waitFor()
          await snap('rounds-modal', '开始新一轮：确认对话框', 'Opening a round: the confirmation dialog')
          await phone.modal('cancel')
          await phone.tap('#scope-pick')
          await phone.$('#pick .pick-group').waitFor()
          await scrollTo(phone, '#scope-all')
          await snap(
            'rounds-form',
            '开始新一轮：选择部分楼栋（整营或单栋）',
            'Opening a round: choosing some buildings',
          )
        },
      },
      {
        who: LEAD,
        at: `packageLead/pages/roster?buildingId=${B1}`,
        async run(phone, snap) {
          await snap('roster', '楼栋名册：邀请码、住户', 'The roster: invite codes, households')
          await phone.tap('#tab-pending')
          await scrollTo(phone, '.tabs')
          await snap('roster-pending', '楼栋名册：待审核的代管申请', 'The roster: a proxy request to approve')
        },
      },
      {
        who: COMMITTEE,
        at: `packageCommittee/pages/structure?communityId=${COMMUNITY}`,
        async run(phone, snap) {
          await phone.tap('#group-c-zhonglou-g1 .group-head')
          await snap('structure', '社区结构：营和楼栋，展开第1营', 'Structure: groups and buildings, 第1营 open')
        },
      },
      {
        who: COMMITTEE,
        at: `packageCommittee/pages/import?communityId=${COMMUNITY}`,
        async run(phone, snap) {
          await snap('import', '台账导入：选择表格、导出台账', 'Ledger import and export')
          await phone.tap('#choose-file')
          await phone.tap('#agree-privacy')
          await phone.chooseFile(csv)
          await phone.$('#summary').waitFor()
          await scrollTo(phone, '#summary')
          await snap('import-check', '台账导入：检查结果和需要修改的行', 'Ledger import: the check and the rows to fix')
        },
      },
      {
        who: COMMITTEE,
        at: `packageCommittee/pages/roles?communityId=${COMMUNITY}`,
        run: (_p, snap) => snap('roles', '角色管理：各岗位和撤销', 'Roles: who holds which role'),
      },
      {
        who: COMMITTEE,
        at: `packageCommittee/pages/reveals?communityId=${COMMUNITY}`,
        run: (_p, snap) =>
          snap('reveals', '电话查看记录：楼组长今天拨打的两个电话', 'The reveal log: two numbers the lead rang'),
      },
      {
        who: COMMITTEE,
        at: `packageCommittee/pages/retention?communityId=${COMMUNITY}`,
        run: (_p, snap) =>
          snap('retention', '数据保存：保存期限和下一次删除', 'Retention: how long data is kept, what goes next'),
      },
      {
        who: RESIDENT,
        at: `packageGroupbuy/pages/list?communityId=${COMMUNITY}`,
        run: (_p, snap) =>
          snap(
            'groupbuy-list',
            '团购：正在接龙的团购和明天的物资发放，卖家已通过居委审核',
            'Group buys: the open sale and tomorrow’s drop, the seller approved',
          ),
      },
      {
        who: RESIDENT,
        at: `packageGroupbuy/pages/buy?id=${sale.buyId}`,
        async run(phone, snap) {
          await snap(
            'groupbuy-buy',
            '团购：已通过居委审核的商家、截单和送达时间、成团金额',
            'A sale: the approved shop, deadline, delivery, minimum',
          )
          await phone.tap(`${eggs} .plus`)
          await scrollTo(phone, `#form-${householdId}`)
          await snap(
            'groupbuy-buy-form',
            '团购：这一户的接龙，鸡蛋按箱加减，大米已售罄',
            'A sale: the household’s order, eggs by the case, rice sold out',
          )
        },
      },
      {
        who: complainer,
        at: `packageGroupbuy/pages/orders?communityId=${COMMUNITY}`,
        run: (_p, snap) =>
          snap('groupbuy-orders', '我的订单：接龙号、付款、投诉', 'My orders: numbers, payments, a complaint'),
      },
      {
        who: NEWCOMER,
        at: `packageGroupbuy/pages/merchant?communityId=${COMMUNITY}`,
        run: (_p, snap) =>
          snap(
            'groupbuy-apply',
            '商家入驻：为什么要证照、谁能看到，填写申请',
            'A shop applies: why the licences, who sees them',
          ),
      },
      {
        who: SHOP,
        at: `packageGroupbuy/pages/merchant?communityId=${COMMUNITY}`,
        run: (_p, snap) =>
          snap('groupbuy-shop', '我的店铺：审核记录和我的团购', 'The shop: its approval and its sales'),
      },
      {
        who: SHOP,
        at: `packageGroupbuy/pages/edit?communityId=${COMMUNITY}&kind=sale${shopId ? `&merchantId=${shopId}` : ''}`,
        run: (_p, snap) =>
          snap(
            'groupbuy-edit',
            '发起团购：商品、单位、整箱数、单价、库存和限购',
            'A new sale: item, unit, pack size, price, stock, limit',
          ),
      },
      {
        who: COMMITTEE,
        at: `packageGroupbuy/pages/edit?id=${drop.buyId}`,
        run: (_p, snap) =>
          snap(
            'groupbuy-edit-drop',
            '物资发放：每户10公斤大米，明天开始',
            'A supply drop: 10 kg of rice per household',
          ),
      },
      {
        who: SHOP,
        at: `packageGroupbuy/pages/manage?id=${sale.buyId}`,
        run: (_p, snap) =>
          snap('groupbuy-manage', '管理团购：接龙、收款、截单', 'Running a sale: the chain, payments, closing'),
      },
      {
        who: SHOP,
        at: `packageGroupbuy/pages/manage?id=${closedSale.buyId}`,
        async run(phone, snap) {
          await phone.tap('#tab-summary')
          await phone.$('#purchase').waitFor()
          await snap(
            'groupbuy-summary',
            '昨天的团购：采购单和各楼栋件数',
            'Yesterday’s sale: the purchase list and pieces per building',
          )
          await phone.tap('#tab-files')
          await snap(
            'groupbuy-files',
            '昨天的团购：打印采购单、分拣单和标签',
            'Yesterday’s sale: the purchase list, sorting lists, labels',
          )
        },
      },
      {
        who: COMMITTEE,
        at: `packageGroupbuy/pages/merchants?communityId=${COMMUNITY}`,
        run: (_p, snap) =>
          snap(
            'groupbuy-merchants',
            '商家审核：待审核的申请和证照照片',
            'Vetting shops: a pending application and its photos',
          ),
      },
      {
        who: COMMITTEE,
        at: `packageDelivery/pages/board?id=${yesterday}`,
        async run(phone, snap) {
          await phone.$('#head').waitFor()
          await snap(
            'delivery-board',
            '配送看板：昨天的配送已完成，各楼栋一行，还有两户未签收',
            'The board: yesterday’s delivery done, a row per building, two bags unconfirmed',
          )
          await scrollTo(phone, '#arrival-card')
          await snap(
            'delivery-board-times',
            '配送看板（向下滚动）：到货、静置、运到楼门口、送完的时间和各楼栋',
            'The board, scrolled: arrival, rest, entrances, doors, and the buildings',
          )
        },
      },
      {
        who: COMMITTEE,
        at: `packageDelivery/pages/problems?id=${yesterday}&community=${COMMUNITY}`,
        run: (_p, snap) =>
          snap(
            'delivery-problems',
            '配送问题：昨天「无人在家」的一户，已处理',
            'Problems: yesterday’s 无人在家, handled',
          ),
      },
      {
        who: receiver,
        at: `packageDelivery/pages/mine?household=${waiting.householdId}`,
        run: (_p, snap) =>
          snap(
            'delivery-mine',
            '我家的物资：已送到门口，点「我已收到」',
            'My household’s goods: at the door, 我已收到 to tap',
          ),
      },
      {
        who: COMMITTEE,
        at: `packageDelivery/pages/list?communityId=${COMMUNITY}`,
        clock: afternoon,
        before: planTomorrow,
        run: (_p, snap) =>
          snap(
            'delivery-list',
            '接力配送：明天的配送已安排，昨天的已完成',
            'Deliveries: tomorrow’s planned, yesterday’s done',
          ),
      },
      {
        who: COMMITTEE,
        at: `packageDelivery/pages/plan?id=${sale.buyId}`,
        clock: afternoon,
        before: planTomorrow,
        async run(phone, snap) {
          await phone.$('#version').waitFor()
          await snap(
            'delivery-plan',
            '安排配送：没有运输志愿者定岗的楼栋标红在前',
            'Planning: the buildings no transport volunteer is posted to, in red first',
          )
          await scrollTo(phone, '#settings')
          await snap(
            'delivery-plan-settings',
            '安排配送（向下滚动）：每趟袋数、消毒静置、截止时间，再往下是趟次和送到门口的人',
            'Planning, scrolled: bags a trip, rest, deadline; then trips and door teams',
          )
        },
      },
      {
        who: COMMITTEE,
        at: `packageDelivery/pages/arrival?id=${sale.buyId}`,
        clock: afternoon,
        before: planTomorrow,
        run: (_p, snap) =>
          snap('delivery-arrival', '登记到货：数量齐全或数量不足，拍照', 'Recording arrival: full or short, a photo'),
      },
      {
        who: TRANSPORT,
        at: `packageDelivery/pages/tasks?id=${sale.buyId}`,
        clock: afternoon,
        before: planTomorrow,
        run: (_p, snap) =>
          snap(
            'delivery-tasks-transport',
            '我的配送任务：运输志愿者明天的趟次',
            'My delivery tasks: a transport volunteer’s trips for tomorrow',
          ),
      },
      {
        who: door,
        at: `packageDelivery/pages/tasks?id=${sale.buyId}`,
        clock: afternoon,
        before: planTomorrow,
        run: (_p, snap) =>
          snap(
            'delivery-tasks',
            `我的配送任务：${busiestName}楼组长明天要送到门口的各户`,
            `My delivery tasks: the households ${busiestName}’s lead takes to their doors tomorrow`,
          ),
      },
      // The livelihood registers: 钟楼新村's starter set with its flagged households (docs/demo.md, 民生底账).
      {
        who: COMMITTEE,
        at: `packageRegisters/pages/list?communityId=${COMMUNITY}`,
        run: (_p, snap) =>
          snap('registers-list', '民生底账：10 个常用底账和各自的条数', 'Registers: the starter set with their counts'),
      },
      {
        who: COMMITTEE,
        at: `packageRegisters/pages/entries?typeId=rt_${COMMUNITY}_alone&communityId=${COMMUNITY}`,
        run: (_p, snap) =>
          snap(
            'registers-entries',
            '独居老人：全小区的登记，按楼栋筛选、按房号查找',
            'A register’s entries: filter by building, search by room',
          ),
      },
      {
        who: LEAD,
        at: `packageRegisters/pages/entry?typeId=rt_${COMMUNITY}_medicine&communityId=${COMMUNITY}`,
        run: (_p, snap) =>
          snap(
            'registers-entry',
            '添加登记：楼组长为本楼住户登记配药需求',
            'Adding an entry: a building lead registers a medicine request',
          ),
      },
      {
        who: COMMITTEE,
        at: `packageRegisters/pages/types?typeId=rt_${COMMUNITY}_medicine&communityId=${COMMUNITY}`,
        run: (_p, snap) =>
          snap('registers-types', '修改字段：名称、类型、选项、必填、顺序', 'The type editor: fields in order'),
      },
      {
        who: COMMITTEE,
        at: `packageRegisters/pages/import?typeId=rt_${COMMUNITY}_medicine&communityId=${COMMUNITY}`,
        run: (_p, snap) =>
          snap('registers-import', '从表格导入：列名说明，选择表格', 'Importing rows: how to write the sheet'),
      },
      // The testing call-up: this morning's session under way (docs/demo.md, 线上叫号).
      {
        who: COMMITTEE,
        at: `packageCallup/pages/sessions?communityId=${COMMUNITY}`,
        run: (_p, snap) =>
          snap(
            'callup-sessions',
            '线上叫号：开始叫号，今天上午的一场正在进行',
            'Testing call-up: start a session; this morning’s is under way',
          ),
      },
      {
        who: COMMITTEE,
        at: `packageCallup/pages/queue?sessionId=${callupSession}`,
        async run(phone, snap) {
          await phone.$('#counts').waitFor()
          await snap(
            'callup-queue',
            '叫号队列：叫下一栋、叫下 N 栋、按顺序叫一段',
            'The call-up queue: call the next, the next N, a range by order',
          )
          await scrollTo(phone, `#building-${calledBuilding}`)
          await snap(
            'callup-queue-buildings',
            '叫号队列（向下滚动）：已完成、已跳过、检测中、已叫号的楼和已等的分钟',
            'The queue, scrolled: done, skipped, testing and called buildings, minutes waited',
          )
        },
      },
      {
        who: calledResident,
        at: `packageCallup/pages/turn?sessionId=${callupSession}`,
        run: (_p, snap) => snap('callup-turn', '我楼叫号：已叫到，请下楼', 'My building’s turn: called, go down now'),
      },
    ]

    fs.mkdirSync(args.out, { recursive: true })
    for (const scene of scenes) {
      if (scene.before) await scene.before()
      cloud.clock.set(scene.clock ?? Date.parse(SHOT_AT))
      const phone = await session.phone(scene.who, { at: scene.at })
      try {
        await scene.run(phone, async (name, zh, en) => {
          await settle(phone, args.full)
          await phone.screenshot(path.join(args.out, `${name}.png`))
          const problems = await phone.problems()
          if (problems.length) throw new Error(`${name}: ${problems.join('; ')}`)
          shots.push({ name, route: await phone.route(), who: scene.who, zh, en })
        })
      } finally {
        await phone.close()
      }
    }
  } finally {
    await session.stop()
    await cloud.stop()
    fs.rmSync(tmp, { recursive: true, force: true })
  }

  const missed = manifest.routes.filter((r) => !shots.some((s) => s.route === r))
  if (missed.length) throw new Error(`no screenshot of ${missed.join(', ')}`)
  const readme = path.join(args.out, 'README.md')
  fs.writeFileSync(readme, await formatMarkdown(readmeText(shots, manifest.routes.length), readme))

  let total = 0
  for (const s of shots) {
    const file = path.join(args.out, `${s.name}.png`)
    const bytes = fs.statSync(file).size
    total += bytes
    console.log(
      `${path.relative(ROOT, file).padEnd(38)} ${`${Math.round(bytes / 1024)} KB`.padStart(6)}  ${s.route} as ${s.who}`,
    )
  }
  console.log(`${path.relative(ROOT, readme)}`)
  console.log(
    `${shots.length} screenshots of ${manifest.routes.length} pages, ${Math.round(total / 1024)} KB, in ${Math.round((performance.now() - started) / 1000)} s`,
  )
}

/** Wait for what a tap leaves behind to settle: images loaded, fonts, hover-class (400 ms), a toast. */
async function settle(phone: Phone, full: boolean): Promise<void> {
  await phone.idle()
  // Expressions run in the page (Node's typings have no DOM).
  await phone.page.waitForFunction("[...document.querySelectorAll('#pv-phone img')].every((img) => img.complete)")
  await phone.page.evaluate('document.fonts.ready.then(() => true)')
  await phone.page.locator('.pv-toast-layer').waitFor({ state: 'detached' })
  // The hover-class of the element just tapped stays on for its hover-stay-time (400 ms by default).
  await phone.page.waitForTimeout(450)
  if (full)
    await phone.page.evaluate(`(() => {
      const top = document.querySelector('.pv-page:not([hidden])')
      const frame = document.querySelector('#pv-phone')
      frame.style.height = (frame.offsetHeight - top.clientHeight + top.scrollHeight) + 'px'
    })()`)
}

function readmeText(shots: Shot[], routes: number): string {
  const rows = shots.map(
    (s) =>
      `| [<img src="${s.name}.png" width="120" alt="${s.name}">](${s.name}.png) | \`${s.name}.png\` | \`${s.route}\` | \`${s.who}\` ${PEOPLE[s.who] ?? ''} | ${s.zh}<br>${s.en} |`,
  )
  return `# 页面截图 / Screenshots

> English: every page of the mini-program (${routes} in miniprogram/app.json) as the demo person it is for, with the
> demo data showing, and a few states worth seeing. Taken in the browser preview (preview/), which approximates
> WeChat's look: WeChat DevTools and a phone stay the final check. \`npm run screenshots\` refreshes them.

由 \`npm run screenshots\`（scripts/screenshots.ts）生成：构建云函数和开发预览，在内存里启动 localcloud，按固定的平台时钟
（${DEMO_AT}）载入示范数据（docs/demo.md），再用 Chromium 以示范身份打开每个页面，截下手机框（375 px 宽）。
截图前楼组长 \`${LEAD}\` 用云函数查看了两个住户电话（电话查看记录里才有数据）；台账导入选的是脚本生成的四行小表格
（一行出生年份不对，一行的楼栋本小区没有）。每次打开页面时平台时钟都设在 ${SHOT_AT}，所以同一份代码每次生成的
图片相同；接力配送里明天那一次的页面（配送列表、安排配送、登记到货、我的配送任务）是当天下午拍的：脚本先把时钟拨到今天
团购的截单时间，由团购的定时器截单、生成配送单，居委通过 delivery 函数安排配送，再在截单后 15 分钟打开这些页面。
改了页面后重新运行并提交。开发预览的样式是近似效果，以微信开发者工具和真机为准。

| 图 | 文件 | 页面 | 身份 | 内容 |
| --- | --- | --- | --- | --- |
${rows.join('\n')}
`
}

async function formatMarkdown(text: string, file: string): Promise<string> {
  const options = (await prettier.resolveConfig(file)) ?? {}
  return prettier.format(text, { ...options, filepath: file })
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err)
  process.exit(1)
})
