// Cloud function `community`: identity, structure and roles of a community.
import cloud from 'wx-server-sdk'
import { action, defineFunction, z } from '../../../server/kernel'
import type { WhoAmI } from '../../../typings/api'

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

export const main = defineFunction({
  name: 'community',
  identity: cloud,
  // Role grants are stored per community once households and roles exist; until then nobody holds one.
  loadGrants: async () => [],
  actions: {
    whoami: action({
      input: z.object({}).strict(),
      access: { signedIn: true },
      handler: async (_input, ctx): Promise<WhoAmI> => ({ openid: ctx.caller.openid, roles: ctx.grants }),
    }),
  },
})
