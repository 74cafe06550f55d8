/**
 * A parser for /proc/<pid>/mountinfo (proc(5)), shared by cgroup detection and
 * the rootfs planner. One line:
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2) (3)  (4)   (5)      (6)      (7...)  (8) (9)   (10)         (11)
 *
 * (7) is zero or more optional fields ended by a lone "-", so fields after it are
 * found from the separator, never by position. The kernel escapes space, tab,
 * newline and backslash in paths (and ",= " in option values) as \ooo octal, e.g.
 * "\040" for a space; options are split on commas before unescaping so an escaped
 * comma stays inside its value.
 */
import { readFileSync } from 'node:fs'

export interface MountInfoEntry {
  mountId: number
  parentId: number
  /** "major:minor" of the filesystem's device. */
  device: string
  /** Path inside the filesystem that is mounted here ("/" for the whole fs; a cgroup path for cgroupfs). */
  root: string
  mountPoint: string
  /** Per-mount options (rw, nosuid, relatime, ...). */
  mountOptions: string[]
  /** Propagation tags such as "shared:1" or "master:3". */
  optionalFields: string[]
  fsType: string
  source: string
  /** Per-superblock options; for cgroup v1 these name the controllers ("rw,cpu,cpuacct"). */
  superOptions: string[]
}

/** Decode the kernel's \ooo escapes. */
export function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)))
}

function splitOptions(field: string | undefined): string[] {
  if (field === undefined || field === '') return []
  return field.split(',').map(unescapeMountField)
}

/** Parse one mountinfo line; throws a TypeError naming the line when it is malformed. */
export function parseMountInfoLine(line: string): MountInfoEntry {
  const fields = line.trim().split(' ')
  const separator = fields.indexOf('-', 6)
  if (separator === -1 || separator + 3 >= fields.length) {
    throw new TypeError(`mountinfo: malformed line ${JSON.stringify(line)}`)
  }
  const [mountId, parentId, device, root, mountPoint, mountOptions] = fields
  return {
    mountId: Number(mountId),
    parentId: Number(parentId),
    device: device!,
    root: unescapeMountField(root!),
    mountPoint: unescapeMountField(mountPoint!),
    mountOptions: splitOptions(mountOptions),
    optionalFields: fields.slice(6, separator),
    fsType: unescapeMountField(fields[separator + 1]!),
    source: unescapeMountField(fields[separator + 2]!),
    superOptions: splitOptions(fields[separator + 3]),
  }
}

/** Parse a whole mountinfo text; empty lines are skipped. Order is kept (later mounts stack on earlier ones). */
export function parseMountInfo(text: string): MountInfoEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(parseMountInfoLine)
}

/** Read and parse a mountinfo file, /proc/self/mountinfo by default. */
export function readMountInfo(path = '/proc/self/mountinfo'): MountInfoEntry[] {
  return parseMountInfo(readFileSync(path, 'utf8'))
}
