// The preview build: every page and component of app.json collected with its JSON and CSS, the built-ins the
// templates use all implemented, and j-component patched exactly as written (or the build fails).
import fs from 'node:fs'
import path from 'node:path'
import { collect } from '../../preview/build'
import { applyPatches, checkPinned, PATCHES } from '../../preview/patches'

const root = path.resolve(__dirname, '../..')
const appJson = JSON.parse(fs.readFileSync(path.join(root, 'miniprogram/app.json'), 'utf8')) as {
  pages: string[]
  subpackages: { root: string; pages: string[] }[]
}

describe('collect', () => {
  const manifest = collect()

  it('has every route of app.json, subpackage pages under their root', () => {
    const routes = [...appJson.pages, ...appJson.subpackages.flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))]
    expect(manifest.routes).toEqual(routes)
    for (const r of routes) expect(manifest.components[r]?.page).toBe(true)
  })

  it('resolves usingComponents to built components with a unique element name each', () => {
    const tags = new Set<string>()
    for (const [p, c] of Object.entries(manifest.components)) {
      for (const target of Object.values(c.json.usingComponents)) expect([p, manifest.components[target]]).toBeTruthy()
      if (!c.page) {
        expect(tags.has(c.tag)).toBe(false)
        tags.add(c.tag)
        // Its own classes carry its prefix, so app and page styles reach it only through apply-shared.
        if (c.css) expect(c.css).toContain(`.${c.tag}--`)
      }
    }
    expect(manifest.components['components/status-view/index']?.tag).toBe('status-view')
  })

  it('writes app.wxss with built-in tags renamed and rpx converted', () => {
    expect(manifest.appCss).not.toMatch(/\d+rpx/)
    expect(manifest.appCss).toMatch(/^page \{/m)
  })
})

describe('patches', () => {
  it('pins the versions they were written for', () => {
    expect(() => checkPinned()).not.toThrow()
  })

  it('each matches its file exactly once', () => {
    for (const p of PATCHES) {
      const code = fs.readFileSync(path.join(root, 'node_modules/j-component', p.file), 'utf8')
      expect([p.file, code.split(p.find).length - 1]).toEqual([p.file, 1])
    }
  })

  it('apply to the real files, and refuse a file that changed', () => {
    const file = 'src/componentmanager.js'
    const code = fs.readFileSync(path.join(root, 'node_modules/j-component', file), 'utf8')
    const patched = applyPatches(file, code)
    expect(patched).toContain('writeIdToDOM: true,')
    expect(patched).toContain("options.styleIsolation === 'apply-shared'")
    expect(() => applyPatches(file, code.replace('writeIdToDOM: false,', 'writeIdToDOM: !1,'))).toThrow(
      /write id attributes.*matched 0 times/,
    )
    expect(() => applyPatches(file, `${code}\nwriteIdToDOM: false,`)).toThrow(/matched 2 times/)
  })
})
