import fs from 'node:fs'
import path from 'node:path'
import type { MountInfoEntry } from '../cgroups/mountinfo.js'
import { lowerdirOption } from './overlay-options.js'

/** One step of the rootfs build, in the order the launcher applies them. */
export type MountOp =
  | { kind: 'overlay'; target: string; lowerdir: string }
  | { kind: 'bind-ro'; target: string }
  | { kind: 'bind-rw'; target: string }
  | { kind: 'tmpfs'; target: string }

export interface MountPlanInput {
  mounts: MountInfoEntry[]
  /** Host paths that must stay visible (copy-on-write) although the fresh /tmp hides them. */
  keepPaths: string[]
  /** Host paths bound read-only, live (not copy-on-write): the host may still be writing them. */
  readonlyPaths?: string[]
  /** Host paths bound read-write. */
  writablePaths: string[]
  /** For tests: decides whether a mount point is a file (file mounts cannot be overlaid). */
  isDirectory?: (p: string) => boolean
}

/** The launcher builds these itself, fresh, for the container's own namespaces. */
const REBUILT_TREES = ['/proc', '/sys', '/dev']
/** The container gets a fresh, empty /tmp; paths below it come back only through keepPaths. */
const FRESH_TMP = '/tmp'

/** Kernel and virtual filesystems that hold no data a program reads as files. */
const PSEUDO_FS = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2', 'mqueue', 'debugfs', 'tracefs', 'securityfs',
  'pstore', 'bpf', 'configfs', 'fusectl', 'binfmt_misc', 'autofs', 'hugetlbfs', 'efivarfs', 'selinuxfs',
  'nsfs', 'rpc_pipefs', 'nfsd', 'ramfs_unused',
])

export function isBelow(p: string, dir: string): boolean {
  return dir === '/' || p === dir || p.startsWith(dir.endsWith('/') ? dir : dir + '/')
}

/**
 * Turns the host's mount table into the rootfs recipe: every host mount that holds
 * data becomes a copy-on-write overlay at the same path,
 * parents before children, so programs, the project and node_modules sit where they
 * always do and every write lands in the scratch layer.
 */
export function planMounts(input: MountPlanInput): MountOp[] {
  const isDirectory = input.isDirectory ?? defaultIsDirectory
  const byTarget = new Map<string, MountInfoEntry>()
  for (const m of input.mounts) {
    if (PSEUDO_FS.has(m.fsType)) continue
    if (m.mountPoint !== '/' && [...REBUILT_TREES, FRESH_TMP].some((tree) => isBelow(m.mountPoint, tree))) continue
    // A later mount on the same point hides the earlier one, as it does on the host.
    byTarget.delete(m.mountPoint)
    byTarget.set(m.mountPoint, m)
  }
  const targets = [...byTarget.keys()].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b))
  const ops: MountOp[] = []
  for (const target of targets) {
    ops.push(target === '/' || isDirectory(target)
      ? { kind: 'overlay', target, lowerdir: lowerdirOption([target]) }
      : { kind: 'bind-ro', target })
  }
  ops.push({ kind: 'tmpfs', target: FRESH_TMP })
  for (const keep of dedupe(input.keepPaths.filter((p) => isBelow(p, FRESH_TMP) && p !== FRESH_TMP))) {
    ops.push({ kind: 'overlay', target: keep, lowerdir: lowerdirOption([keep]) })
  }
  for (const p of dedupe(input.readonlyPaths ?? [])) ops.push({ kind: 'bind-ro', target: p })
  for (const p of dedupe(input.writablePaths)) ops.push({ kind: 'bind-rw', target: p })
  return ops
}

/**
 * The launcher's argv for a plan. Layers (lowest first) become one read-only
 * stack that the launcher puts above every overlay at the same path.
 */
export function mountArgs(ops: MountOp[], layers: string[] = []): string[] {
  const layerArgs = layers.length ? ['--layers', lowerdirOption([...layers].reverse())] : []
  return [...layerArgs, ...ops.flatMap((op) => op.kind === 'overlay' ? ['--overlay', op.target, op.lowerdir] : [`--${op.kind}`, op.target])]
}

/** Keep only outermost paths: a kept directory already shows everything below it. */
function dedupe(paths: string[]): string[] {
  const sorted = [...new Set(paths.map((p) => path.resolve(p)))].sort((a, b) => depth(a) - depth(b))
  return sorted.filter((p, i) => !sorted.slice(0, i).some((outer) => isBelow(p, outer)))
}

function depth(p: string): number {
  return p === '/' ? 0 : p.split('/').length - 1
}

function defaultIsDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}
