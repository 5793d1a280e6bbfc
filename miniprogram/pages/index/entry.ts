// One entry of the home page, as entries.ts and the features' entry files (needs.ts, callup.ts) make them.
export interface Entry {
  key: string
  title: string
  desc: string
  /** The page to open; empty when the tap runs `action` instead. */
  url: string
  primary: boolean
  action?: 'subscribeRounds'
  communityId?: string
}
