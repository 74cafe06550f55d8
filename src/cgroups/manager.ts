/**
 * The one cgroup interface islet uses, shaped like crun's and youki's:
 * detect → create → apply limits → (launcher adds the process) → stats → kill all → destroy.
 * `CgroupV1` and `CgroupV2` implement it; kernel file names live only in their
 * own `files.ts`. Every backend takes the cgroupfs root as a parameter so unit
 * tests can point it at a temp directory laid out like the kernel's.
 */

/** Limits as islet applies them; `undefined` means "no limit". */
export interface CgroupLimits {
  /** Bytes; swap is included where the kernel allows (memsw on v1, swap.max=0 on v2). */
  memoryBytes?: number
  /** CPU bandwidth in cores, e.g. 0.25. */
  cpuCores?: number
  /** Most tasks (processes + threads) at once. */
  pids?: number
}

/** What the kernel measured for one cgroup; `null` where this host cannot tell. */
export interface CgroupStats {
  oomKilled: boolean | null
  /** How many times the OOM killer fired inside the cgroup. */
  oomKills: number | null
  memoryPeakBytes: number | null
  /** Which file the peak came from, so a fallback is never silent. */
  memoryPeakSource: string | null
  cpuUsageUsec: number | null
  cpuThrottledUsec: number | null
  pidsPeak: number | null
  /** How many forks the pids limit refused. */
  pidsLimitHits: number | null
}

/** One container's cgroup (one directory per hierarchy on v1, one on v2). */
export interface Cgroup {
  /** Leaf name, unique per run: see `naming.ts`. */
  readonly name: string
  /** The `cgroup.procs` files the launcher writes the container's init into. */
  readonly procsFiles: string[]
  /** Every directory islet created for this cgroup, deepest last. */
  readonly directories: string[]
  stats(): Promise<CgroupStats>
  /** SIGKILL everything still inside (cgroup.kill on v2, per-pid on v1). */
  killAll(): Promise<void>
  /** Kill what is left and remove the directories. Safe to call twice. */
  destroy(): Promise<void>
}

export interface CgroupManager {
  readonly version: 1 | 2
  /** Human text for errors and `islet doctor`, e.g. "cgroup v1 (memory at /sys/fs/cgroup/memory)". */
  describe(): string
  /** Create the container's cgroup under islet's parent and write the limits into it. */
  create(name: string, limits: CgroupLimits): Promise<Cgroup>
  /** Remove cgroups that crashed runs left behind (see `naming.ts`); returns their names. */
  cleanupStale(isAlive?: (name: string) => boolean): Promise<string[]>
}
