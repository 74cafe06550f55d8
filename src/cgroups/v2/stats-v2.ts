/**
 * What the v2 kernel measured for one leaf. Each number comes from one named
 * file; a file the kernel does not offer gives null, never a guess (without
 * memory.peak, before Linux 5.19, the engine falls back to rusage and says so).
 */
import { readOptional } from '../cgroup-fs.js'
import { flatKeyedNumber, singleNumber } from '../format.js'
import type { CgroupStats } from '../manager.js'
import {
  CPU_STAT_FILE,
  CPU_THROTTLED_KEY,
  CPU_USAGE_KEY,
  MEMORY_EVENTS_FILE,
  MEMORY_PEAK_FILE,
  OOM_KILL_KEY,
  PIDS_EVENTS_FILE,
  PIDS_EVENTS_MAX_KEY,
  PIDS_PEAK_FILE,
} from './files.js'

export async function readV2Stats(directory: string): Promise<CgroupStats> {
  const [memoryPeak, memoryEvents, cpuStat, pidsPeak, pidsEvents] = await Promise.all(
    [MEMORY_PEAK_FILE, MEMORY_EVENTS_FILE, CPU_STAT_FILE, PIDS_PEAK_FILE, PIDS_EVENTS_FILE].map((file) =>
      readOptional(`${directory}/${file}`),
    ),
  )
  const memoryPeakBytes = singleNumber(memoryPeak ?? null)
  const oomKills = flatKeyedNumber(memoryEvents ?? null, OOM_KILL_KEY)
  return {
    oomKilled: oomKills === null ? null : oomKills > 0,
    oomKills,
    memoryPeakBytes,
    memoryPeakSource: memoryPeakBytes === null ? null : MEMORY_PEAK_FILE,
    cpuUsageUsec: flatKeyedNumber(cpuStat ?? null, CPU_USAGE_KEY),
    cpuThrottledUsec: flatKeyedNumber(cpuStat ?? null, CPU_THROTTLED_KEY),
    pidsPeak: singleNumber(pidsPeak ?? null),
    pidsLimitHits: flatKeyedNumber(pidsEvents ?? null, PIDS_EVENTS_MAX_KEY),
  }
}
