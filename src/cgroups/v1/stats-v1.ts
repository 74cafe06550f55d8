/**
 * What the v1 kernel measured for one leaf. Each number comes from one named
 * file; a file the kernel does not offer gives null, never a guess.
 */
import { readOptional } from '../cgroup-fs.js'
import { flatKeyedNumber, NSEC_PER_USEC, singleNumber } from '../format.js'
import type { CgroupStats } from '../manager.js'
import {
  CPU_STAT_FILE,
  CPU_THROTTLED_TIME_KEY,
  CPUACCT_USAGE_FILE,
  MEMORY_MAX_USAGE_FILE,
  MEMORY_OOM_CONTROL_FILE,
  OOM_KILL_KEY,
  PIDS_EVENTS_FILE,
  PIDS_EVENTS_MAX_KEY,
  PIDS_PEAK_FILE,
  type V1Controller,
} from './files.js'

/** The leaf's directory in each hierarchy islet uses; absent when that controller is not mounted. */
export type V1LeafDirectories = Partial<Record<V1Controller, string>>

function read(directory: string | undefined, file: string): Promise<string | null> {
  return directory === undefined ? Promise.resolve(null) : readOptional(`${directory}/${file}`)
}

export async function readV1Stats(dirs: V1LeafDirectories): Promise<CgroupStats> {
  const [maxUsage, oomControl, cpuacctUsage, cpuStat, pidsPeak, pidsEvents] = await Promise.all([
    read(dirs.memory, MEMORY_MAX_USAGE_FILE),
    read(dirs.memory, MEMORY_OOM_CONTROL_FILE),
    read(dirs.cpuacct, CPUACCT_USAGE_FILE),
    read(dirs.cpu, CPU_STAT_FILE),
    read(dirs.pids, PIDS_PEAK_FILE),
    read(dirs.pids, PIDS_EVENTS_FILE),
  ])
  const memoryPeakBytes = singleNumber(maxUsage)
  const oomKills = flatKeyedNumber(oomControl, OOM_KILL_KEY)
  return {
    oomKilled: oomKills === null ? null : oomKills > 0,
    oomKills,
    memoryPeakBytes,
    memoryPeakSource: memoryPeakBytes === null ? null : MEMORY_MAX_USAGE_FILE,
    cpuUsageUsec: singleNumber(cpuacctUsage, NSEC_PER_USEC),
    cpuThrottledUsec: flatKeyedNumber(cpuStat, CPU_THROTTLED_TIME_KEY, NSEC_PER_USEC),
    pidsPeak: singleNumber(pidsPeak),
    pidsLimitHits: flatKeyedNumber(pidsEvents, PIDS_EVENTS_MAX_KEY),
  }
}
