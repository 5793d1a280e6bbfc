// The consent texts residents accept, with versions. Changing a text means a new version: the old acceptance no
// longer counts and the page asks again. What was accepted is recorded with a hash of the exact text.
import type { ConsentKind, ConsentText } from '../../typings/api'
import { sha256 } from './ids'

export const CONSENTS: Record<ConsentKind, ConsentText> = {
  personal: {
    kind: 'personal',
    version: '2026-11-v1',
    title: '个人信息授权',
    text: [
      '为了让楼组长确认您是本楼住户，加入时我们会记录：您填写的房号和姓名、您的微信身份（不含昵称头像）。',
      '居委导入的住户台账（姓名、电话、出生年份、特殊人群标记）用于核对身份和在紧急情况下联系、上门服务。',
      '谁能看到：邻居在接龙中只看到「3-201 张*明」这样的房号和打码姓名；楼组长能看到本楼住户姓名，电话打码；只有居委能看到完整电话。',
      '保存多久：直到您在「我的数据」中删除，或社区停用本服务。您随时可以查看和删除本户在本小程序中的全部信息。',
    ].join('\n'),
  },
  health: {
    kind: 'health',
    version: '2026-11-v1',
    title: '健康信息单独授权',
    text: [
      '抗原检测结果和试剂照片属于敏感个人信息，需要您单独同意。',
      '用途：仅用于本楼、本社区的检测统计，以及发现异常时楼组长和居委及时联系您。',
      '谁能看到：结果只给楼组长及以上看到；照片只给楼组长及以上核对；邻居只看到您是否已报，看不到结果。',
      '保存多久：照片在该轮检测结束 14 天后自动删除，结果只保留统计数字。',
      '不同意也可以加入本户，以后需要报抗原时可以再同意；您可以随时撤回。',
    ].join('\n'),
  },
}

export const consentHash = (kind: ConsentKind) => sha256(CONSENTS[kind].text)
