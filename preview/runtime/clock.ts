// The phone's clock follows the emulated platform's (localcloud's, which `npm start -- --clock` and tests set), so
// what a page computes from Date.now() agrees with what the cloud functions read. Installed before any page code.
interface ClockInfo {
  platformNow: number | null
  servedAt: number
}

const RealDate = Date
let offset = 0

function offsetFrom(info: ClockInfo | undefined): number {
  if (!info || info.platformNow === null) return 0
  // servedAt and platformNow were read together on the server; the browser's clock is the server's (same machine).
  return info.platformNow - info.servedAt
}

export function installClock(info: ClockInfo | undefined): void {
  offset = offsetFrom(info)
  if (Math.abs(offset) < 1000) return
  class PreviewDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offset)
      else super(...(args as []))
    }
    static now(): number {
      return RealDate.now() + offset
    }
  }
  ;(window as unknown as { Date: DateConstructor }).Date = PreviewDate as unknown as DateConstructor
}

/** Follow the platform clock again after a test or the inspector moved it. */
export async function resyncClock(): Promise<number> {
  const res = await fetch('/__preview/clock')
  const info = (await res.json()) as ClockInfo
  const next = offsetFrom(info)
  if (Math.abs(offset) < 1000 && Math.abs(next) >= 1000) installClock(info)
  offset = next
  return offset
}

export const clockOffset = () => offset
