// The layout every feature copies (docs/architecture.md, 「Where a feature lives」): its function, rules, pages,
// contract, docs and tests in places named for it, and the directions imports may take between them.
import fs from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '../..')
const exists = (p: string) => fs.existsSync(path.join(ROOT, p))

/** Each feature and the places it lives. Pages: the subpackage named for it (community's predate the rule). */
const FEATURES: Record<string, { pages: string[] }> = {
  community: { pages: ['miniprogram/pages', 'miniprogram/packageLead', 'miniprogram/packageCommittee'] },
  antigen: { pages: ['miniprogram/packageAntigen'] },
  groupbuy: { pages: ['miniprogram/packageGroupbuy'] },
  delivery: { pages: ['miniprogram/packageDelivery'] },
  callup: { pages: ['miniprogram/packageCallup'] },
  care: { pages: ['miniprogram/packageCare'] },
  registers: { pages: ['miniprogram/packageRegisters'] },
  needs: { pages: ['miniprogram/packageNeeds'] },
}

function sources(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p)
      } else if (/\.ts$/.test(e.name)) out.push(p)
    }
  }
  walk(dir)
  return out
}

/** Every module a file imports (relative ones resolved to repo paths, packages by name). */
function importsOf(file: string): string[] {
  const src = fs.readFileSync(path.join(ROOT, file), 'utf8')
  const specs = [...src.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string)
  return specs.map((s) => (s.startsWith('.') ? path.normalize(path.join(path.dirname(file), s)) : s))
}

describe('where a feature lives', () => {
  it.each(Object.entries(FEATURES))('%s has its function, rules, pages, contract, docs and tests', (name, f) => {
    const places = [
      `cloudfunctions/${name}/src/index.ts`,
      `server/${name}/model.ts`,
      `typings/api/${name}.d.ts`,
      `docs/${name}.md`,
      `test/${name}`,
      ...f.pages,
    ]
    expect(places.filter((p) => !exists(p))).toEqual([])
  })

  it('lists every feature in the architecture notes', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8')
    for (const name of Object.keys(FEATURES)) expect(doc).toMatch(new RegExp(`^\\| ${name} +\\|`, 'm'))
  })

  it('keeps tests in a feature folder with their kind in the name', () => {
    const loose = sources('test').filter(
      (f) =>
        /\.test\.ts$/.test(f) && !f.startsWith('test/localcloud/') && !/\.(unit|page|cloud|e2e)\.test\.ts$/.test(f),
    )
    expect(loose).toEqual([])
  })
})

describe('which way imports go', () => {
  it('keeps the kernel free of features and of the platform', () => {
    const bad = sources('server/kernel').flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('server/') && !i.startsWith('server/kernel') && i !== 'server/collections')
        .map((i) => `${f} -> ${i}`),
    )
    expect(bad).toEqual([])
  })

  it('keeps a feature’s rules pure: no database, storage or SDK', () => {
    const rules = fs
      .readdirSync(path.join(ROOT, 'server'))
      .filter((d) => exists(`server/${d}/rules.ts`))
      .map((d) => `server/${d}/rules.ts`)
    expect(rules.length).toBeGreaterThan(0)
    const bad = rules.flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('server/platform') || i === 'wx-server-sdk' || i === '@cloudbase/node-sdk')
        .map((i) => `${f} -> ${i}`),
    )
    expect(bad).toEqual([])
  })

  it('never lets deployed code import development code, tests or another function', () => {
    const deployed = [...sources('server'), ...sources('cloudfunctions').filter((f) => f.includes('/src/'))]
    const bad = deployed.flatMap((f) =>
      importsOf(f)
        .filter((i) => {
          if (i.startsWith('scripts/') || i.startsWith('test/') || i.startsWith('bench/') || i.startsWith('localcloud'))
            return true
          const own = /^cloudfunctions\/([^/]+)\//.exec(f)?.[1]
          const other = /^cloudfunctions\/([^/]+)\//.exec(i)?.[1]
          return other !== undefined && other !== own
        })
        .map((i) => `${f} -> ${i}`),
    )
    expect(bad).toEqual([])
  })

  it('lets the mini-program import only its own folder at run time', () => {
    const bad = sources('miniprogram').flatMap((f) => {
      const src = fs.readFileSync(path.join(ROOT, f), 'utf8')
      return [...src.matchAll(/^import (?!type )[^'"]*['"](\.[^'"]+)['"]/gm)]
        .map((m) => path.normalize(path.join(path.dirname(f), m[1] as string)))
        .filter((i) => !i.startsWith('miniprogram/'))
        .map((i) => `${f} -> ${i}`)
    })
    expect(bad).toEqual([])
  })
})
