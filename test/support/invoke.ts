// Runs a built cloud function in its own Node process with a caller identity in its environment,
// the way CloudBase does: wx-server-sdk reads OPENID/APPID from process.env.
import { execFile } from 'node:child_process'
import path from 'node:path'

const FUNCTIONS_ROOT = path.resolve(__dirname, '../../cloudfunctions')

const RUNNER = `
let input = ''
process.stdin.on('data', (c) => (input += c))
process.stdin.on('end', async () => {
  const fn = require(process.env.FN_FILE)
  const result = await fn.main(JSON.parse(input), {})
  process.stdout.write('\\n@@RESULT@@' + JSON.stringify(result === undefined ? null : result))
})
`

export interface Identity {
  openid?: string
  appid?: string
}

export function invokeBuiltFunction(
  name: string,
  event: unknown,
  identity: Identity = {},
): Promise<{ result: unknown; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    TZ: 'UTC',
    FN_FILE: path.join(FUNCTIONS_ROOT, name, 'index.js'),
    TENCENTCLOUD_SECRETID: 'local',
    TENCENTCLOUD_SECRETKEY: 'local',
    TENCENTCLOUD: 'true',
    SILENCE: 'true',
    SCF_NAMESPACE: 'local',
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID',
    WX_OPENID: identity.openid ?? '',
    WX_APPID: identity.appid ?? 'wx0000000000000000',
  }
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', RUNNER],
      { env, cwd: path.join(FUNCTIONS_ROOT, name), timeout: 20000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${name} failed: ${err.message}\n${stderr}`))
        const marker = stdout.lastIndexOf('@@RESULT@@')
        if (marker < 0) return reject(new Error(`${name} printed no result:\n${stdout}\n${stderr}`))
        resolve({ result: JSON.parse(stdout.slice(marker + '@@RESULT@@'.length)) as unknown, stderr })
      },
    )
    child.stdin?.end(JSON.stringify(event))
  })
}
