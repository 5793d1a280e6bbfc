// What the consent text says of care checks, in step with the rules the function and the timer keep.
import { CONSENTS } from '../../server/community/consent'
import { CHECK_RETENTION_DAYS } from '../../server/care/rules'

describe('the consent text on care', () => {
  it('says who checks, what is recorded, what volunteers see, and how long it is kept', () => {
    const text = CONSENTS.personal.text
    expect(CONSENTS.personal.version).toBe('2026-12-v5')
    expect(text).toContain('关怀联系：对 60岁以上、独居、行动不便等特殊人群')
    expect(text).toContain('只在班次时间内')
    expect(text).toContain('志愿者只看到打码姓名和 60岁以上、独居、行动不便这三种标记')
    expect(text).toContain('连续两次联系不上时通知楼组长和居委')
    expect(text).toContain(`每次联系的记录 ${CHECK_RETENTION_DAYS} 天后自动删除`)
    expect(text).toContain('对您的关怀联系记录和您联系他人时留下的姓名')
  })
})
