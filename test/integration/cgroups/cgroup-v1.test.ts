/**
 * CgroupV1 against the real kernel: limits land in the kernel's files, a real
 * process is accounted, limited, killed and its cgroups removed. Needs root and
 * a v1 memory hierarchy; skips saying so, or fails under ISLET_MUST_WORK=1.
 */
import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { detectCgroupMode, detectCgroups } from '../../../src/cgroups/detect.js'
import type { Cgroup } from '../../../src/cgroups/manager.js'
import { cgroupName } from '../../../src/cgroups/naming.js'
import type { CgroupV1 } from '../../../src/cgroups/v1/cgroup-v1.js'
import { IsletError } from '../../../src/errors.js'
import { enter, spawnWaiting } from '../../helpers/cgroup-process.js'
import { hostSkip, notApplicable, requireHost, whyNotRoot } from '../../helpers/host.js'

async function whyCannotCgroupV1(): Promise<string | null> {
  const notRoot = whyNotRoot()
  if (notRoot) return notRoot
  try {
    await detectCgroups()
    return null
  } catch (error) {
    return `requires a cgroup v1 memory hierarchy: ${(error as IsletError).shortMessage ?? String(error)}`
  }
}

// On a cgroup v2 host these tests do not apply (test/integration/cgroups/cgroup-v2.test.ts does).
const mode = detectCgroupMode()
const applies = notApplicable(mode === 'v2' ? 'this host is cgroup v2 only; cgroup-v2.test.ts covers it' : null)
const host = applies.skip ? applies : hostSkip(await whyCannotCgroupV1())
requireHost(host)

describe.skipIf(host.skip)(host.title('CgroupV1 on the real kernel'), () => {
  let seq = 0
  const leaves: Cgroup[] = []
  const children: ChildProcess[] = []

  async function create(limits: Parameters<CgroupV1['create']>[1], name = cgroupName(seq++)): Promise<Cgroup> {
    const manager = await detectCgroups()
    const cgroup = await manager.create(name, limits)
    leaves.push(cgroup)
    return cgroup
  }

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL')
    for (const leaf of leaves.splice(0)) await leaf.destroy()
  })

  it('writes the limits into the kernel, accounts a real process, then kills it and removes every directory', async () => {
    const manager = (await detectCgroups()) as CgroupV1
    const cgroup = await create({ memoryBytes: 64 * 1024 * 1024, cpuCores: 0.5, pids: 32 })
    const kernel = (controller: 'memory' | 'cpu' | 'pids', file: string) =>
      readFileSync(`${manager.hierarchies[controller]}/islet/${cgroup.name}/${file}`, 'utf8').trim()
    expect(kernel('memory', 'memory.limit_in_bytes')).toBe(String(64 * 1024 * 1024))
    if (existsSync(`${manager.hierarchies.memory}/islet/memory.memsw.limit_in_bytes`)) {
      expect(kernel('memory', 'memory.memsw.limit_in_bytes')).toBe(String(64 * 1024 * 1024))
    }
    expect(kernel('cpu', 'cpu.cfs_period_us')).toBe('100000')
    expect(kernel('cpu', 'cpu.cfs_quota_us')).toBe('50000')
    expect(kernel('pids', 'pids.max')).toBe('32')

    // Buffering 4 MB of zeros charges memory to the cgroup before the process settles.
    const { child, exited, go } = spawnWaiting('head -c 4000000 /dev/zero | tail -n 1 > /dev/null; sleep 30')
    children.push(child)
    enter(cgroup, child.pid!)
    go()
    await expect.poll(async () => (await cgroup.stats()).memoryPeakBytes, { timeout: 5000 }).toBeGreaterThan(4_000_000)
    const membership = readFileSync(`/proc/${child.pid}/cgroup`, 'utf8')
    for (const controller of ['memory', 'cpu', 'cpuacct', 'pids']) {
      expect(membership).toMatch(new RegExp(`^\\d+:${controller}:/islet/${cgroup.name}$`, 'm'))
    }

    const stats = await cgroup.stats()
    expect(stats.memoryPeakSource).toBe('memory.max_usage_in_bytes')
    expect(stats).toMatchObject({ oomKilled: false, oomKills: 0, pidsLimitHits: 0 })
    expect(stats.cpuUsageUsec).toBeGreaterThanOrEqual(0)
    expect(stats.cpuThrottledUsec).toBeGreaterThanOrEqual(0)
    expect(stats.pidsPeak === null || stats.pidsPeak >= 1).toBe(true)

    await cgroup.destroy()
    expect(await exited).toBe('SIGKILL')
    for (const directory of cgroup.directories) expect(existsSync(directory)).toBe(false)
    await cgroup.destroy() // idempotent
  })

  it('counts forks refused by the pids limit', async () => {
    const cgroup = await create({ pids: 3 })
    const { child, exited, go } = spawnWaiting('for i in 1 2 3 4 5 6; do sleep 30 & done; wait')
    children.push(child)
    enter(cgroup, child.pid!)
    go()
    await expect.poll(async () => (await cgroup.stats()).pidsLimitHits, { timeout: 5000 }).toBeGreaterThan(0)
    const stats = await cgroup.stats()
    if (stats.pidsPeak !== null) expect(stats.pidsPeak).toBe(3)
    await cgroup.killAll()
    await exited
  })

  it('reports an OOM kill inside the cgroup', async () => {
    const cgroup = await create({ memoryBytes: 16 * 1024 * 1024 })
    // tail -n 1 buffers a whole "line" of zeros in memory until the OOM killer ends it.
    const { child, exited, go } = spawnWaiting('head -c 200000000 /dev/zero | tail -n 1 > /dev/null')
    children.push(child)
    enter(cgroup, child.pid!)
    go()
    await exited
    await expect.poll(async () => (await cgroup.stats()).oomKills, { timeout: 5000 }).toBeGreaterThan(0)
    const stats = await cgroup.stats()
    expect(stats.oomKilled).toBe(true)
    expect(stats.memoryPeakBytes).toBeLessThanOrEqual(16 * 1024 * 1024)
  })

  it('removes every directory it made when the kernel rejects a limit', async () => {
    const manager = (await detectCgroups()) as CgroupV1
    const name = cgroupName(seq++)
    // A quota above the kernel's maximum (about 2^44 µs) gets EINVAL from cpu.cfs_quota_us.
    const error = await manager.create(name, { memoryBytes: 1 << 24, cpuCores: 1e9 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IsletError)
    expect((error as IsletError).shortMessage).toMatch(/cpu\.cfs_quota_us: .*\(EINVAL\)$/)
    for (const mount of new Set(Object.values(manager.hierarchies))) {
      expect(existsSync(`${mount}/islet/${name}`)).toBe(false)
    }
  })

  it('cleanupStale removes a dead owner\'s leaf with its processes and keeps live ones', async () => {
    const manager = await detectCgroups()
    // pid 99999999 is above any pid_max, so its owner is dead; the leaf is made as a crashed run would leave it.
    const stale = await create({ pids: 8 }, `99999999-1-${seq++}`)
    const live = await create({})
    const { child, exited, go } = spawnWaiting('sleep 30')
    children.push(child)
    enter(stale, child.pid!)
    go()
    const removed = await manager.cleanupStale()
    expect(removed).toContain(stale.name)
    expect(removed).not.toContain(live.name)
    expect(await exited).toBe('SIGKILL')
    for (const directory of stale.directories) expect(existsSync(directory)).toBe(false)
    for (const directory of live.directories) expect(existsSync(directory)).toBe(true)
  })
})
