/**
 * The rootfs recipe, reshaped for a user namespace.
 *
 * Root overlays a whole host mount ("/", "/home") in one go. In a user namespace
 * the kernel refuses that for any mount with other mounts below it: those inherited
 * mounts are locked (they may hide files the user must not see), and overlayfs'
 * private clone of a lower layer with locked mounts inside fails with EINVAL
 * ("overlayfs: failed to clone lowerpath"). So each such overlay is split into its
 * entries: directories without mounts below become overlays of their own, host
 * symlinks are recreated, files are bound read-only, and directories that do hold
 * mount points are split again. The mount points themselves get their own ops
 * (or are rebuilt by the launcher: /proc, /sys, /dev; /tmp is fresh).
 */
import fs from 'node:fs'
import path from 'node:path'
import { isBelow, mountArgs, type MountOp } from '../rootfs/mount-plan.js'
import { lowerdirOption } from '../rootfs/overlay-options.js'

/** A host symlink recreated in the new root: not a mount, so no lower layer is involved. */
export type UsernsMountOp = MountOp | { kind: 'symlink'; target: string; link: string }

/** The trees the launcher builds itself and the fresh /tmp (mirrors REBUILT_TREES and FRESH_TMP in mount-plan.ts). */
const LAUNCHER_BUILT = ['/proc', '/sys', '/dev', '/tmp']

export interface HostTree {
  readdir(dir: string): string[]
  lstat(p: string): fs.Stats
  readlink(p: string): string
}

const REAL_TREE: HostTree = {
  readdir: (dir) => fs.readdirSync(dir),
  lstat: (p) => fs.lstatSync(p),
  readlink: (p) => fs.readlinkSync(p),
}

export interface UsernsPlanInput {
  ops: MountOp[]
  /** Every host mount point (any filesystem type), from mountinfo. */
  mountPoints: string[]
  tree?: HostTree
}

export function planForUserns(input: UsernsPlanInput): UsernsMountOp[] {
  const tree = input.tree ?? REAL_TREE
  const mountPoints = [...new Set(input.mountPoints)]
  const covered = new Set([...LAUNCHER_BUILT, ...input.ops.map((op) => op.target)])
  const result: UsernsMountOp[] = []
  for (const op of input.ops) {
    const inside = mountPoints.filter((m) => m !== op.target && isBelow(m, op.target))
    if (op.kind !== 'overlay' || inside.length === 0) result.push(op)
    else result.push(...splitDirectory(op.target, inside, covered, tree))
  }
  return result
}

function splitDirectory(dir: string, inside: string[], covered: Set<string>, tree: HostTree): UsernsMountOp[] {
  let names: string[]
  try {
    names = tree.readdir(dir).sort()
  } catch {
    // Unreadable to this user: a recursive bind is what the kernel allows over locked mounts.
    return [{ kind: 'bind-ro', target: dir }]
  }
  const ops: UsernsMountOp[] = []
  for (const name of names) {
    const p = path.posix.join(dir, name)
    if (covered.has(p) || inside.includes(p)) continue
    let stats: fs.Stats
    try {
      stats = tree.lstat(p)
    } catch {
      continue
    }
    const below = inside.filter((m) => isBelow(m, p))
    if (stats.isSymbolicLink()) ops.push({ kind: 'symlink', target: p, link: tree.readlink(p) })
    else if (stats.isDirectory()) ops.push(...(below.length ? splitDirectory(p, below, covered, tree) : [{ kind: 'overlay' as const, target: p, lowerdir: lowerdirOption([p]) }]))
    else if (stats.isFile()) ops.push({ kind: 'bind-ro', target: p })
    // Sockets, fifos and device nodes of the host are left out, as /dev is.
  }
  return ops
}

/** The launcher's argv for a userns plan: mount-plan.ts's for mounts, --symlink for links. */
export function usernsMountArgs(ops: UsernsMountOp[], layers: string[] = []): string[] {
  return [
    ...mountArgs([], layers),
    ...ops.flatMap((op) => op.kind === 'symlink' ? ['--symlink', op.target, op.link] : mountArgs([op])),
  ]
}
