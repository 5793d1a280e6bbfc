// Run localcloud as its own process (benchmarks, durability tests, other tools) and point this process's SDK at it.
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '..')

export interface LocalCloudProcess {
  child: ChildProcess
  pid: number
  url: string
  /** Milliseconds from spawn to the first healthy answer from this process. */
  startupMs: number
  stop(signal?: NodeJS.Signals): Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(p))
    })
    srv.on('error', reject)
  })
}

/**
 * Spawns the command line as one Node process (no tsx wrapper, so a SIGKILL really kills the server) and waits
 * until this very process answers health.
 */
export async function spawnLocalCloud(port: number, args: string[], timeoutMs = 60_000): Promise<LocalCloudProcess> {
  const started = performance.now()
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'localcloud/cli.ts', '--port', String(port), '--quiet', ...args],
    {
      cwd: ROOT,
      stdio: 'ignore',
    },
  )
  const url = `http://127.0.0.1:${port}`
  const exited = new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  )
  while (performance.now() - started < timeoutMs) {
    try {
      const res = await fetch(`${url}/__admin/health`)
      if (res.ok && ((await res.json()) as { pid: number }).pid === child.pid) {
        return {
          child,
          pid: child.pid as number,
          url,
          startupMs: performance.now() - started,
          stop: async (signal = 'SIGTERM') => {
            child.kill(signal)
            await exited
          },
        }
      }
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 5))
  }
  child.kill('SIGKILL')
  throw new Error(`localcloud did not start on port ${port}`)
}

/** Environment that makes wx-server-sdk / @cloudbase/node-sdk in this process talk to localcloud at `url`. */
export function useLocalCloudSdk(url: string): void {
  Object.assign(process.env, {
    TENCENTCLOUD_SECRETID: 'localcloud',
    TENCENTCLOUD_SECRETKEY: 'localcloud',
    TENCENTCLOUD: 'true',
    SILENCE: 'true',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${url}/admin` }),
  })
}
