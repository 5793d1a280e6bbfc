// Keeps the deployment descriptors in step with the functions that exist.
import fs from 'node:fs'
import path from 'node:path'
import { listFunctions } from '../../scripts/lib/functions'

const ROOT = path.resolve(__dirname, '../..')
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, unknown>

describe('project descriptors', () => {
  const functions = listFunctions()

  it('has the mini-program and cloud-function roots DevTools expects', () => {
    const config = readJson('project.config.json')
    expect(config).toMatchObject({ miniprogramRoot: 'miniprogram/', cloudfunctionRoot: 'cloudfunctions/' })
    expect((config.setting as { useCompilerPlugins: string[] }).useCompilerPlugins).toEqual(['typescript'])
    expect(readJson('miniprogram/app.json').lazyCodeLoading).toBe('requiredComponents')
  })

  it.each(functions)('%s pins wx-server-sdk 4.0.2 and is declared for the CLI with the same timeout', (name) => {
    const pkg = readJson(`cloudfunctions/${name}/package.json`) as { dependencies: Record<string, string> }
    expect(pkg.dependencies).toEqual({ 'wx-server-sdk': '4.0.2' })
    const config = readJson(`cloudfunctions/${name}/config.json`) as { timeout?: number }
    const rc = readJson('cloudbaserc.json') as { functions: { name: string; timeout: number }[] }
    const declared = rc.functions.find((f) => f.name === name)
    expect(declared).toBeDefined()
    expect(declared?.timeout).toBe(config.timeout ?? 3)
  })

  it('declares no function that does not exist', () => {
    const rc = readJson('cloudbaserc.json') as { functions: { name: string }[] }
    expect(rc.functions.map((f) => f.name).sort()).toEqual(functions)
  })
})
