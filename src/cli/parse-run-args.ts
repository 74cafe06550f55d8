import type { RunOptions } from '../config/options.js'
import { IsletError } from '../errors.js'

export const RUN_USAGE = `usage: islet run [options] [--] <command> [args...]

Runs the command in a fresh container: private PID, network, hostname, IPC and
mount namespaces, a copy-on-write view of this machine's files, and cgroup limits.

options:
  --memory <size>        memory limit, swap included (64M, 1.5G, bytes)
  --cpu <cores>          CPU bandwidth in cores (0.25, 2, 250m)
  --pids <n>             most processes and threads at once (islet's init counts)
  --hostname <name>      hostname inside (default: islet-<command>)
  --network <mode>       loopback (default: only lo, up) or host
  --layer <dir|tarball>  read-only layer over the host tree (repeatable, lowest first)
  --scratch-size <size>  cap of the private layer that takes every write
  --limits <mode>        strict (default: refuse a limit that cannot be applied,
                         e.g. rootless without a delegated cgroup) or best-effort
                         (run without it and warn)
  --stats <file>         write JSON stats here after exit
  -h, --help             show this help`

const VALUE_FLAGS: Record<string, keyof RunOptions | 'layer' | 'stats'> = {
  '--memory': 'memory', '--cpu': 'cpu', '--pids': 'pids', '--hostname': 'hostname',
  '--network': 'network', '--layer': 'layer', '--scratch-size': 'scratchSize', '--stats': 'stats',
  '--limits': 'limits',
}

export interface ParsedRunArgs {
  command: string[]
  options: RunOptions
  help: boolean
}

/**
 * Options end at `--` or at the first word that is not an option, so
 * `islet run node -e 1` passes `-e` to node rather than reading it as ours.
 */
export function parseRunArgs(argv: string[]): ParsedRunArgs {
  const options: RunOptions = {}
  let i = 0
  for (; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') { i++; break }
    if (arg === '-h' || arg === '--help') return { command: [], options, help: true }
    if (!arg.startsWith('-')) break
    const eq = arg.indexOf('=')
    const flag = eq === -1 ? arg : arg.slice(0, eq)
    const key = VALUE_FLAGS[flag]
    if (!key) throw new IsletError('ERR_ISLET_OPTION', `unknown option ${flag}`, { hint: 'see `islet run --help`' })
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1)
    if (value === undefined) throw new IsletError('ERR_ISLET_OPTION', `option ${flag} needs a value`, { hint: 'see `islet run --help`' })
    if (key === 'layer') options.layers = [...(options.layers ?? []), value]
    else if (key === 'stats') options.statsFile = value
    else (options as Record<string, unknown>)[key] = value
  }
  const command = argv.slice(i)
  if (command.length === 0) throw new IsletError('ERR_ISLET_OPTION', 'no command given', { hint: 'islet run [options] -- <command> [args...]' })
  return { command, options, help: false }
}
