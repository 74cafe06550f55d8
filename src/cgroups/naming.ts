/**
 * Leaf names that outlive the process that made them.
 *
 * A crashed run (SIGKILL, OOM, power cut of the CI runner) leaves its cgroups
 * behind. The next run must tell "left by a dead islet" from "in use by a live
 * islet next door", without a lock file or a registry. So the owner is encoded
 * in the name: `${pid}-${starttime}-${seq}`. The pid alone is not enough because
 * pids are reused; the pair (pid, starttime) names one process for the whole
 * uptime of the machine, as /proc/<pid>/stat field 22 never changes for a process.
 */
import { readFileSync } from 'node:fs'

/** The directory islet creates under each hierarchy's root and keeps its leaves in. */
export const ISLET_PARENT = 'islet'

export interface ParsedCgroupName {
  pid: number
  /** Clock ticks after boot, field 22 of /proc/<pid>/stat. */
  starttime: string
  seq: number
}

const NAME_PATTERN = /^([1-9]\d*)-(\d+)-(\d+)$/

/** starttime does not change during a process's life: read it once per (procRoot, pid). */
const starttimeCache = new Map<string, string>()

/**
 * Field 22 of /proc/<pid>/stat, or null when the process is gone.
 * The comm field (2) may hold spaces and ')', so fields are counted after the last ')'.
 */
export function readStarttime(pid: number, procRoot = '/proc'): string | null {
  let text: string
  try {
    text = readFileSync(`${procRoot}/${pid}/stat`, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ESRCH') return null
    throw error
  }
  const afterComm = text.slice(text.lastIndexOf(')') + 2).trim().split(/\s+/)
  // afterComm[0] is field 3 (state), so field 22 sits at index 22 - 3.
  const starttime = afterComm[22 - 3]
  return starttime !== undefined && /^\d+$/.test(starttime) ? starttime : null
}

/** The leaf name for this process's `seq`-th cgroup. */
export function cgroupName(seq: number, procRoot = '/proc'): string {
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new TypeError(`cgroupName: seq must be a non-negative integer, got ${seq}`)
  }
  const key = `${procRoot}\0${process.pid}`
  let starttime = starttimeCache.get(key)
  if (starttime === undefined) {
    const read = readStarttime(process.pid, procRoot)
    if (read === null) throw new Error(`cgroupName: cannot read starttime of pid ${process.pid} from ${procRoot}`)
    starttime = read
    starttimeCache.set(key, starttime)
  }
  return `${process.pid}-${starttime}-${seq}`
}

/** The owner encoded in a leaf name, or null for names islet did not make. */
export function parseCgroupName(name: string): ParsedCgroupName | null {
  const match = NAME_PATTERN.exec(name)
  if (!match) return null
  const pid = Number(match[1])
  const seq = Number(match[3])
  if (!Number.isSafeInteger(pid) || !Number.isSafeInteger(seq)) return null
  return { pid, starttime: match[2]!, seq }
}

/**
 * Whether the process that created `name` still runs. False when its pid is gone
 * or now belongs to another process (different starttime). Names that do not
 * parse are reported alive: they are not ours, so nothing may remove them.
 */
export function isOwnerAlive(name: string, procRoot = '/proc'): boolean {
  const parsed = parseCgroupName(name)
  if (!parsed) return true
  const starttime = readStarttime(parsed.pid, procRoot)
  return starttime !== null && starttime === parsed.starttime
}
