// WXSS as the preview applies it: rpx at 375 px like the base library, built-in tags renamed to the elements the
// framework writes, a component's classes prefixed as exparser writes them, imports inlined.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compileWxss, prefixClasses, renameTags, rpxToPx } from '../../preview/wxss'

describe('rpx', () => {
  it('is half a pixel at 375 px, floored, and a non-zero length is never below 1 px', () => {
    expect(rpxToPx('32rpx')).toBe('16px')
    expect(rpxToPx('25rpx')).toBe('12px')
    expect(rpxToPx('1rpx solid #eee')).toBe('1px solid #eee')
    expect(rpxToPx('0rpx')).toBe('0px')
    expect(rpxToPx('-20rpx 0 1.5rpx')).toBe('-10px 0 1px')
    expect(rpxToPx('calc(100% - 64rpx)')).toBe('calc(100% - 32px)')
  })
})

describe('selectors', () => {
  it('renames built-in tags, not classes, ids or attributes that contain their names', () => {
    expect(renameTags('button.primary > text')).toBe('wx-button.primary > wx-text')
    expect(renameTags('view view')).toBe('wx-view wx-view')
    expect(renameTags('.text-hint, #view, [data-view=button]')).toBe('.text-hint, #view, [data-view=button]')
    expect(renameTags('button:not([size=mini])')).toBe('wx-button:not([size=mini])')
    expect(renameTags('page')).toBe('page')
    expect(renameTags('button[disabled].btn-primary')).toBe('wx-button[disabled].btn-primary')
  })

  it('prefixes a component class selector and names its host', () => {
    expect(prefixClasses('.cell .cell-title', 'cell', 'cell')).toBe('.cell--cell .cell--cell-title')
    expect(prefixClasses(':host', 'cell', 'cell')).toBe('cell')
    expect(prefixClasses('.a.b:hover', 'x', 'x')).toBe('.x--a.x--b:hover')
  })
})

describe('compileWxss', () => {
  it('inlines @import (relative and absolute), converts rpx and leaves keyframe steps alone', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wxss-'))
    fs.mkdirSync(path.join(root, 'styles'))
    fs.writeFileSync(path.join(root, 'styles', 'common.wxss'), '.btn { height: 88rpx; }')
    fs.writeFileSync(path.join(root, 'shared.wxss'), 'text { color: red; }')
    fs.writeFileSync(
      path.join(root, 'page.wxss'),
      '@import \'./styles/common.wxss\';\n@import "/shared.wxss";\nview.row { margin: 16rpx; }\n@keyframes spin { from { opacity: 0 } to { opacity: 1 } }',
    )
    const css = compileWxss(path.join(root, 'page.wxss'), root)
    expect(css).toContain('.btn { height: 44px; }')
    expect(css).toContain('wx-text { color: red; }')
    expect(css).toContain('wx-view.row { margin: 8px; }')
    expect(css).toContain('from { opacity: 0 }')
    const comp = compileWxss(path.join(root, 'page.wxss'), root, { component: { prefix: 'card', hostTag: 'card' } })
    expect(comp).toContain('.card--btn { height: 44px; }')
  })

  it('refuses an @import of a file that does not exist', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wxss-'))
    fs.writeFileSync(path.join(root, 'a.wxss'), "@import 'missing.wxss';")
    expect(() => compileWxss(path.join(root, 'a.wxss'), root)).toThrow(/missing\.wxss not found/)
  })
})
