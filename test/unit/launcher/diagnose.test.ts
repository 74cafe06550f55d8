import { describe, expect, it } from 'vitest'
import type { CgroupStats } from '../../../src/cgroups/manager.js'
import { diagnose, signalName } from '../../../src/launcher/diagnose.js'

const quiet: CgroupStats = {
  oomKilled: false, oomKills: 0, memoryPeakBytes: 10 * 2 ** 20, memoryPeakSource: 'memory.peak',
  cpuUsageUsec: 1000, cpuThrottledUsec: 0, pidsPeak: 3, pidsLimitHits: 0,
}
const MiB = 2 ** 20

describe('diagnose', () => {
  it('names the memory limit and the peak', () => {
    expect(diagnose({ limits: { memoryBytes: 64 * MiB }, stats: { ...quiet, oomKilled: true, oomKills: 1 }, memoryPeakBytes: 64 * MiB, signal: 'SIGKILL', stoppedByIslet: false }))
      .toBe('out of memory: the memory limit (64 MiB) was reached (peak 64 MiB)')
  })

  it('names the pids limit and how often it refused', () => {
    expect(diagnose({ limits: { pids: 32 }, stats: { ...quiet, pidsLimitHits: 812, pidsPeak: 32 }, memoryPeakBytes: null, signal: null, stoppedByIslet: false }))
      .toBe('the pids limit (32) was reached: 812 process or thread creations were refused, peak 32')
  })

  it('says which signal ended a command that no limit stopped', () => {
    expect(diagnose({ limits: {}, stats: quiet, memoryPeakBytes: null, signal: 'SIGSEGV', stoppedByIslet: false })).toBe('killed by SIGSEGV')
  })

  it('has nothing to say about a clean exit or a stop islet asked for', () => {
    expect(diagnose({ limits: { memoryBytes: MiB * 64 }, stats: quiet, memoryPeakBytes: null, signal: null, stoppedByIslet: false })).toBeNull()
    expect(diagnose({ limits: {}, stats: quiet, memoryPeakBytes: null, signal: 'SIGTERM', stoppedByIslet: true })).toBeNull()
  })

  it('does not invent an OOM where the host cannot tell', () => {
    expect(diagnose({ limits: { memoryBytes: MiB * 64 }, stats: { ...quiet, oomKilled: null }, memoryPeakBytes: null, signal: null, stoppedByIslet: false })).toBeNull()
  })

  it('maps signal numbers to names', () => {
    expect(signalName(9)).toBe('SIGKILL')
    expect(signalName(15)).toBe('SIGTERM')
  })
})
