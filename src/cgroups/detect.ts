/**
 * Which cgroup backend this host can give islet, found from mountinfo the way
 * crun and youki do. v1 wins when a v1 hierarchy holds the memory controller:
 * on a hybrid host the cgroup2 mount then has no memory controller to offer
 * (a controller lives in one hierarchy at a time). Otherwise a cgroup2 mount
 * that offers memory, cpu and pids gives v2. Every path can be prefixed with a
 * fake root, so unit tests run detection against a temp dir.
 */
import { readFileSync } from 'node:fs'
import { IsletError } from '../errors.js'
import { readOptional } from './cgroup-fs.js'
import type { CgroupManager } from './manager.js'
import { parseMountInfo, type MountInfoEntry } from './mountinfo.js'
import { ISLET_PARENT } from './naming.js'
import { CgroupV1, type V1Hierarchies } from './v1/cgroup-v1.js'
import { V1_CONTROLLERS } from './v1/files.js'
import { CgroupV2 } from './v2/cgroup-v2.js'
import { CONTROLLERS_FILE, parseControllerList, V2_REQUIRED_CONTROLLERS } from './v2/files.js'

export interface DetectOptions {
  /** mountinfo text; read from `${root}/proc/self/mountinfo` when absent. */
  mountinfo?: string
  /** Prefix put before every path (mount points, /proc), for fake roots in tests. Default "". */
  root?: string
  /** Name of islet's directory under each hierarchy. Default ISLET_PARENT. */
  parent?: string
}

export type CgroupMode = 'v1' | 'v2' | 'hybrid' | 'none'

/** Controller names a v1 hierarchy's super options can list (the rest are flags like rw, name=systemd). */
const KNOWN_V1_CONTROLLERS = new Set([
  'cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'net_cls', 'net_prio',
  'blkio', 'perf_event', 'hugetlb', 'pids', 'rdma', 'misc',
])

const V1_FS_TYPE = 'cgroup'
const V2_FS_TYPE = 'cgroup2'

function mountEntries(options: DetectOptions): MountInfoEntry[] {
  const text = options.mountinfo ?? readFileSync(`${options.root ?? ''}/proc/self/mountinfo`, 'utf8')
  return parseMountInfo(text)
}

function v1ControllersOf(entry: MountInfoEntry): string[] {
  return entry.fsType === V1_FS_TYPE ? entry.superOptions.filter((o) => KNOWN_V1_CONTROLLERS.has(o)) : []
}

/** "v1", "v2", "hybrid" (v1 controllers plus a cgroup2 mount) or "none", for docs, doctor and benchmarks. */
export function detectCgroupMode(options: Omit<DetectOptions, 'parent'> = {}): CgroupMode {
  const entries = mountEntries(options)
  const hasV1 = entries.some((e) => v1ControllersOf(e).length > 0)
  const hasV2 = entries.some((e) => e.fsType === V2_FS_TYPE)
  if (hasV1 && hasV2) return 'hybrid'
  if (hasV1) return 'v1'
  if (hasV2) return 'v2'
  return 'none'
}

/** The first mount of each controller islet uses; a hierarchy mounted twice (bind mounts) counts once. */
function findV1Hierarchies(entries: MountInfoEntry[], root: string): Partial<V1Hierarchies> {
  const found: Partial<V1Hierarchies> = {}
  for (const entry of entries) {
    for (const controller of v1ControllersOf(entry)) {
      if ((V1_CONTROLLERS as readonly string[]).includes(controller)) {
        found[controller as keyof V1Hierarchies] ??= `${root}${entry.mountPoint}`
      }
    }
  }
  return found
}

/** Pick the backend for this host, or fail with what was found and how to fix it. */
export async function detectCgroups(options: DetectOptions = {}): Promise<CgroupManager> {
  const root = options.root ?? ''
  const parent = options.parent ?? ISLET_PARENT
  const entries = mountEntries(options)

  const v1 = findV1Hierarchies(entries, root)
  if (v1.memory) return new CgroupV1({ ...v1, memory: v1.memory }, parent)

  const seen: string[] = []
  for (const entry of entries.filter((e) => e.fsType === V2_FS_TYPE)) {
    const mount = `${root}${entry.mountPoint}`
    const offered = parseControllerList(await readOptional(`${mount}/${CONTROLLERS_FILE}`))
    if (V2_REQUIRED_CONTROLLERS.every((c) => offered.includes(c))) return new CgroupV2(mount, parent)
    seen.push(`cgroup2 at ${mount} offers only "${offered.join(' ')}"`)
  }

  const v1Seen = entries.filter((e) => v1ControllersOf(e).length > 0).map((e) => `${v1ControllersOf(e).join(',')} at ${root}${e.mountPoint}`)
  const found = [...(v1Seen.length > 0 ? [`cgroup v1 without memory: ${v1Seen.join('; ')}`] : []), ...seen]
  throw new IsletError(
    'ERR_ISLET_HOST',
    `no usable cgroup filesystem: islet needs a cgroup v1 hierarchy with the memory controller, or a cgroup2 mount offering ${V2_REQUIRED_CONTROLLERS.join(', ')}` +
      (found.length > 0 ? ` (found ${found.join('; ')})` : ' (no cgroup mount in mountinfo)'),
    {
      hint:
        'on cgroup v2 hosts mount it with "mount -t cgroup2 none /sys/fs/cgroup"; in a container, run with a writable /sys/fs/cgroup and a private cgroup namespace (e.g. docker run --privileged --cgroupns=private)',
    },
  )
}
