// Bundles each cloud function's TypeScript source into the index.js CloudBase runs.
import fs from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'
import { FUNCTIONS_ROOT } from './paths'

/**
 * What esbuild compiles for: the runtime every function is deployed on (`Nodejs20.19` in cloudbaserc.json). Tests
 * run on the same major version; test/project/runtime.unit.test.ts keeps the three in step.
 */
export const ESBUILD_TARGET = 'node20.19'

export interface FunctionBundle {
  name: string
  file: string
  bytes: number
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
      await build({
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
      })
      return { name, file, bytes: fs.statSync(file).size }
    }),
  )
}
