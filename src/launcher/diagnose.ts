import os from 'node:os'
import type { CgroupLimits, CgroupStats } from '../cgroups/manager.js'
import { formatBytes } from '../config/size.js'

export function signalName(signal: number): string {
  const entry = Object.entries(os.constants.signals).find(([, n]) => n === signal)
  return entry ? entry[0] : `signal ${signal}`
}

export interface DiagnosisInput {
  limits: CgroupLimits
  stats: CgroupStats
  memoryPeakBytes: number | null
  signal: string | null
  /** islet itself stopped the container (stop() or a timeout): its signal is no finding. */
  stoppedByIslet: boolean
}

/**
 * Names the limit that stopped a command, with what was used, so a user reads
 * "out of memory: the memory limit (64 MiB) was reached (peak 64 MiB)" instead of "Killed".
 */
export function diagnose(input: DiagnosisInput): string | null {
  const { limits, stats } = input
  const findings: string[] = []
  if (stats.oomKilled) {
    const peak = input.memoryPeakBytes === null ? '' : ` (peak ${formatBytes(input.memoryPeakBytes)})`
    findings.push(limits.memoryBytes === undefined
      ? `out of memory: the kernel's OOM killer stopped a process${peak}`
      : `out of memory: the memory limit (${formatBytes(limits.memoryBytes)}) was reached${peak}`)
  }
  if (limits.pids !== undefined && stats.pidsLimitHits) {
    const peak = stats.pidsPeak === null ? '' : `, peak ${stats.pidsPeak}`
    findings.push(`the pids limit (${limits.pids}) was reached: ${stats.pidsLimitHits} process or thread creations were refused${peak}`)
  }
  if (findings.length === 0 && input.signal && !input.stoppedByIslet) findings.push(`killed by ${input.signal}`)
  return findings.length ? findings.join('; ') : null
}
