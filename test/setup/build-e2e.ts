// End-to-end tests run the bundles CloudBase would run and the preview of the real pages: build both first.
import { buildPreview } from '../../preview/build'
import { bundleFunctions } from '../../scripts/lib/functions'

export default async function globalSetup(): Promise<void> {
  await bundleFunctions()
  await buildPreview()
}
