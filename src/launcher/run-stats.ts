/** What `run()` resolves to and `--stats` writes. What the host cannot measure is null, never invented. */
export interface RunStats {
  /** The command's exit code; null when a signal ended it. */
  exitCode: number | null
  /** The signal that ended the command, e.g. "SIGKILL"; null when it exited. */
  signal: string | null
  /** Whether the OOM killer fired inside the container; null where the host cannot tell. */
  oomKilled: boolean | null
  memoryPeakBytes: number | null
  cpuUsageUsec: number | null
  pidsPeak: number | null
  durationMs: number
  /** Time the CPU limit held the container back. */
  cpuThrottledUsec: number | null
  /** Where memoryPeakBytes came from ("memory.peak", or the rusage fallback). */
  memoryPeakSource: string | null
  /** One line saying which limit stopped the command, or null. */
  diagnosis: string | null
}

/** The fields the issue's `--stats` JSON promises, in a stable order, then the extras. */
export function statsJson(stats: RunStats): string {
  const { exitCode, signal, oomKilled, memoryPeakBytes, cpuUsageUsec, pidsPeak, durationMs, ...extra } = stats
  return JSON.stringify({ exitCode, signal, oomKilled, memoryPeakBytes, cpuUsageUsec, pidsPeak, durationMs, ...extra }, null, 2) + '\n'
}
