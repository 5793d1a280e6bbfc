import type { Role, VolunteerType } from '../../typings/api'

export const ROLE_LABELS: Record<Role, string> = {
  resident: '居民',
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
