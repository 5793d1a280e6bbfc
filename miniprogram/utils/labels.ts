import type { ConsentKind, JoinStatus, ResidentFlag, Role, VolunteerType } from '../../typings/api'

export const ROLE_LABELS: Record<Role, string> = {
  resident: '居民',
  floorLead: '层长',
  buildingLead: '楼组长',
  groupLead: '营长',
  communityLead: '团长',
  committee: '居委',
  merchant: '商家',
  volunteer: '志愿者',
}

export const VOLUNTEER_LABELS: Record<VolunteerType, string> = {
  online: '云上',
  testing: '核酸',
  building: '楼栋',
  patrol: '巡逻',
  transport: '运输',
  emergency: '应急',
}

export const VOLUNTEER_TYPES = Object.keys(VOLUNTEER_LABELS) as VolunteerType[]

export const FLAG_LABELS: Record<ResidentFlag, string> = {
  elderly: '60岁以上',
  alone: '独居',
  mobility: '行动不便',
  chronic: '慢性病',
  pregnant: '孕妇',
  infant: '婴幼儿',
}

export const CONSENT_LABELS: Record<ConsentKind, string> = {
  personal: '个人信息授权',
  health: '健康信息授权',
}

export const JOIN_STATUS_LABELS: Record<JoinStatus, string> = {
  pending: '等待楼组长审核',
  approved: '已通过',
  rejected: '未通过',
}
