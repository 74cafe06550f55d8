/**
 * The cgroup v2 backend: one directory, `<mount>/<parent>/<leaf>`. islet's
 * parent gets the controllers it needs in its own cgroup.subtree_control; the
 * mount root's is never written (islet did not create it, and on systemd hosts
 * it belongs to systemd), so a missing controller there is an error with the
 * command that fixes it. Kernel file names come from ./files.ts only.
 */
import { IsletError } from '../../errors.js'
import {
  emptyCgroup,
  exists,
  listDirectories,
  makeCgroupDirectory,
  readOptional,
  retryIfVanished,
  writeCgroupFile,
} from '../cgroup-fs.js'
import { CgroupLeaf } from '../cgroup-leaf.js'
import type { Cgroup, CgroupLimits, CgroupManager } from '../manager.js'
import { ISLET_PARENT, isOwnerAlive } from '../naming.js'
import { rollbackAndThrow } from '../rollback.js'
import { removeStaleLeaves } from '../stale.js'
import { validateCgroupName, validateLimits } from '../validate.js'
import { readV2Stats } from './stats-v2.js'
import {
  CONTROLLERS_FILE,
  CPU_MAX_FILE,
  formatCpuMax,
  formatMemoryLimit,
  formatPidsLimit,
  formatSubtreeControl,
  KILL_FILE,
  MEMORY_MAX_FILE,
  MEMORY_SWAP_MAX_FILE,
  parseControllerList,
  PIDS_MAX_FILE,
  PROCS_FILE,
  SUBTREE_CONTROL_FILE,
  SWAP_LIMIT_VALUE,
  V2_OPTIONAL_CONTROLLERS,
  V2_REQUIRED_CONTROLLERS,
} from './files.js'

export class CgroupV2 implements CgroupManager {
  readonly version = 2 as const
  readonly mount: string
  readonly parent: string
  readonly #parentDirectory: string
  /** The parent is prepared once per manager; a failure is not cached, so the next create retries. */
  #parentReady: Promise<void> | undefined

  constructor(mount: string, parent: string = ISLET_PARENT) {
    validateCgroupName(parent, 'cgroup parent name')
    this.mount = mount
    this.parent = parent
    this.#parentDirectory = `${mount}/${parent}`
  }

  describe(): string {
    return `cgroup v2 (${this.mount}; parent ${this.parent})`
  }

  #leaf(name: string): Cgroup {
    const directory = `${this.#parentDirectory}/${name}`
    const procsFile = `${directory}/${PROCS_FILE}`
    return new CgroupLeaf({
      name,
      directories: [directory],
      procsFiles: [procsFile],
      readStats: () => readV2Stats(directory),
      killAll: async () => {
        const killFile = `${directory}/${KILL_FILE}`
        // cgroup.kill (5.14+) kills the whole subtree atomically, forks included;
        // before it, SIGKILL each listed pid until the cgroup is empty, as on v1.
        if (await exists(killFile)) {
          await writeCgroupFile(killFile, '1')
          await emptyCgroup([procsFile], false)
        } else {
          await emptyCgroup([procsFile], true)
        }
      },
      parents: [this.#parentDirectory],
    })
  }

  /** Controllers the mount root passes down to its children, i.e. what islet's parent can use. */
  async #rootSubtreeControllers(): Promise<string[]> {
    const subtreeFile = `${this.mount}/${SUBTREE_CONTROL_FILE}`
    const enabled = parseControllerList(await readOptional(subtreeFile))
    const missing = V2_REQUIRED_CONTROLLERS.filter((c) => !enabled.includes(c))
    if (missing.length === 0) return enabled
    const offered = parseControllerList(await readOptional(`${this.mount}/${CONTROLLERS_FILE}`))
    const absent = missing.filter((c) => !offered.includes(c))
    if (absent.length > 0) {
      throw new IsletError(
        'ERR_ISLET_HOST',
        `cgroup2 at ${this.mount} does not offer the ${absent.join(', ')} controller${absent.length > 1 ? 's' : ''} (${CONTROLLERS_FILE}: ${offered.join(' ') || 'empty'})`,
        {
          path: `${this.mount}/${CONTROLLERS_FILE}`,
          hint: 'a controller bound to a cgroup v1 hierarchy is not available on cgroup2; boot with systemd.unified_cgroup_hierarchy=1, or use the v1 hierarchies',
        },
      )
    }
    const command = `echo "${formatSubtreeControl(missing)}" > ${subtreeFile}`
    throw new IsletError(
      'ERR_ISLET_CGROUP',
      `cgroup2 root ${this.mount} does not delegate ${missing.join(', ')} to its children (${SUBTREE_CONTROL_FILE}: ${enabled.join(' ') || 'empty'})`,
      {
        path: subtreeFile,
        hint: `islet never writes into cgroups it did not create; enable them as root with: ${command} (in a container whose root cgroup holds processes, move them to a child cgroup first)`,
      },
    )
  }

  async #prepareParent(): Promise<void> {
    const rootEnabled = await this.#rootSubtreeControllers()
    await makeCgroupDirectory(this.#parentDirectory, true)
    const wanted = [...V2_REQUIRED_CONTROLLERS, ...V2_OPTIONAL_CONTROLLERS.filter((c) => rootEnabled.includes(c))]
    const subtreeFile = `${this.#parentDirectory}/${SUBTREE_CONTROL_FILE}`
    const enabled = parseControllerList(await readOptional(subtreeFile))
    const toEnable = wanted.filter((c) => !enabled.includes(c))
    if (toEnable.length > 0) await writeCgroupFile(subtreeFile, formatSubtreeControl(toEnable))
  }

  #ensureParent(): Promise<void> {
    this.#parentReady ??= this.#prepareParent().catch((error: unknown) => {
      this.#parentReady = undefined
      throw error
    })
    return this.#parentReady
  }

  async create(name: string, limits: CgroupLimits): Promise<Cgroup> {
    validateCgroupName(name)
    validateLimits(limits)
    return retryIfVanished(async () => {
      try {
        return await this.#create(name, limits)
      } catch (error) {
        // Another run removed islet's empty parent: set it up again on the next try.
        this.#parentReady = undefined
        throw error
      }
    })
  }

  async #create(name: string, limits: CgroupLimits): Promise<Cgroup> {
    await this.#ensureParent()
    const directory = `${this.#parentDirectory}/${name}`
    await makeCgroupDirectory(directory, false)
    try {
      await this.#writeLimits(directory, limits)
    } catch (error) {
      return rollbackAndThrow([directory], error)
    }
    return this.#leaf(name)
  }

  async #writeLimits(directory: string, limits: CgroupLimits): Promise<void> {
    if (limits.memoryBytes !== undefined) {
      await writeCgroupFile(`${directory}/${MEMORY_MAX_FILE}`, formatMemoryLimit(limits.memoryBytes))
      // The parent is a non-root cgroup with memory enabled above it, so it has
      // memory.swap.max exactly when the leaf does (swap accounting on); probing
      // it also works in a fake root, where the leaf's files cannot pre-exist.
      if (await exists(`${this.#parentDirectory}/${MEMORY_SWAP_MAX_FILE}`)) {
        await writeCgroupFile(`${directory}/${MEMORY_SWAP_MAX_FILE}`, SWAP_LIMIT_VALUE)
      }
    }
    if (limits.cpuCores !== undefined) {
      await writeCgroupFile(`${directory}/${CPU_MAX_FILE}`, formatCpuMax(limits.cpuCores))
    }
    if (limits.pids !== undefined) {
      await writeCgroupFile(`${directory}/${PIDS_MAX_FILE}`, formatPidsLimit(limits.pids))
    }
  }

  async cleanupStale(isAlive: (name: string) => boolean = isOwnerAlive): Promise<string[]> {
    const names = await listDirectories(this.#parentDirectory)
    return removeStaleLeaves(names, isAlive, (name) => this.#leaf(name))
  }
}
