// The people the preview offers to act as: the demo communities' identities (scripts/demo), by community.
import { demoDataset } from '../scripts/demo/generate'
import type { PreviewIdentity } from './server'

let cached: PreviewIdentity[] | null = null

export function demoIdentities(): PreviewIdentity[] {
  cached ??= demoDataset().identities.map((i) => ({
    openid: i.openid,
    label: i.label,
    place: i.place,
    ...(i.name ? { name: i.name } : {}),
    community: i.communityName,
  }))
  return cached
}
