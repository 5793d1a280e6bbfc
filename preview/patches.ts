// Changes to j-component (1.4.10, 2021) for the preview, applied while bundling. Each is an exact text
// replacement that must match once: when an upgrade changes the code, the build fails and names the patch instead
// of shipping a runtime that silently behaves differently.
import fs from 'node:fs'
import path from 'node:path'
import type { Plugin } from 'esbuild'

interface Patch {
  /** File inside the package. */
  file: string
  why: string
  find: string
  replace: string
}

export const PINNED = { 'j-component': '1.4.10', 'miniprogram-exparser': '2.29.1' } as const

export const PATCHES: Patch[] = [
  {
    file: 'src/componentmanager.js',
    why: "honour styleIsolation 'apply-shared' / 'shared' and addGlobalClass: app and page classes reach the component",
    find: 'addGlobalClass: false,',
    replace:
      "addGlobalClass: !!(options.addGlobalClass || options.styleIsolation === 'apply-shared' || options.styleIsolation === 'shared'),",
  },
  {
    file: 'src/componentmanager.js',
    why: 'write id attributes into the DOM, as WeChat does (end-to-end selectors use #id)',
    find: 'writeIdToDOM: false,',
    replace: 'writeIdToDOM: true,',
  },
  {
    file: 'src/tool/utils.js',
    why: 'rpx in inline styles at a 375 px wide screen (j-component treats 1 rpx as 1 px)',
    find: "return style.replace(/(\\d+)rpx/ig, '$1px')",
    replace:
      "return style.replace(/(-?)(\\d*\\.?\\d+)rpx/ig, (a, s, n) => { let px = Math.floor(Number(n) * 375 / 750 + 1e-4); if (px === 0 && Number(n) !== 0) px = 1; return (s && px ? '-' : '') + px + 'px' })",
  },
]

function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`))
}

/** Throws when a pinned package is at another version: its patches were written against that one. */
export function checkPinned(): void {
  for (const [name, version] of Object.entries(PINNED)) {
    const actual = (
      JSON.parse(fs.readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as { version: string }
    ).version
    if (actual !== version)
      throw new Error(`preview: ${name} is ${actual}, the preview's patches are for ${version} (preview/patches.ts)`)
  }
}

/** The file's code with its patches applied; throws, naming the patch, when one does not match exactly once. */
export function applyPatches(file: string, code: string): string {
  let out = code
  for (const p of PATCHES.filter((x) => x.file === file)) {
    const count = out.split(p.find).length - 1
    if (count !== 1)
      throw new Error(`preview patch to j-component/${p.file} (${p.why}) matched ${count} times, not once`)
    out = out.replace(p.find, p.replace)
  }
  return out
}

/** Applies PATCHES to the files esbuild loads; fails the build when one does not match exactly once. */
export function patchPlugin(): Plugin {
  const dir = packageDir('j-component')
  const byFile = new Map<string, Patch[]>()
  for (const p of PATCHES) byFile.set(path.join(dir, p.file), [...(byFile.get(path.join(dir, p.file)) ?? []), p])
  const applied = new Set<Patch>()
  return {
    name: 'preview-patches',
    setup(build) {
      build.onLoad({ filter: /j-component[\\/]src[\\/].*\.js$/ }, (args) => {
        const patches = byFile.get(args.path)
        if (!patches) return undefined
        const code = applyPatches(patches[0]?.file ?? '', fs.readFileSync(args.path, 'utf8'))
        for (const p of patches) applied.add(p)
        return { contents: code, loader: 'js' }
      })
      build.onEnd((result) => {
        if (result.errors.length) return
        const missed = PATCHES.filter((p) => !applied.has(p))
        if (missed.length)
          throw new Error(`preview patches not applied (file not bundled): ${missed.map((p) => p.file).join(', ')}`)
      })
    },
  }
}
