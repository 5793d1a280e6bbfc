// Mini-program package size and cloud-function bundle sizes.
import { bundleFunctions } from '../scripts/lib/functions'
import { measurePackage } from '../scripts/lib/miniprogram'
import { defineBench, type Figure } from './lib'

export default defineBench({
  description: 'main-package size (TypeScript counted as minified JS) and each cloud-function bundle',
  defaults: {},
  async run() {
    const pkg = await measurePackage()
    const figures: Figure[] = [{ name: 'miniprogram.mainPackage', value: pkg.mainBytes, unit: 'bytes' }]
    for (const [root, bytes] of Object.entries(pkg.subpackages)) {
      figures.push({ name: `miniprogram.subpackage.${root}`, value: bytes, unit: 'bytes' })
    }
    for (const b of await bundleFunctions()) figures.push({ name: `function.${b.name}`, value: b.bytes, unit: 'bytes' })
    return figures
  },
})
