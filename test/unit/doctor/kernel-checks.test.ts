import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CheckResult } from '../../../src/doctor/check.js'
import { checkKernel, checkOverlay, checkPrivileges, parseKernelVersion } from '../../../src/doctor/kernel-checks.js'
import { checkRootless } from '../../../src/doctor/userns-checks.js'
import { makeFakeHost, type FakeHost } from './fake-host.js'

describe('parseKernelVersion', () => {
  it.each([
    ['6.8.0-45-generic', [6, 8]],
    ['5.11.0', [5, 11]],
    ['4.19.0-26-amd64\n', [4, 19]],
    ['not a kernel', null],
  ])('%j → %j', (release, version) => {
    expect(parseKernelVersion(release)).toEqual(version)
  })
})

describe('kernel, overlayfs and privilege checks', () => {
  let host: FakeHost
  beforeEach(() => {
    host = makeFakeHost()
  })
  afterEach(() => host.cleanup())

  describe('an old kernel (5.4)', () => {
    beforeEach(() => host.write('/proc/sys/kernel/osrelease', '5.4.0-150-generic\n'))

    it('blocks rootless mode: overlay in a user namespace needs 5.11', async () => {
      const row = (await checkKernel(host.view({ euid: 1000 }))) as CheckResult
      expect(row.status).toBe('fail')
      expect(row.detail).toContain('5.11')
      expect(row.fix).toContain('upgrade the kernel')
      expect(((await checkRootless(host.view({ euid: 1000 }))) as CheckResult).detail).toContain('older than 5.11')
    })

    it('is fine as root', async () => {
      const row = (await checkKernel(host.view())) as CheckResult
      expect(row.status).toBe('ok')
      expect(row.detail).toContain('5.4.0-150-generic')
    })
  })

  it('warns when the release cannot be read', async () => {
    host.remove('/proc/sys/kernel/osrelease')
    expect(((await checkKernel(host.view())) as CheckResult).status).toBe('warn')
  })

  it('fails without overlay in /proc/filesystems, and says modprobe', async () => {
    host.write('/proc/filesystems', 'nodev\tsysfs\n\text4\n')
    const row = (await checkOverlay(host.view())) as CheckResult
    expect(row.status).toBe('fail')
    expect(row.fix).toContain('modprobe overlay')
  })

  it('only warns as root when the overlay module exists but is not loaded yet', async () => {
    host.write('/proc/filesystems', 'nodev\tsysfs\n')
    host.write('/lib/modules/6.8.0-45-generic/kernel/fs/overlayfs/overlay.ko', '')
    expect(((await checkOverlay(host.view())) as CheckResult).status).toBe('warn')
    expect(((await checkOverlay(host.view({ euid: 1000 }))) as CheckResult).status).toBe('fail')
  })

  describe('running as root', () => {
    it('is ok with euid 0', async () => {
      expect(await checkPrivileges(host.view())).toMatchObject({ id: 'privileges', status: 'ok', detail: 'euid 0' })
    })

    it('fails for non-root while the engine refuses ordinary users', async () => {
      const row = (await checkPrivileges(host.view({ euid: 1000, isolationRefusal: 'islet needs root for now' }))) as CheckResult
      expect(row.status).toBe('fail')
      expect(row.detail).toContain('islet needs root for now')
      expect(row.fix).toContain('sudo')
    })

    it('is ok for non-root once the engine accepts rootless runs', async () => {
      const row = (await checkPrivileges(host.view({ euid: 1000, isolationRefusal: null }))) as CheckResult
      expect(row.status).toBe('ok')
      expect(row.detail).toContain('rootless')
    })
  })
})
