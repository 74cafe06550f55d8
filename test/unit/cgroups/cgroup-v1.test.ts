import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CgroupV1, type V1Hierarchies } from '../../../src/cgroups/v1/cgroup-v1.js'
import { IsletError } from '../../../src/errors.js'
import { dropInterfaceFiles, layOut, makeTempRoot, removeTempRoot } from './fake-root.js'

const NAME = '100-200-0'

describe('CgroupV1 on a fake cgroupfs', () => {
  let root: string
  let hierarchies: V1Hierarchies
  const file = (controller: keyof V1Hierarchies, name: string) =>
    readFileSync(join(hierarchies[controller]!, 'islet', NAME, name), 'utf8')

  beforeEach(() => {
    root = makeTempRoot()
    hierarchies = {
      memory: join(root, 'memory'),
      cpu: join(root, 'cpu'),
      cpuacct: join(root, 'cpuacct'),
      pids: join(root, 'pids'),
    }
    for (const dir of Object.values(hierarchies)) layOut(dir, { 'cgroup.procs': '' })
  })
  afterEach(() => removeTempRoot(root))

  it('creates islet/<leaf> in every hierarchy and writes the limits', async () => {
    // The kernel offers memsw when swap accounting is on; islet probes its parent for it.
    layOut(join(hierarchies.memory, 'islet'), { 'memory.memsw.limit_in_bytes': '9223372036854771712\n' })
    const cgroup = await new CgroupV1(hierarchies).create(NAME, { memoryBytes: 268435456, cpuCores: 0.5, pids: 64 })
    expect(cgroup.name).toBe(NAME)
    expect(cgroup.directories).toEqual(['memory', 'cpu', 'cpuacct', 'pids'].map((c) => join(root, c, 'islet', NAME)))
    expect(cgroup.procsFiles).toEqual(cgroup.directories.map((d) => `${d}/cgroup.procs`))
    expect(file('memory', 'memory.limit_in_bytes')).toBe('268435456')
    expect(file('memory', 'memory.memsw.limit_in_bytes')).toBe('268435456')
    expect(file('cpu', 'cpu.cfs_period_us')).toBe('100000')
    expect(file('cpu', 'cpu.cfs_quota_us')).toBe('50000')
    expect(file('pids', 'pids.max')).toBe('64')
  })

  it('leaves memsw alone without swap accounting, and writes nothing for unset limits', async () => {
    const cgroup = await new CgroupV1(hierarchies).create(NAME, { memoryBytes: 1 << 20 })
    const leaf = cgroup.directories[0]!
    expect(existsSync(join(leaf, 'memory.memsw.limit_in_bytes'))).toBe(false)
    expect(existsSync(join(hierarchies.cpu!, 'islet', NAME, 'cpu.cfs_quota_us'))).toBe(false)
    expect(existsSync(join(hierarchies.pids!, 'islet', NAME, 'pids.max'))).toBe(false)
  })

  it('uses one directory for co-mounted cpu,cpuacct', async () => {
    const cpu = join(root, 'cpu,cpuacct')
    layOut(cpu)
    const manager = new CgroupV1({ memory: hierarchies.memory, cpu, cpuacct: cpu })
    const cgroup = await manager.create(NAME, { cpuCores: 1 })
    expect(cgroup.directories).toEqual([join(hierarchies.memory, 'islet', NAME), join(cpu, 'islet', NAME)])
    writeFileSync(join(cpu, 'islet', NAME, 'cpuacct.usage'), '2500000\n')
    expect((await cgroup.stats()).cpuUsageUsec).toBe(2500)
  })

  it('reads stats from the named files, converting ns to µs', async () => {
    const cgroup = await new CgroupV1(hierarchies).create(NAME, {})
    const [memory, cpu, cpuacct, pids] = cgroup.directories as [string, string, string, string]
    layOut(memory, { 'memory.max_usage_in_bytes': '52428800\n', 'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n' })
    layOut(cpu, { 'cpu.stat': 'nr_periods 5\nnr_throttled 2\nthrottled_time 7000500\nnr_bursts 0\nburst_time 0\n' })
    layOut(cpuacct, { 'cpuacct.usage': '123456789\n' })
    layOut(pids, { 'pids.peak': '12\n', 'pids.events': 'max 3\n' })
    expect(await cgroup.stats()).toEqual({
      oomKilled: true,
      oomKills: 2,
      memoryPeakBytes: 52428800,
      memoryPeakSource: 'memory.max_usage_in_bytes',
      cpuUsageUsec: 123456,
      cpuThrottledUsec: 7000,
      pidsPeak: 12,
      pidsLimitHits: 3,
    })
  })

  it('reports null for every file the kernel does not offer', async () => {
    const cgroup = await new CgroupV1(hierarchies).create(NAME, {})
    layOut(cgroup.directories[0]!, { 'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\n' }) // kernel < 4.13
    expect(await cgroup.stats()).toEqual({
      oomKilled: null,
      oomKills: null,
      memoryPeakBytes: null,
      memoryPeakSource: null,
      cpuUsageUsec: null,
      cpuThrottledUsec: null,
      pidsPeak: null,
      pidsLimitHits: null,
    })
  })

  it('refuses a limit whose controller is not mounted, before creating anything', async () => {
    const manager = new CgroupV1({ memory: hierarchies.memory })
    await expect(manager.create(NAME, { pids: 10 })).rejects.toMatchObject({
      code: 'ERR_ISLET_CGROUP',
      shortMessage: 'cannot apply pids: no cgroup v1 hierarchy with the pids controller is mounted',
      hint: expect.stringContaining('mount -t cgroup -o pids'),
    })
    expect(existsSync(join(hierarchies.memory, 'islet', NAME))).toBe(false)
  })

  it('removes what it created when a later step fails, and keeps what it did not create', async () => {
    layOut(join(hierarchies.pids!, 'islet', NAME)) // someone else's directory with the same name
    const error = await new CgroupV1(hierarchies).create(NAME, {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IsletError)
    expect((error as IsletError).shortMessage).toContain(`cannot create cgroup ${join(hierarchies.pids!, 'islet', NAME)}`)
    expect((error as IsletError).shortMessage).toContain('(EEXIST)')
    expect((error as Error).cause).toMatchObject({ code: 'EEXIST' })
    for (const c of ['memory', 'cpu', 'cpuacct'] as const) expect(existsSync(join(hierarchies[c]!, 'islet', NAME))).toBe(false)
    expect(existsSync(join(hierarchies.pids!, 'islet', NAME))).toBe(true)
  })

  it('rejects names that would leave the parent and limits the kernel would refuse', async () => {
    const manager = new CgroupV1(hierarchies)
    await expect(manager.create('../escape', {})).rejects.toMatchObject({ code: 'ERR_ISLET_CGROUP' })
    await expect(manager.create(NAME, { memoryBytes: -1 })).rejects.toThrow(/invalid cgroup limit memoryBytes: -1/)
    await expect(manager.create(NAME, { pids: 1.5 })).rejects.toThrow(/pids must be a positive integer/)
    await expect(manager.create(NAME, { cpuCores: 0 })).rejects.toThrow(/cpuCores/)
  })

  it('kills every listed pid, then removes the directories; destroy twice is fine', async () => {
    const cgroup = await new CgroupV1(hierarchies).create(NAME, {})
    const child = spawn('sleep', ['30'], { stdio: 'ignore' })
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    // Play the kernel: the pid is listed until the task exits.
    writeFileSync(cgroup.procsFiles[2]!, `${child.pid}\n`)
    child.on('exit', () => writeFileSync(cgroup.procsFiles[2]!, ''))
    await cgroup.killAll()
    expect(await exited).toBe('SIGKILL')
    for (const dir of cgroup.directories) dropInterfaceFiles(dir)
    await cgroup.destroy()
    for (const dir of cgroup.directories) expect(existsSync(dir)).toBe(false)
    await cgroup.destroy()
  })

  it('cleanupStale removes dead owners\' leaves only, in every hierarchy', async () => {
    for (const dir of Object.values(hierarchies)) {
      for (const name of ['1-1-0', '2-2-0', 'not-ours']) layOut(join(dir, 'islet', name))
    }
    layOut(join(hierarchies.memory, 'islet', '3-3-1')) // present in one hierarchy only (a crash mid-create)
    const dead = new Set(['1-1-0', '3-3-1', 'not-ours'])
    const removed = await new CgroupV1(hierarchies).cleanupStale((name) => !dead.has(name))
    expect(removed).toEqual(['1-1-0', '3-3-1'])
    for (const dir of Object.values(hierarchies)) {
      expect(existsSync(join(dir, 'islet', '1-1-0'))).toBe(false)
      expect(existsSync(join(dir, 'islet', '2-2-0'))).toBe(true)
      expect(existsSync(join(dir, 'islet', 'not-ours'))).toBe(true)
    }
    expect(existsSync(join(hierarchies.memory, 'islet', '3-3-1'))).toBe(false)
  })

  it('cleanupStale finds nothing when islet never ran here', async () => {
    expect(await new CgroupV1(hierarchies).cleanupStale(() => false)).toEqual([])
  })
})
