// The documented starter set of registers (docs/registers.md): the ledgers the source community kept and the brief
// names, each with the fields its work needs. The committee installs it with one tap; each type's id is fixed by
// its key, so a second tap (or two at once) finds it and adds nothing. A community defines the rest itself.
import type { NeedType, RegisterFieldInput } from '../../typings/api'

export interface StarterType {
  key: string
  name: string
  description: string
  needType?: NeedType
  fields: RegisterFieldInput[]
}

const room: RegisterFieldInput = { label: '房号', kind: 'household', required: true }
const person = (label = '人员'): RegisterFieldInput => ({ label, kind: 'member', required: true })
const phoneNote: RegisterFieldInput = {
  label: '联系说明',
  kind: 'text',
  required: false,
  hint: '如：白天打女儿电话；不写号码',
}
const note: RegisterFieldInput = { label: '备注', kind: 'text', required: false }
const choice = (label: string, options: string[], required = true, multiple = false): RegisterFieldInput => ({
  label,
  kind: 'choice',
  required,
  options,
  ...(multiple ? { multiple } : {}),
})

export const STARTER_SET: readonly StarterType[] = [
  {
    key: 'gas',
    name: '燃气充值服务',
    description: '需要代为充值燃气的住户：卡的情况、金额，志愿者统一代充后送回。',
    needType: 'gas',
    fields: [
      room,
      { label: '户主', kind: 'member', required: false },
      choice('燃气卡', ['IC卡', '表号缴费', '其他']),
      { label: '充值金额（元）', kind: 'number', required: true },
      { label: '登记日期', kind: 'date', required: true },
      choice('状态', ['待充值', '已充值', '已送回']),
      note,
    ],
  },
  {
    key: 'mobility',
    name: '行动不便人员名单',
    description: '不能自己下楼的居民：核酸上门、物资送到门口、紧急时优先照看。',
    fields: [
      room,
      person(),
      choice('情况', ['卧床', '轮椅', '行走困难', '视力障碍', '其他']),
      choice('需要上门', ['核酸采样', '送物资', '代购', '就医陪同'], false, true),
      phoneNote,
      note,
    ],
  },
  {
    key: 'outing',
    name: '外出人员信息表',
    description: '经批准外出（就医、返岗、保供）的人员：事由、时间和返回情况。',
    needType: 'outing',
    fields: [
      room,
      person(),
      choice('事由', ['就医', '返岗', '保供', '其他']),
      { label: '外出日期', kind: 'date', required: true },
      { label: '预计返回', kind: 'date', required: false },
      choice('是否已返回', ['未返回', '已返回'], false),
      note,
    ],
  },
  {
    key: 'medicine',
    name: '配药需求',
    description: '需要代配的常用药：药名、数量、医院，志愿者统一配送。',
    needType: 'medicine',
    fields: [
      room,
      person(),
      { label: '药品名称', kind: 'text', required: true },
      { label: '数量', kind: 'text', required: false, hint: '如：2盒' },
      { label: '配药医院', kind: 'text', required: false },
      { label: '处方或药盒照片', kind: 'photo', required: false },
      choice('状态', ['待配', '已配', '已送达']),
    ],
  },
  {
    key: 'medical',
    name: '就医需求',
    description: '需要外出就医的居民：透析、化疗、产检等定期就医和急需就医。',
    needType: 'medical',
    fields: [
      room,
      person(),
      choice('类别', ['透析', '化疗', '产检', '急诊', '其他']),
      { label: '医院', kind: 'text', required: false },
      { label: '就医日期', kind: 'date', required: false },
      choice('需要车辆', ['需要', '不需要'], false),
      note,
    ],
  },
  {
    key: 'alone',
    name: '独居老人',
    description: '独自居住的老人：每日联系一次，物资送到门口。',
    fields: [
      room,
      person('老人'),
      { label: '出生日期', kind: 'date', required: false },
      choice('身体状况', ['良好', '一般', '较差']),
      choice('联系频次', ['每日', '每两日', '每周']),
      phoneNote,
      note,
    ],
  },
  {
    key: 'chronic',
    name: '慢性病人员',
    description: '需要长期用药或治疗的居民：病种和用药，以便及时配药、就医。',
    fields: [
      room,
      person(),
      choice('病种', ['高血压', '糖尿病', '心脏病', '肾病（透析）', '肿瘤', '精神疾病', '其他'], true, true),
      { label: '常用药', kind: 'text', required: false },
      { label: '药还能用到', kind: 'date', required: false },
      note,
    ],
  },
  {
    key: 'pregnant',
    name: '孕产妇',
    description: '孕妇和产妇：预产期和产检安排，就医时优先。',
    fields: [
      room,
      person(),
      { label: '预产期', kind: 'date', required: false },
      { label: '产检医院', kind: 'text', required: false },
      { label: '下次产检', kind: 'date', required: false },
      note,
    ],
  },
  {
    key: 'infant',
    name: '婴幼儿',
    description: '三岁以下婴幼儿：奶粉、尿布等物资和疫苗接种。',
    fields: [
      room,
      person('婴幼儿'),
      { label: '出生日期', kind: 'date', required: false },
      choice('需要物资', ['奶粉', '尿布', '辅食', '药品'], false, true),
      note,
    ],
  },
  {
    key: 'disability',
    name: '残疾人员',
    description: '持证或未持证的残疾居民：类别和需要的帮助。',
    fields: [
      room,
      person(),
      choice('残疾类别', ['肢体', '视力', '听力', '言语', '智力', '精神', '多重']),
      choice('持有残疾证', ['是', '否'], false),
      choice('需要帮助', ['上门服务', '送物资', '代购', '就医陪同'], false, true),
      note,
    ],
  },
]

/** A starter type's id in a community: fixed, so installing twice finds it. */
export const starterTypeId = (communityId: string, key: string) => `rt_${communityId}_${key}`
