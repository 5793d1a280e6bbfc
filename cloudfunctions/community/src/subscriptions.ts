// What the user accepted of a wx.requestSubscribeMessage: one credit each in the ledger (server/platform/credits.ts),
// with the build they use (later messages open it). And the committee's check that messages can go at all.
import { action, AppError, defineActions, z } from '../../../server/kernel'
import { addCredits } from '../../../server/platform/credits'
import { health } from '../../../server/platform/health'
import { TEMPLATES } from '../../../server/templates'

const KNOWN = new Set<string>(Object.values(TEMPLATES))
// WeChat asks for at most 3 (older documents) or 5 templates in one request.
const templateIds = (label: string) => z.array(z.string().min(1).max(64).describe(label)).max(5).describe(label)

export const subscriptionActions = defineActions('community', {
  recordSubscription: action({
    input: z
      .object({
        templateIds: templateIds('订阅消息').min(1),
        accepted: templateIds('已允许的订阅消息'),
        envVersion: z.enum(['develop', 'trial', 'release']).optional().describe('小程序版本'),
      })
      .strict(),
    access: { signedIn: true },
    handler: async (input, ctx) => {
      const asked = new Set(input.templateIds)
      for (const [i, id] of input.accepted.entries()) {
        if (!KNOWN.has(id) || !asked.has(id))
          throw new AppError('INVALID_INPUT', '订阅消息不正确，请更新小程序后再试', `accepted.${i}`)
      }
      return { credits: await addCredits(ctx.caller.openid, input.accepted, input.envVersion) }
    },
  }),

  health: action({
    input: z.object({ communityId: z.string().min(1).max(64).describe('小区') }).strict(),
    access: { roles: ['committee'], scope: (i) => ({ communityId: i.communityId }) },
    handler: () => health(),
  }),
})
