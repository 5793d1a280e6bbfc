// The functions on the burst path carry no spreadsheet code (it is the `sheets` function's): the check npm run build
// makes on esbuild's metafile, and the real bundles of today held to it.
import path from 'node:path'
import { build } from 'esbuild'
import { ESBUILD_TARGET, listFunctions, SPREADSHEET_FREE, spreadsheetLeaks } from '../../scripts/lib/functions'

const ROOT = path.resolve(__dirname, '../..')

/** A function's bundle inputs, built in memory as npm run build builds it (nothing written). */
async function inputsOf(name: string): Promise<string[]> {
  const result = await build({
    entryPoints: [path.join(ROOT, 'cloudfunctions', name, 'src', 'index.ts')],
    bundle: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'cjs',
    external: ['wx-server-sdk'],
    absWorkingDir: ROOT,
    write: false,
    metafile: true,
    outfile: path.join(ROOT, '.tmp', `${name}.js`),
    logLevel: 'silent',
  })
  return Object.keys(Object.values(result.metafile.outputs)[0]?.inputs ?? {})
}

describe('spreadsheet code stays out of the burst-path bundles', () => {
  it('names a burst-path bundle that carries exceljs or our xlsx module, and lets the sheets function carry them', () => {
    const leaks = spreadsheetLeaks([
      { name: 'antigen', inputs: ['server/kernel/router.ts', 'node_modules/exceljs/lib/exceljs.nodejs.js'] },
      { name: 'community', inputs: ['server/platform/xlsx.ts'] },
      { name: 'sheets', inputs: ['server/platform/xlsx.ts', 'node_modules/exceljs/lib/exceljs.nodejs.js'] },
      { name: 'sequencer', inputs: ['server/antigen/sequencer.ts'] },
    ])
    expect(leaks).toEqual([
      expect.stringMatching(/^cloud function antigen bundles spreadsheet code .*exceljs/),
      expect.stringMatching(/^cloud function community bundles spreadsheet code .*server\/platform\/xlsx\.ts/),
    ])
  })

  it('holds for the functions as they are, and the spreadsheets are all in sheets', async () => {
    expect(listFunctions()).toEqual(expect.arrayContaining([...SPREADSHEET_FREE, 'sheets']))
    const bundles = await Promise.all(listFunctions().map(async (name) => ({ name, inputs: await inputsOf(name) })))
    expect(spreadsheetLeaks(bundles)).toEqual([])
    const sheets = bundles.find((b) => b.name === 'sheets')?.inputs ?? []
    expect(sheets).toContain('server/platform/xlsx.ts')
    expect(sheets.some((i) => i.startsWith('node_modules/exceljs/'))).toBe(true)
  }, 60_000)
})
