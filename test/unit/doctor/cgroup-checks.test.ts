import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkCapabilities, checkCgroupControllers, checkCgroupFs, checkCgroupMode, checkContainer } from '../../../src/doctor/cgroup-checks.js'
import type { CheckResult } from '../../../src/doctor/check.js'
import { NESTED_FIX } from '../../../src/doctor/container.js'
import { runDoctor } from '../../../src/doctor/run-doctor.js'
import { DOCKER_DEFAULT_CAPS, makeFakeHost, NESTED_NO_CGROUP_MOUNTINFO, NESTED_READ_ONLY_MOUNTINFO, V2_MOUNTINFO, type FakeHost } from './fake-host.js'

async function rows(result: CheckResult | CheckResult[] | Promise<CheckResult | CheckResult[]>): Promise<CheckResult[]> {
  const found = await result
  return Array.isArray(found) ? found : [found]
}

function byId(list: CheckResult[], id: string): CheckResult {
  const row = list.find((r) => r.id === id)
  if (!row) throw new Error(`no row ${id} in ${list.map((r) => r.id).join(', ')}`)
  return row
}

describe('cgroup checks', () => {
  let host: FakeHost
  beforeEach(() => {
    host = makeFakeHost()
  })
  afterEach(() => host.cleanup())

  describe('cgroup v1 (hybrid host) as root', () => {
    it('probes each hierarchy with islet/doctor-<pid> and leaves nothing behind', async () => {
      const list = await rows(checkCgroupControllers(host.view()))
      expect(list.map((r) => [r.id, r.status])).toEqual([
        ['cgroup-memory', 'ok'], ['cgroup-cpu', 'ok'], ['cgroup-cpuacct', 'ok'], ['cgroup-pids', 'ok'],
      ])
      expect(byId(list, 'cgroup-memory').detail).toBe('writable: created and removed /sys/fs/cgroup/memory/islet/doctor-4242')
      // islet/ did not exist before, so the probe removed it too.
      expect(existsSync(join(host.root, 'sys/fs/cgroup/memory/islet'))).toBe(false)
    })

    it('keeps an islet/ parent that existed before', async () => {
      mkdirSync(join(host.root, 'sys/fs/cgroup/memory/islet'))
      await rows(checkCgroupControllers(host.view()))
      expect(existsSync(join(host.root, 'sys/fs/cgroup/memory/islet'))).toBe(true)
      expect(existsSync(join(host.root, 'sys/fs/cgroup/memory/islet/doctor-4242'))).toBe(false)
    })

    it('fails on an unwritable memory hierarchy, warns on the others', async () => {
      const view = { ...host.view(), probeCgroup: () => 'read-only file system (EROFS)' }
      const list = await rows(checkCgroupControllers(view))
      expect(byId(list, 'cgroup-memory')).toMatchObject({ status: 'fail' })
      expect(byId(list, 'cgroup-memory').detail).toContain('EROFS')
      expect(byId(list, 'cgroup-pids').status).toBe('warn')
    })

    it('says the mode and the backend islet picks', async () => {
      const row = (await checkCgroupMode(host.view())) as CheckResult
      expect(row.status).toBe('ok')
      expect(row.detail).toMatch(/^hybrid: islet uses cgroup v1 \(memory at \/sys\/fs\/cgroup\/memory/)
    })
  })

  it('only warns for a non-root user on cgroup v1: no delegation there', async () => {
    const view = { ...host.view({ euid: 1000 }), probeCgroup: () => 'permission denied (EACCES)' }
    const list = await rows(checkCgroupControllers(view))
    expect(list.every((r) => r.status === 'warn')).toBe(true)
    expect(byId(list, 'cgroup-memory').fix).toContain('not delegated')
  })

  describe('cgroup v2', () => {
    beforeEach(() => {
      host.write('/proc/self/mountinfo', V2_MOUNTINFO)
      host.write('/sys/fs/cgroup/cgroup.controllers', 'cpuset cpu io memory hugetlb pids\n')
      host.write('/sys/fs/cgroup/cgroup.subtree_control', 'cpu io memory pids\n')
    })

    it('is ok as root when the root cgroup offers and enables memory, cpu and pids', async () => {
      const list = await rows(checkCgroupControllers(host.view()))
      expect(list.map((r) => [r.id, r.status])).toEqual([['cgroup-memory', 'ok'], ['cgroup-cpu', 'ok'], ['cgroup-pids', 'ok']])
      expect(existsSync(join(host.root, 'sys/fs/cgroup/islet'))).toBe(false)
    })

    it('fails with the echo that enables a controller missing from subtree_control', async () => {
      host.write('/sys/fs/cgroup/cgroup.subtree_control', 'cpu memory\n')
      const row = byId(await rows(checkCgroupControllers(host.view())), 'cgroup-pids')
      expect(row.status).toBe('fail')
      expect(row.fix).toContain('echo "+pids" | sudo tee /sys/fs/cgroup/cgroup.subtree_control')
    })

    it('fails the mode when cgroup2 lacks memory, and skips the controllers', async () => {
      host.write('/sys/fs/cgroup/cgroup.controllers', 'cpu pids\n')
      expect(((await checkCgroupMode(host.view())) as CheckResult).status).toBe('fail')
      expect(await rows(checkCgroupControllers(host.view()))).toMatchObject([{ id: 'cgroup-controllers', status: 'skip' }])
    })

    describe('delegation to a non-root user', () => {
      const own = '/user.slice/user-1000.slice/user@1000.service'
      beforeEach(() => {
        host.write('/proc/self/cgroup', `0::${own}\n`)
        host.write(`/sys/fs/cgroup${own}/cgroup.controllers`, 'cpu memory pids\n')
      })

      it('is ok when the own cgroup is writable and offers the controllers', async () => {
        const view = { ...host.view({ euid: 1000 }), isWritable: (file: string) => file === `/sys/fs/cgroup${own}` }
        const list = await rows(checkCgroupControllers(view))
        expect(list.every((r) => r.status === 'ok')).toBe(true)
        expect(list[0]!.detail).toContain(`/sys/fs/cgroup${own} is writable`)
      })

      it('warns with the systemd Delegate= fix when it is not writable', async () => {
        const view = { ...host.view({ euid: 1000 }), isWritable: () => false }
        const row = byId(await rows(checkCgroupControllers(view)), 'cgroup-memory')
        expect(row.status).toBe('warn')
        expect(row.fix).toContain('Delegate=cpu cpuset io memory pids')
      })

      it('warns when a controller is not delegated', async () => {
        host.write(`/sys/fs/cgroup${own}/cgroup.controllers`, 'memory pids\n')
        const view = { ...host.view({ euid: 1000 }), isWritable: () => true }
        expect(byId(await rows(checkCgroupControllers(view)), 'cgroup-cpu').status).toBe('warn')
      })
    })
  })

  describe('nested in a container', () => {
    beforeEach(() => host.write('/.dockerenv', ''))

    it('without any cgroup mount: explains and names the docker flags', async () => {
      host.write('/proc/self/mountinfo', NESTED_NO_CGROUP_MOUNTINFO)
      host.remove('/sys/fs/cgroup')
      const row = (await checkCgroupFs(host.view())) as CheckResult
      expect(row.status).toBe('fail')
      expect(row.detail).toContain('/sys/fs/cgroup does not exist')
      expect(row.detail).toContain('docker (/.dockerenv exists)')
      expect(row.fix).toBe(NESTED_FIX)
      expect(row.fix).toContain('--privileged --cgroupns=private')
      const report = await runDoctor(host.view())
      expect(report.canRun).toBe(false)
      expect(report.checks.find((c) => c.id === 'cgroup-mode')?.status).toBe('fail')
    })

    it('with a read-only /sys/fs/cgroup: says read-only', async () => {
      host.write('/proc/self/mountinfo', NESTED_READ_ONLY_MOUNTINFO)
      const row = (await checkCgroupFs(host.view())) as CheckResult
      expect(row.status).toBe('fail')
      expect(row.detail).toContain('every cgroup mount is read-only: /sys/fs/cgroup (cgroup2)')
      expect(row.fix).toBe(NESTED_FIX)
    })

    it('recognises the overlay root even without marker files', async () => {
      host.remove('/.dockerenv')
      host.write('/proc/self/mountinfo', NESTED_NO_CGROUP_MOUNTINFO)
      expect(((await checkContainer(host.view())) as CheckResult).detail).toContain('overlay mount')
      expect(((await checkContainer(host.view({ env: { container: 'podman' } }))) as CheckResult).detail).toContain('podman')
    })

    it('root without CAP_SYS_ADMIN fails and says why', async () => {
      host.write('/proc/self/status', `Name:\tnode\nCapEff:\t${DOCKER_DEFAULT_CAPS}\n`)
      const row = (await checkCapabilities(host.view())) as CheckResult
      expect(row.status).toBe('fail')
      expect(row.detail).toContain('without CAP_SYS_ADMIN')
      expect(row.detail).toContain('docker')
      expect(row.fix).toBe(NESTED_FIX)
      expect(((await checkCapabilities(host.view({ euid: 1000 }))) as CheckResult).status).toBe('skip')
    })
  })

  it('the healthy fake host: read-write cgroup mounts and full capabilities', async () => {
    expect(((await checkCgroupFs(host.view())) as CheckResult).status).toBe('ok')
    expect(((await checkCapabilities(host.view())) as CheckResult).status).toBe('ok')
    expect(((await checkContainer(host.view())) as CheckResult).detail).toBe('no container detected')
  })
})
