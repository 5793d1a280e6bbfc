// Cloud-function tests run the bundles CloudBase would run, so build them first (esbuild: well under a second).
import { bundleFunctions } from '../../scripts/lib/functions'

export default async function globalSetup(): Promise<void> {
  await bundleFunctions()
}
