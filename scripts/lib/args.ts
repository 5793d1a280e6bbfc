// The command line of the project's scripts: `--name value` options, `--switch` flags, `-h`/`--help`, and at most
// `positionals` bare arguments, with the same Chinese messages everywhere. Each script maps the result onto its
// own options and checks what it requires.
import { UsageError } from './connect'

export type FlagKind = 'value' | 'switch'

export interface Flags {
  values: Record<string, string>
  switches: Set<string>
  positionals: string[]
  help: boolean
}

export function readFlags(argv: readonly string[], spec: Record<string, FlagKind>, positionals = 0): Flags {
  const out: Flags = { values: {}, switches: new Set(), positionals: [], help: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--help' || arg === '-h') {
      out.help = true
      continue
    }
    const kind = arg.startsWith('--') ? spec[arg.slice(2)] : undefined
    if (kind === 'switch') out.switches.add(arg.slice(2))
    else if (kind === 'value') {
      const v = argv[i + 1]
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} 后面需要一个值`)
      out.values[arg.slice(2)] = v
      i++
    } else if (!arg.startsWith('-') && out.positionals.length < positionals) out.positionals.push(arg)
    else throw new UsageError(`不认识的参数：${arg}`)
  }
  return out
}

/**
 * The start every script's `run` shares: the parsed options, or the exit code when the command line was wrong
 * (message and usage printed, 2) or asked for help (usage printed, 0).
 */
export function readCommandLine<T extends { help: boolean }>(
  argv: readonly string[],
  parse: (argv: readonly string[]) => T,
  usage: string,
  out: { log(line: string): void; error(line: string): void },
): T | number {
  let opts: T
  try {
    opts = parse(argv)
  } catch (err) {
    out.error(err instanceof Error ? err.message : String(err))
    out.error(usage)
    return 2
  }
  if (opts.help) {
    out.log(usage)
    return 0
  }
  return opts
}
