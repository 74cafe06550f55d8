import type { Cgroup, CgroupStats } from '../cgroups/manager.js'

const NOTHING_MEASURED: CgroupStats = {
  oomKilled: null, oomKills: null, memoryPeakBytes: null, memoryPeakSource: null,
  cpuUsageUsec: null, cpuThrottledUsec: null, pidsPeak: null, pidsLimitHits: null,
}

/**
 * A rootless container without limits needs no cgroup: nothing is created, and
 * every stat is null (unknown), never invented. The launcher's rusage still gives
 * the memory peak fallback.
 */
export class NoCgroup implements Cgroup {
  readonly name = 'none'
  readonly procsFiles: string[] = []
  readonly directories: string[] = []

  async stats(): Promise<CgroupStats> {
    return { ...NOTHING_MEASURED }
  }

  /** init is PID 1 of its namespace: when the launcher kills it, the kernel ends the rest. */
  async killAll(): Promise<void> {}

  async destroy(): Promise<void> {}
}
