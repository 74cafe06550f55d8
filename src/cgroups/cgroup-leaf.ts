/**
 * The Cgroup handed to the engine, for both versions. What differs between v1
 * and v2 (how stats are read, how everything is killed) comes in as functions,
 * so the destroy rules — kill, then rmdir deepest last, idempotent — exist once.
 */
import type { Cgroup, CgroupStats } from './manager.js'
import { removeCgroupDirectory, removeParentIfEmpty } from './cgroup-fs.js'

export interface CgroupLeafParts {
  name: string
  /** Every directory islet created for this cgroup, parents before children. */
  directories: string[]
  procsFiles: string[]
  readStats: () => Promise<CgroupStats>
  /** SIGKILL everything inside and wait until the cgroup is empty. */
  killAll: () => Promise<void>
  /** islet's parent directories, removed after the leaf when nothing else is in them. */
  parents?: string[]
}

export class CgroupLeaf implements Cgroup {
  readonly name: string
  readonly directories: string[]
  readonly procsFiles: string[]
  readonly #parts: CgroupLeafParts
  #destroyed = false
  #destroying: Promise<void> | undefined

  constructor(parts: CgroupLeafParts) {
    this.name = parts.name
    this.directories = [...parts.directories]
    this.procsFiles = [...parts.procsFiles]
    this.#parts = parts
  }

  stats(): Promise<CgroupStats> {
    return this.#parts.readStats()
  }

  killAll(): Promise<void> {
    return this.#parts.killAll()
  }

  /** Concurrent calls share one attempt; after a failure a later call tries again. */
  destroy(): Promise<void> {
    if (this.#destroyed) return Promise.resolve()
    this.#destroying ??= this.#destroy().finally(() => {
      this.#destroying = undefined
    })
    return this.#destroying
  }

  async #destroy(): Promise<void> {
    let killError: unknown
    try {
      await this.#parts.killAll()
    } catch (error) {
      // rmdir below decides: if the directories go away, what was left is gone too.
      killError = error
    }
    let removeError: unknown
    for (const directory of [...this.directories].reverse()) {
      try {
        await removeCgroupDirectory(directory)
      } catch (error) {
        removeError ??= error
      }
    }
    // The kill error names the pids still inside, which says more than rmdir's EBUSY.
    if (removeError !== undefined) throw killError ?? removeError
    this.#destroyed = true
    for (const parent of this.#parts.parents ?? []) await removeParentIfEmpty(parent)
  }
}
