// The delivery's times in Asia/Shanghai whatever the phone's zone (pickers give a Shanghai day and clock time).
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000

const pad = (n: number) => String(n).padStart(2, '0')

/** The Shanghai calendar day and clock time of an instant: { date: 'YYYY-MM-DD', time: 'HH:MM' }. */
export function shanghaiParts(ms: number): { date: string; time: string } {
  const d = new Date(ms + SHANGHAI_OFFSET_MS)
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  }
}

/** The instant (ISO) of a Shanghai day and clock time. */
export function shanghaiInstant(date: string, time: string): string {
  return new Date(`${date}T${time}:00+08:00`).toISOString()
}
