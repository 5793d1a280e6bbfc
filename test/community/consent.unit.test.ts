// The consent texts state the numbers the product enforces. Each figure a resident reads is taken here from the
// constant the code uses, so changing one without the other fails (and a changed text is a new version).
import { CONSENTS, consentHash } from '../../server/community/consent'
import {
  DECIDED_REQUEST_TTL_DAYS,
  DEFAULT_CLOSING_DELETION_DAYS,
  DEFAULT_ORDER_RETENTION_DAYS,
  DEFAULT_PHOTO_RETENTION_DAYS,
  DEFAULT_RESULT_RETENTION_DAYS,
  EXPORT_TTL_DAYS,
  IMPORT_ROWS_TTL_DAYS,
  LEDGER_UPLOAD_TTL_DAYS,
  RETENTION_BOUNDS,
} from '../../server/community/settings'
import { PHONE_REVEALS_PER_DAY } from '../../server/platform/visibility'
import { PHONE_REVEAL_TTL_DAYS } from '../../cloudfunctions/community/src/phones'
import { PHOTO_URL_MAX_AGE_S } from '../../cloudfunctions/antigen/src/common'

const personal = CONSENTS.personal.text
const health = CONSENTS.health.text

describe('the consent texts', () => {
  it('state the retention periods the timers keep, with the range a committee may set', () => {
    const photo = RETENTION_BOUNDS.photoRetentionDays
    const result = RETENTION_BOUNDS.resultRetentionDays
    const closing = RETENTION_BOUNDS.closingDeletionDays
    expect(health).toContain(
      `试剂照片在该轮检测结束 ${DEFAULT_PHOTO_RETENTION_DAYS} 天后自动删除（居委可设为 ${photo.min} 至 ${photo.max} 天）`,
    )
    expect(health).toContain(
      `在该轮检测结束 ${DEFAULT_RESULT_RETENTION_DAYS} 天后自动删除（居委可设为 ${result.min} 至 ${result.max} 天`,
    )
    expect(personal).toContain(
      `停止 ${DEFAULT_CLOSING_DELETION_DAYS} 天后（居委可设为 ${closing.min} 至 ${closing.max} 天）`,
    )
    expect(personal).toContain(`居委导出的表格 ${EXPORT_TTL_DAYS} 天后自动删除`)
    expect(personal).toContain(`上传的台账文件在读取 ${LEDGER_UPLOAD_TTL_DAYS} 天后删除`)
    expect(personal).toContain(`暂存的名单和出错行 ${IMPORT_ROWS_TTL_DAYS} 天后删除`)
    expect(personal).toContain(`已审核的加入申请 ${DECIDED_REQUEST_TTL_DAYS} 天后删除`)
    const orders = RETENTION_BOUNDS.orderRetentionDays
    expect(personal).toContain(
      `团购结束 ${DEFAULT_ORDER_RETENTION_DAYS} 天后（居委可设为 ${orders.min} 至 ${orders.max} 天），订单上的下单人和备注、导入的姓名电话、投诉的说明和照片自动删除`,
    )
    expect(personal).toContain(
      `配送结束 ${DEFAULT_ORDER_RETENTION_DAYS} 天后（与团购订单相同，居委可设为 ${orders.min} 至 ${orders.max} 天；没有完成的配送从预计送达的时间算起）`,
    )
  })

  it('state the reveal-to-dial cap and how long its log is kept', () => {
    expect(personal).toContain(`每人每天最多拨打 ${PHONE_REVEALS_PER_DAY} 次`)
    expect(personal).toContain(`${PHONE_REVEAL_TTL_DAYS} 天后自动删除`)
  })

  it('state how long a photo link lasts', () => {
    expect(health).toContain(`照片通过 ${PHOTO_URL_MAX_AGE_S / 60} 分钟内有效的临时链接查看`)
  })

  it('are versioned, and the version is part of what is recorded', () => {
    for (const c of Object.values(CONSENTS)) expect(c.version).toMatch(/^\d{4}-\d{2}-v\d+$/)
    expect(consentHash('personal')).not.toBe(consentHash('health'))
  })
})
