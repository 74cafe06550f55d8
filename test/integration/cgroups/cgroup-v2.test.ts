/**
 * CgroupV2 against the real kernel: limits land in memory.max, cpu.max and
 * pids.max, a real process is accounted, the OOM shows in memory.events, the
 * peak comes from memory.peak (or is null, never invented), cgroup.kill ends
 * everything, and islet writes no limit outside its own subtree. Our hosts are
 * hybrid (controllers on v1), so this runs in the cgroup2 lane
 * (npm run test:cgroup2); on a v1 host it is not applicable, not skipped.
 */
import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { detectCgroupMode, detectCgroups } from '../../../src/cgroups/detect.js'
import type { Cgroup } from '../../../src/cgroups/manager.js'
import { cgroupName } from '../../../src/cgroups/naming.js'
import type { CgroupV2 } from '../../../src/cgroups/v2/cgroup-v2.js'
import { IsletError } from '../../../src/errors.js'
import { enter, spawnWaiting } from '../../helpers/cgroup-process.js'
import { hostSkip, notApplicable, requireHost, whyNotRoot } from '../../helpers/host.js'

const mode = detectCgroupMode()
const applies = notApplicable(mode === 'v2' ? null : `this host's controllers are on cgroup ${mode === 'hybrid' ? 'v1 (hybrid)' : mode}; npm run test:cgroup2 runs this in a v2 VM`)
const host = applies.skip ? applies : hostSkip(whyNotRoot())
requireHost(host)

describe.skipIf(host.skip)(host.title('CgroupV2 on the real kernel'), () => {
  let seq = 0
  const leaves: Cgroup[] = []
  const children: ChildProcess[] = []

  async function create(limits: Parameters<CgroupV2['create']>[1], name = cgroupName(seq++)): Promise<Cgroup> {
    const cgroup = await (await detectCgroups()).create(name, limits)
    leaves.push(cgroup)
    return cgroup
  }

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL')
    for (const leaf of leaves.splice(0)) await leaf.destroy()
  })

  it('writes the limits into the kernel, only in its own subtree, and accounts a real process', async () => {
    const manager = (await detectCgroups()) as CgroupV2
    expect(manager.version).toBe(2)
    const rootLimits = ['memory.max', 'pids.max'].map((f) => (existsSync(`${manager.mount}/${f}`) ? readFileSync(`${manager.mount}/${f}`, 'utf8') : null))
    const cgroup = await create({ memoryBytes: 64 * 1024 * 1024, cpuCores: 0.5, pids: 32 })
    const kernel = (file: string) => readFileSync(`${manager.mount}/islet/${cgroup.name}/${file}`, 'utf8').trim()
    expect(kernel('memory.max')).toBe(String(64 * 1024 * 1024))
    if (existsSync(`${manager.mount}/islet/${cgroup.name}/memory.swap.max`)) expect(kernel('memory.swap.max')).toBe('0')
    expect(kernel('cpu.max')).toBe('50000 100000')
    expect(kernel('pids.max')).toBe('32')
    // The no-internal-processes rule: islet's parent holds no process and passes the controllers down.
    expect(readFileSync(`${manager.mount}/islet/cgroup.procs`, 'utf8').trim()).toBe('')
    expect(readFileSync(`${manager.mount}/islet/cgroup.subtree_control`, 'utf8')).toMatch(/memory/)
    expect(['memory.max', 'pids.max'].map((f) => (existsSync(`${manager.mount}/${f}`) ? readFileSync(`${manager.mount}/${f}`, 'utf8') : null))).toEqual(rootLimits)

    const { child, exited, go } = spawnWaiting('head -c 4000000 /dev/zero | tail -n 1 > /dev/null; sleep 30')
    children.push(child)
    enter(cgroup, child.pid!)
    go()
    expect(readFileSync(`/proc/${child.pid}/cgroup`, 'utf8')).toContain(`0::/islet/${cgroup.name}`)
    await expect.poll(async () => (await cgroup.stats()).cpuUsageUsec, { timeout: 5000 }).toBeGreaterThan(0)
    const hasPeak = existsSync(`${manager.mount}/islet/${cgroup.name}/memory.peak`)
    if (hasPeak) await expect.poll(async () => (await cgroup.stats()).memoryPeakBytes, { timeout: 5000 }).toBeGreaterThan(4_000_000)
    const stats = await cgroup.stats()
    if (hasPeak) {
      expect(stats.memoryPeakSource).toBe('memory.peak')
    } else {
      expect(stats.memoryPeakBytes).toBeNull()
    }
    expect(stats).toMatchObject({ oomKilled: false, oomKills: 0, pidsLimitHits: 0 })
    await cgroup.destroy()
    expect(await exited).toBe('SIGKILL')
    for (const directory of cgroup.directories) expect(existsSync(directory)).toBe(false)
  })

  it('reports an OOM kill from memory.events', async () => {
    const cgroup = await create({ memoryBytes: 16 * 1024 * 1024 })
    const { child, exited, go } = spawnWaiting('head -c 200000000 /dev/zero | tail -n 1 > /dev/null')
    children.push(child)
    enter(cgroup, child.pid!)
    go()
    await exited
    await expect.poll(async () => (await cgroup.stats()).oomKills, { timeout: 5000 }).toBeGreaterThan(0)
    expect((await cgroup.stats()).oomKilled).toBe(true)
  })

  it('counts forks refused by pids.max', async () => {
    const cgroup = await create({ pids: 3 })
    const { child, exited, go } = spawnWaiting('for i in 1 2 3 4 5 6; do sleep 30 & done; wait')
    children.push(child)
    enter(cgroup, child.pid!)
    go()
    await expect.poll(async () => (await cgroup.stats()).pidsLimitHits, { timeout: 5000 }).toBeGreaterThan(0)
    await cgroup.killAll()
    await exited
  })

  it('removes every directory it made when the kernel rejects a limit', async () => {
    const manager = (await detectCgroups()) as CgroupV2
    const name = cgroupName(seq++)
    const error = await manager.create(name, { memoryBytes: 1 << 24, cpuCores: 1e9 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IsletError)
    expect(existsSync(`${manager.mount}/islet/${name}`)).toBe(false)
  })

  it('cleanupStale kills a dead owner\'s processes with cgroup.kill and removes its leaf', async () => {
    const manager = await detectCgroups()
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
  })
})
