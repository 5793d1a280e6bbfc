// Bundles each cloud function's TypeScript source into the index.js CloudBase runs.
import fs from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'
import { FUNCTIONS_ROOT, ROOT } from './paths'

/**
 * What esbuild compiles for: the runtime every function is deployed on (`Nodejs20.19` in cloudbaserc.json). Tests
 * run on the same major version; test/project/runtime.unit.test.ts keeps the three in step.
 */
export const ESBUILD_TARGET = 'node20.19'

export interface FunctionBundle {
  name: string
  file: string
  bytes: number
  /** What went into the bundle: repo-relative source paths and node_modules paths (esbuild's metafile inputs). */
  inputs: string[]
}

/**
 * Functions on the burst path (hundreds of submissions in minutes; whoami on every launch) whose bundles must hold
 * no spreadsheet code: it would be parsed at every cold start. Spreadsheets are the `sheets` function's.
 */
export const SPREADSHEET_FREE = [
  'antigen',
  'callup',
  'care',
  'community',
  'delivery',
  'groupbuy',
  'needs',
  'registers',
] as const

/** What counts as spreadsheet code: exceljs and our reader and writer on it. */
const SPREADSHEET_INPUT = /(^|\/)node_modules\/exceljs\/|^server\/platform\/xlsx\.ts$/

/** For each burst-path bundle that carries spreadsheet code, a line saying so (none: all clean). */
export function spreadsheetLeaks(bundles: readonly Pick<FunctionBundle, 'name' | 'inputs'>[]): string[] {
  return bundles
    .filter((b) => (SPREADSHEET_FREE as readonly string[]).includes(b.name))
    .flatMap((b) => {
      const hits = b.inputs.filter((i) => SPREADSHEET_INPUT.test(i))
      if (hits.length === 0) return []
      const first = hits.find((h) => h.startsWith('server/')) ?? hits[0]
      return [
        `cloud function ${b.name} bundles spreadsheet code (${hits.length} files, e.g. ${first}): spreadsheets belong in cloudfunctions/sheets`,
      ]
    })
}

/** Folders under cloudfunctions/ that have a TypeScript entry point. */
export function listFunctions(root = FUNCTIONS_ROOT): string[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, 'src', 'index.ts')))
    .map((d) => d.name)
    .sort()
}

/**
 * wx-server-sdk stays external: CloudBase installs it from the function's package.json (pinned), and locally
 * it resolves from the project's node_modules. Everything else is bundled, so a function needs no other install.
 */
export async function bundleFunctions(root = FUNCTIONS_ROOT): Promise<FunctionBundle[]> {
  const names = listFunctions(root)
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(root, name, 'index.js')
      const result = await build({
        entryPoints: [path.join(root, name, 'src', 'index.ts')],
        outfile: file,
        bundle: true,
        platform: 'node',
        target: ESBUILD_TARGET,
        format: 'cjs',
        external: ['wx-server-sdk'],
        legalComments: 'none',
        logLevel: 'warning',
        banner: { js: `// Built by \`npm run build\` from src/; do not edit.` },
        // Metafile inputs as repo paths (server/platform/xlsx.ts, node_modules/exceljs/…), whatever the cwd.
        absWorkingDir: ROOT,
        metafile: true,
      })
      const inputs = Object.keys(Object.values(result.metafile.outputs)[0]?.inputs ?? {})
      return { name, file, bytes: fs.statSync(file).size, inputs }
    }),
  )
}
