// Cloud function `antigen`: rounds by 接龙, household submissions, building chains, roll-up tables, reminders.
import { contractActions, defineFunction } from '../../../server/kernel'
import { cloud } from '../../../server/platform/cloud'
import { loadGrants } from '../../../server/platform/grants'
import { chainActions } from './chain'
import { housekeeping } from './housekeeping'
import { roundActions } from './rounds'
import { submitActions } from './submit'
import { tableActions } from './table'

export const main = defineFunction({
  name: 'antigen',
  identity: cloud,
  loadGrants,
  actions: contractActions('antigen', { ...roundActions, ...submitActions, ...chainActions, ...tableActions }),
  // Rounds past their deadline, retention (photos, results reduced to counts), a closed community's deletion.
  timers: { housekeeping },
})
