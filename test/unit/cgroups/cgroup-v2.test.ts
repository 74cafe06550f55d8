import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CgroupV2 } from '../../../src/cgroups/v2/cgroup-v2.js'
import { IsletError } from '../../../src/errors.js'
import { dropInterfaceFiles, layOut, makeTempRoot, removeTempRoot } from './fake-root.js'

const NAME = '100-200-0'
const ALL_CONTROLLERS = 'cpuset cpu io memory hugetlb pids rdma misc\n'

describe('CgroupV2 on a fake cgroupfs', () => {
  let root: string
  let mount: string
  const read = (...path: string[]) => readFileSync(join(mount, ...path), 'utf8')

  beforeEach(() => {
    root = makeTempRoot()
    mount = join(root, 'sys/fs/cgroup')
    layOut(mount, { 'cgroup.controllers': ALL_CONTROLLERS, 'cgroup.subtree_control': 'cpu io memory pids\n' })
  })
  afterEach(() => removeTempRoot(root))

  it('enables the controllers in islet/, creates the leaf and writes the limits', async () => {
    // islet's parent offers memory.swap.max when swap accounting is on; islet probes it there.
    layOut(join(mount, 'islet'), { 'memory.swap.max': 'max\n' })
    const cgroup = await new CgroupV2(mount).create(NAME, { memoryBytes: 268435456, cpuCores: 0.5, pids: 64 })
    expect(read('islet', 'cgroup.subtree_control')).toBe('+memory +cpu +pids +io')
    expect(cgroup.directories).toEqual([join(mount, 'islet', NAME)])
    expect(cgroup.procsFiles).toEqual([join(mount, 'islet', NAME, 'cgroup.procs')])
    expect(read('islet', NAME, 'memory.max')).toBe('268435456')
    expect(read('islet', NAME, 'memory.swap.max')).toBe('0')
    expect(read('islet', NAME, 'cpu.max')).toBe('50000 100000')
    expect(read('islet', NAME, 'pids.max')).toBe('64')
  })

  it('enables io only when the root passes it down, and skips swap.max without swap accounting', async () => {
    writeFileSync(join(mount, 'cgroup.subtree_control'), 'cpu memory pids\n')
    await new CgroupV2(mount).create(NAME, { memoryBytes: 1 << 20 })
    expect(read('islet', 'cgroup.subtree_control')).toBe('+memory +cpu +pids')
    expect(existsSync(join(mount, 'islet', NAME, 'memory.swap.max'))).toBe(false)
  })

  it('does not rewrite islet/cgroup.subtree_control when the controllers are already on', async () => {
    layOut(join(mount, 'islet'), { 'cgroup.subtree_control': 'cpu io memory pids\n' })
    await new CgroupV2(mount).create(NAME, {})
    expect(read('islet', 'cgroup.subtree_control')).toBe('cpu io memory pids\n')
  })

  it('never writes the root: a missing controller there fails with the exact command', async () => {
    writeFileSync(join(mount, 'cgroup.subtree_control'), 'memory\n')
    const error = await new CgroupV2(mount).create(NAME, {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IsletError)
    expect(error).toMatchObject({ code: 'ERR_ISLET_CGROUP', path: join(mount, 'cgroup.subtree_control') })
    expect((error as IsletError).shortMessage).toBe(
      `cgroup2 root ${mount} does not delegate cpu, pids to its children (cgroup.subtree_control: memory)`,
    )
    expect((error as IsletError).hint).toContain(`echo "+cpu +pids" > ${mount}/cgroup.subtree_control`)
    expect(read('cgroup.subtree_control')).toBe('memory\n')
    expect(existsSync(join(mount, 'islet'))).toBe(false)
  })

  it('says when the kernel offers no such controller on cgroup2 at all', async () => {
    writeFileSync(join(mount, 'cgroup.controllers'), 'cpu pids\n')
    writeFileSync(join(mount, 'cgroup.subtree_control'), 'cpu pids\n')
    await expect(new CgroupV2(mount).create(NAME, {})).rejects.toMatchObject({
      code: 'ERR_ISLET_HOST',
      shortMessage: expect.stringContaining('does not offer the memory controller'),
    })
  })

  it('reads stats from memory.peak, memory.events, cpu.stat and pids.*', async () => {
    const cgroup = await new CgroupV2(mount).create(NAME, {})
    layOut(cgroup.directories[0]!, {
      'memory.peak': '104857600\n',
      'memory.events': 'low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\noom_group_kill 0\n',
      'cpu.stat': 'usage_usec 250000\nuser_usec 200000\nsystem_usec 50000\nnr_periods 10\nnr_throttled 3\nthrottled_usec 4200\n',
      'pids.peak': '9\n',
      'pids.events': 'max 0\n',
    })
    expect(await cgroup.stats()).toEqual({
      oomKilled: true,
      oomKills: 1,
      memoryPeakBytes: 104857600,
      memoryPeakSource: 'memory.peak',
      cpuUsageUsec: 250000,
      cpuThrottledUsec: 4200,
      pidsPeak: 9,
      pidsLimitHits: 0,
    })
  })

  it('reports a missing memory.peak as null with no source, so the engine falls back and says so', async () => {
    const cgroup = await new CgroupV2(mount).create(NAME, {})
    layOut(cgroup.directories[0]!, { 'memory.events': 'oom 0\noom_kill 0\n' })
    const stats = await cgroup.stats()
    expect(stats).toMatchObject({ memoryPeakBytes: null, memoryPeakSource: null, oomKilled: false, oomKills: 0 })
    expect(stats.cpuUsageUsec).toBeNull()
    expect(stats.pidsPeak).toBeNull()
  })

  it('kills through cgroup.kill when the kernel has it', async () => {
    const cgroup = await new CgroupV2(mount).create(NAME, {})
    layOut(cgroup.directories[0]!, { 'cgroup.kill': '', 'cgroup.procs': '' })
    await cgroup.killAll()
    expect(read('islet', NAME, 'cgroup.kill')).toBe('1')
  })

  it('kills each pid without cgroup.kill (before 5.14), then removes the leaf', async () => {
    const cgroup = await new CgroupV2(mount).create(NAME, {})
    const child = spawn('sleep', ['30'], { stdio: 'ignore' })
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    writeFileSync(cgroup.procsFiles[0]!, `${child.pid}\n`)
    child.on('exit', () => writeFileSync(cgroup.procsFiles[0]!, '')) // play the kernel
    await cgroup.destroy().catch(() => undefined) // rmdir fails on a fake until its files are gone
    expect(await exited).toBe('SIGKILL')
    dropInterfaceFiles(cgroup.directories[0]!)
    await cgroup.destroy()
    expect(existsSync(cgroup.directories[0]!)).toBe(false)
    expect(existsSync(join(mount, 'islet'))).toBe(true)
  })

  it('cleanupStale removes dead owners\' leaves only', async () => {
    for (const name of ['1-1-0', '2-2-0', 'user.slice']) layOut(join(mount, 'islet', name))
    const removed = await new CgroupV2(mount).cleanupStale((name) => name !== '1-1-0')
    expect(removed).toEqual(['1-1-0'])
    expect(existsSync(join(mount, 'islet', '1-1-0'))).toBe(false)
    expect(existsSync(join(mount, 'islet', '2-2-0'))).toBe(true)
    expect(existsSync(join(mount, 'islet', 'user.slice'))).toBe(true)
  })

  it('describes itself for errors and doctor', () => {
    expect(new CgroupV2(mount).describe()).toBe(`cgroup v2 (${mount}; parent islet)`)
  })
})
