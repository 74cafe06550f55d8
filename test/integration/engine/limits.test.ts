import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { hostSkip, requireHost } from '../../helpers/host.js'
import { TESTPROG, capture, notForRootless, whyNoContainers } from '../../helpers/engine.js'

const host = notForRootless().skip ? notForRootless() : hostSkip(whyNoContainers())
requireHost(host)

describe.skipIf(host.skip)(host.title('cgroup limits on a real container'), () => {
  it('--memory 64M stops a process allocating 512 MiB and says so', async () => {
    const result = await capture([TESTPROG, 'memhog', '512'], { memory: '64M' })
    expect(result.signal).toBe('SIGKILL')
    expect(result.oomKilled).toBe(true)
    expect(result.memoryPeakBytes).toBeGreaterThan(32 * 2 ** 20)
    expect(result.memoryPeakBytes).toBeLessThanOrEqual(64 * 2 ** 20)
    expect(result.diagnosis).toMatch(/^out of memory: the memory limit \(64 MiB\) was reached \(peak \d+(\.\d)? MiB\)$/)
    expect(result.stdout).not.toContain('allocated 512')
  })

  it('--pids 32 stops a fork bomb, and the host can still fork', async () => {
    const result = await capture([TESTPROG, 'forkbomb', '2'], { pids: 32 })
    const [, forked, , failed] = result.stdout.trim().split(' ')
    expect(Number(forked)).toBeLessThanOrEqual(31)
    expect(Number(failed)).toBeGreaterThan(0)
    expect(result.pidsPeak).toBe(32)
    expect(result.diagnosis).toMatch(/^the pids limit \(32\) was reached: \d+ process or thread creations were refused, peak 32$/)
    expect(spawnSync('true').status).toBe(0)
  })

  it('--cpu 0.2 holds a busy loop near 20% of a core, by the cgroup\'s own counter', async () => {
    const result = await capture([TESTPROG, 'spin', '3'], { cpu: 0.2 })
    expect(result.stdout).toBe('spun\n')
    const share = result.cpuUsageUsec! / (result.durationMs * 1000)
    expect(share).toBeGreaterThan(0.14)
    expect(share).toBeLessThan(0.26)
    expect(result.cpuThrottledUsec).toBeGreaterThan(0)
  })

  it('reports usage without limits too, and nothing it cannot measure', async () => {
    const result = await capture([TESTPROG, 'memhog', '16'])
    expect(result).toMatchObject({ exitCode: 0, signal: null, oomKilled: false, diagnosis: null })
    expect(result.memoryPeakBytes).toBeGreaterThanOrEqual(16 * 2 ** 20)
    expect(result.cpuUsageUsec).toBeGreaterThan(0)
    expect(result.pidsPeak).toBeGreaterThanOrEqual(2)
  })
})
