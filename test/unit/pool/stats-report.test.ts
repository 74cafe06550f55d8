import { describe, expect, it } from 'vitest'
import { formatReport, reportJson, type FileStats } from '../../../src/pool/stats-report.js'

const row = (file: string, extra: Partial<FileStats> = {}): FileStats => ({
  project: '', file, exitCode: 0, signal: null, oomKilled: false, memoryPeakBytes: 50 * 2 ** 20, cpuUsageUsec: 120_000,
  pidsPeak: 12, durationMs: 300, cpuThrottledUsec: 0, memoryPeakSource: 'memory.peak', diagnosis: null, ...extra,
})

describe('the end-of-run report', () => {
  it('lists each file\'s usage, sorted, and the diagnoses under the table', () => {
    const text = formatReport([
      row('test/b.test.ts'),
      row('test/a.test.ts', { memoryPeakBytes: null, cpuUsageUsec: null, diagnosis: 'out of memory: the memory limit (64 MiB) was reached' }),
    ]).replace(/\x1b\[[0-9;]*m/g, '')
    const lines = text.trim().split('\n')
    expect(lines[0]).toContain('per-file usage')
    expect(lines[2]).toMatch(/^\s+test\/a\.test\.ts\s+—\s+—\s+12\s+0 ms\s+300 ms$/)
    expect(lines[3]).toMatch(/^\s+test\/b\.test\.ts\s+50 MiB\s+120 ms\s+12/)
    expect(lines[4]).toContain('test/a.test.ts: out of memory')
  })

  it('is empty when no file ran', () => {
    expect(formatReport([])).toBe('')
  })

  it('writes JSON for CI', () => {
    expect(JSON.parse(reportJson([row('x.test.ts')]))).toEqual({ files: [row('x.test.ts')] })
  })
})
