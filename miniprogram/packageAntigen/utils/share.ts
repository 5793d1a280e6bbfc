// A round's card for the building's WeChat group: which building, which day, what to do and by when. It opens the
// home page, where each resident finds 报抗原 for their own household (the submit page needs the household, which
// the card cannot know).
import type { ChainView } from '../../../typings/api'
import { formatDay, formatDeadline } from '../../utils/format'
import { SHARE_IMAGE } from '../../utils/share'

export function roundCard(view: ChainView | null): WechatMiniprogram.Page.ICustomShareContent {
  if (!view) return { title: '邻里接力：本楼接龙报抗原', path: '/pages/index/index', imageUrl: SHARE_IMAGE }
  const { round, building } = view
  const day = formatDay(round.date)
  const title =
    round.status === 'open'
      ? `${building.name} ${day}抗原接龙：请在 ${formatDeadline(round.date, round.deadline)} 前报结果`
      : `${building.name} ${day}抗原接龙已结束：已接龙 ${view.entries.length + (view.deleted?.length ?? 0)} 户`
  return { title, path: `/pages/index/index?roundId=${round.id}`, imageUrl: SHARE_IMAGE }
}
