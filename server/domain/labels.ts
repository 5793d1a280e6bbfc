import type { VolunteerType } from '../../typings/api'

export const VOLUNTEER_LABELS: Record<VolunteerType, string> = {
  online: '云上',
  testing: '核酸',
  building: '楼栋',
  patrol: '巡逻',
  transport: '运输',
  emergency: '应急',
}
