// npm run build: typecheck everything, bundle cloud functions, compile templates, report sizes.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { buildPreview } from '../preview/build'
import { bundleFunctions, SPREADSHEET_FREE, spreadsheetLeaks } from './lib/functions'
import { checkPageFiles, compileTemplates, measurePackage } from './lib/miniprogram'
import { ROOT } from './lib/paths'

const MAIN_PACKAGE_LIMIT = 1.5 * 1024 * 1024
const TSCONFIGS = ['tsconfig.json', 'tsconfig.miniprogram.json', 'tsconfig.pages.json', 'tsconfig.preview.json']

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

function fail(message: string): never {
  console.error(`\n构建失败 / build failed: ${message}`)
  process.exit(1)
}

async function main() {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  for (const config of TSCONFIGS) {
    const res = spawnSync(process.execPath, [tsc, '--noEmit', '-p', config], { cwd: ROOT, stdio: 'inherit' })
    if (res.status !== 0) fail(`type errors in ${config}`)
    console.log(`typecheck ${config}: ok`)
  }

  const bundles = await bundleFunctions()
  for (const b of bundles) console.log(`cloud function ${b.name}: ${kb(b.bytes)} (${path.relative(ROOT, b.file)})`)
  const leaks = spreadsheetLeaks(bundles)
  if (leaks.length) fail(leaks.join('; '))
  console.log(`no spreadsheet code in ${SPREADSHEET_FREE.join(', ')}: ok`)

  const missing = checkPageFiles()
  if (missing.length) fail(missing.join('; '))
  try {
    const counts = compileTemplates()
    console.log(`templates: ${counts.wxml} wxml, ${counts.wxss} wxss compiled by the official compiler`)
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err))
  }

  const size = await measurePackage()
  console.log(`mini-program main package: ${kb(size.mainBytes)} (${size.files} files, limit ${kb(MAIN_PACKAGE_LIMIT)})`)
  for (const [root, bytes] of Object.entries(size.subpackages)) console.log(`subpackage ${root}: ${kb(bytes)}`)
  if (size.mainBytes > MAIN_PACKAGE_LIMIT) fail(`main package ${kb(size.mainBytes)} exceeds ${kb(MAIN_PACKAGE_LIMIT)}`)

  // The browser preview (a development tool, not deployed): the same pages through the official compiler.
  try {
    const preview = await buildPreview()
    const files = Object.entries(preview.bytes).map(([f, b]) => `${f} ${kb(b)}`)
    console.log(
      `preview (dev tool, not deployed): ${files.join(', ')} in ${preview.ms} ms (${path.relative(ROOT, preview.dir)}/)`,
    )
  } catch (err) {
    fail(`preview: ${err instanceof Error ? err.message : String(err)}`)
  }
}

main().catch((err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)))
