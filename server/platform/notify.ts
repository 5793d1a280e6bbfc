// Subscription messages: sent when the user has a credit; a missing credit (43101) is normal and not an error.
import { cloud } from './cloud'

export async function sendSubscribe(
  touser: string,
  templateId: string,
  page: string,
  fields: Record<string, string>,
): Promise<boolean> {
  const data = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { value: v }]))
  try {
    await cloud.openapi.subscribeMessage.send({ touser, templateId, page, data, miniprogramState: 'formal' } as never)
    return true
  } catch (err) {
    const code = (err as { errCode?: number }).errCode
    if (code !== 43101) console.error('subscribeMessage.send failed', code, (err as { errMsg?: string }).errMsg)
    return false
  }
}
