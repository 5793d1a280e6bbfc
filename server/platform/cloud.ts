// Shared by every cloud function: one SDK instance and typed data access.
import cloud from 'wx-server-sdk'
import { Data, type RawDatabase } from '../kernel/db'

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

export { cloud }
// throwOnNotFound:false so that a missing document inside a transaction reads as null instead of throwing.
export const data = new Data(cloud.database({ throwOnNotFound: false } as never) as unknown as RawDatabase)
