/**
 * The cgroup v1 backend: one directory per hierarchy (memory, cpu, cpuacct,
 * pids; "cpu,cpuacct" co-mounted is one directory), each holding
 * `<mount>/<parent>/<leaf>`. Kernel file names come from ./files.ts only.
 */
import { IsletError } from '../../errors.js'
import { emptyCgroup, exists, listDirectories, makeCgroupDirectory, retryIfVanished, writeCgroupFile } from '../cgroup-fs.js'
import { CgroupLeaf } from '../cgroup-leaf.js'
import type { Cgroup, CgroupLimits, CgroupManager } from '../manager.js'
import { ISLET_PARENT, isOwnerAlive } from '../naming.js'
import { rollbackAndThrow } from '../rollback.js'
import { removeStaleLeaves } from '../stale.js'
import { validateCgroupName, validateLimits } from '../validate.js'
import {
  CPU_PERIOD_FILE,
  CPU_QUOTA_FILE,
  formatCpuLimit,
  formatMemoryLimit,
  formatPidsLimit,
  MEMORY_LIMIT_FILE,
  MEMORY_MEMSW_LIMIT_FILE,
  PIDS_MAX_FILE,
  PROCS_FILE,
  V1_CONTROLLERS,
  type V1Controller,
} from './files.js'
import { readV1Stats, type V1LeafDirectories } from './stats-v1.js'

/** Mount directory of each v1 hierarchy islet uses; memory is required, the others optional. */
export type V1Hierarchies = Partial<Record<V1Controller, string>> & { memory: string }

/** Which limit needs which controller, for the error when that hierarchy is missing. */
const LIMIT_CONTROLLER: Record<keyof CgroupLimits, V1Controller> = {
  memoryBytes: 'memory',
  cpuCores: 'cpu',
  pids: 'pids',
}

export class CgroupV1 implements CgroupManager {
  readonly version = 1 as const
  readonly hierarchies: Readonly<V1Hierarchies>
  readonly parent: string
  /** Distinct mount directories in V1_CONTROLLERS order (co-mounted controllers share one). */
  readonly #mounts: string[]

  constructor(hierarchies: V1Hierarchies, parent: string = ISLET_PARENT) {
    validateCgroupName(parent, 'cgroup parent name')
    if (!hierarchies.memory) {
      throw new IsletError('ERR_ISLET_HOST', 'cgroup v1 needs the memory hierarchy', {
        hint: 'pass the mount directory of the memory controller, e.g. { memory: "/sys/fs/cgroup/memory" }',
      })
    }
    this.hierarchies = { ...hierarchies }
    this.parent = parent
    this.#mounts = [...new Set(V1_CONTROLLERS.flatMap((c) => (hierarchies[c] ? [hierarchies[c]] : [])))]
  }

  describe(): string {
    const parts = V1_CONTROLLERS.map((c) => `${c} at ${this.hierarchies[c] ?? 'not mounted'}`)
    return `cgroup v1 (${parts.join(', ')}; parent ${this.parent})`
  }

  /** The leaf's directory in each hierarchy, keyed by controller. */
  #leafDirectories(name: string): V1LeafDirectories {
    const dirs: V1LeafDirectories = {}
    for (const controller of V1_CONTROLLERS) {
      const mount = this.hierarchies[controller]
      if (mount) dirs[controller] = `${mount}/${this.parent}/${name}`
    }
    return dirs
  }

  #leaf(name: string): Cgroup {
    const dirs = this.#leafDirectories(name)
    const directories = this.#mounts.map((mount) => `${mount}/${this.parent}/${name}`)
    const procsFiles = directories.map((directory) => `${directory}/${PROCS_FILE}`)
    return new CgroupLeaf({
      name,
      directories,
      procsFiles,
      readStats: () => readV1Stats(dirs),
      // v1 has no cgroup.kill: SIGKILL each listed pid until every cgroup.procs is empty.
      killAll: () => emptyCgroup(procsFiles, true),
      parents: this.#mounts.map((mount) => `${mount}/${this.parent}`),
    })
  }

  #checkControllers(limits: CgroupLimits): void {
    for (const [limit, controller] of Object.entries(LIMIT_CONTROLLER) as [keyof CgroupLimits, V1Controller][]) {
      if (limits[limit] !== undefined && !this.hierarchies[controller]) {
        throw new IsletError('ERR_ISLET_CGROUP', `cannot apply ${limit}: no cgroup v1 hierarchy with the ${controller} controller is mounted`, {
          hint: `mount it (mkdir -p /sys/fs/cgroup/${controller} && mount -t cgroup -o ${controller} cgroup /sys/fs/cgroup/${controller}), or leave ${limit} unset`,
        })
      }
    }
  }

  async create(name: string, limits: CgroupLimits): Promise<Cgroup> {
    validateCgroupName(name)
    validateLimits(limits)
    this.#checkControllers(limits)
    return retryIfVanished(() => this.#create(name, limits))
  }

  async #create(name: string, limits: CgroupLimits): Promise<Cgroup> {
    const created: string[] = []
    try {
      for (const mount of this.#mounts) {
        // Shared by every run on the host (removed by the last one out), so EEXIST is normal.
        await makeCgroupDirectory(`${mount}/${this.parent}`, true)
      }
      for (const mount of this.#mounts) {
        const directory = `${mount}/${this.parent}/${name}`
        await makeCgroupDirectory(directory, false)
        created.push(directory)
      }
      await this.#writeLimits(this.#leafDirectories(name), limits)
    } catch (error) {
      return rollbackAndThrow(created, error)
    }
    return this.#leaf(name)
  }

  async #writeLimits(dirs: V1LeafDirectories, limits: CgroupLimits): Promise<void> {
    if (limits.memoryBytes !== undefined && dirs.memory) {
      const value = formatMemoryLimit(limits.memoryBytes)
      // memsw must stay >= limit_in_bytes, so memory goes first. The parent has the
      // same files as the leaf (both non-root cgroups of one hierarchy): probing it
      // tells whether swap accounting is on, also in a fake root before the leaf exists.
      await writeCgroupFile(`${dirs.memory}/${MEMORY_LIMIT_FILE}`, value)
      if (await exists(`${this.hierarchies.memory}/${this.parent}/${MEMORY_MEMSW_LIMIT_FILE}`)) {
        await writeCgroupFile(`${dirs.memory}/${MEMORY_MEMSW_LIMIT_FILE}`, value)
      }
    }
    if (limits.cpuCores !== undefined && dirs.cpu) {
      const { period, quota } = formatCpuLimit(limits.cpuCores)
      await writeCgroupFile(`${dirs.cpu}/${CPU_PERIOD_FILE}`, period)
      await writeCgroupFile(`${dirs.cpu}/${CPU_QUOTA_FILE}`, quota)
    }
    if (limits.pids !== undefined && dirs.pids) {
      await writeCgroupFile(`${dirs.pids}/${PIDS_MAX_FILE}`, formatPidsLimit(limits.pids))
    }
  }

  async cleanupStale(isAlive: (name: string) => boolean = isOwnerAlive): Promise<string[]> {
    const names: string[] = []
    for (const mount of this.#mounts) names.push(...(await listDirectories(`${mount}/${this.parent}`)))
    return removeStaleLeaves(names, isAlive, (name) => this.#leaf(name))
  }
}
