// The hand-over exports of a closed community: its ledger and every round's counts, kept until everyone's data goes
// (closing.deleteAfter). The community function's closeCommunity asks for them; each is made once, under an id of
// its own, so a retried closing (or a second call) finds the ones made.
import type { CommunityDoc } from '../../../server/community/model'
import { roundsWorkbook } from '../../../server/antigen/handover'
import { randomId } from '../../../server/community/ids'
import { action, AppError, defineActions, formatShanghai, nowDate, z } from '../../../server/kernel'
import { exportLedger } from '../../../server/ledger/export'
import { data } from '../../../server/platform/cloud'
import { HANDOVER_EXPORT_ID, uploadExport, type ExportDoc, type HandoverKind } from '../../../server/platform/exports'

async function handOver(c: CommunityDoc, by: string, deleteAfter: Date): Promise<HandoverKind[]> {
  const opts = { expiresAt: deleteAfter, handover: true }
  const day = formatShanghai(nowDate(), 'YYYYMMDD')
  const kinds: HandoverKind[] = []
  if (!(await data.get<ExportDoc>('exports', HANDOVER_EXPORT_ID.ledger(c._id)))) {
    const fileName = `${c.name}住户台账-移交-${day}.xlsx`
    await exportLedger(data, c._id, async (cloudPath, content) => {
      const file = await uploadExport(c._id, 'ledger', cloudPath, content, by, {
        ...opts,
        id: HANDOVER_EXPORT_ID.ledger(c._id),
        fileName,
      })
      return file.fileID
    })
  }
  kinds.push('ledger')
  if (!(await data.get<ExportDoc>('exports', HANDOVER_EXPORT_ID.antigen(c._id)))) {
    const book = await roundsWorkbook(c._id)
    if (book) {
      await uploadExport(c._id, 'antigen', `exports/${c._id}/${randomId('handover', 16)}.xlsx`, book.buffer, by, {
        ...opts,
        id: HANDOVER_EXPORT_ID.antigen(c._id),
        fileName: `${c.name}抗原检测各轮统计-移交-${day}.xlsx`,
      })
      kinds.push('antigen')
    }
  } else kinds.push('antigen')
  return kinds
}

export const handoverActions = defineActions('sheets', {
  handover: action({
    input: z.object({ communityId: z.string().min(1).max(64).describe('小区') }).strict(),
    access: { roles: ['committee'], scope: (i) => ({ communityId: i.communityId }) },
    handler: async (i, ctx) => {
      const c = await data.get<CommunityDoc>('communities', i.communityId)
      if (!c) throw new AppError('NOT_FOUND', '找不到这个小区')
      if (!c.closing) throw new AppError('CONFLICT', '小区还没有停止使用，不能生成移交表格')
      return { kinds: await handOver(c, ctx.caller.openid, new Date(c.closing.deleteAfter)) }
    },
  }),
})
