import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CheckResult } from '../../../src/doctor/check.js'
import { runDoctor } from '../../../src/doctor/run-doctor.js'
import { checkAppArmorUserns, checkMaxUserNamespaces, checkRootless, checkSubordinateIds, checkUnprivilegedUsernsClone } from '../../../src/doctor/userns-checks.js'
import { makeFakeHost, type FakeHost } from './fake-host.js'

const ALICE = { euid: 1000 }

describe('user namespace checks', () => {
  let host: FakeHost
  beforeEach(() => {
    host = makeFakeHost()
  })
  afterEach(() => host.cleanup())

  describe('AppArmor restriction (Ubuntu 23.10+)', () => {
    beforeEach(() => host.write('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', '1\n'))

    it('blocks a non-root user, naming the sysctl and the profile alternative', async () => {
      const row = (await checkAppArmorUserns(host.view(ALICE))) as CheckResult
      expect(row.status).toBe('fail')
      expect(row.detail).toContain('apparmor_restrict_unprivileged_userns = 1')
      expect(row.fix).toContain('sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0')
      expect(row.fix).toContain('userns')
      const rootless = (await checkRootless(host.view(ALICE))) as CheckResult
      expect(rootless.status).toBe('fail')
      expect(rootless.detail).toContain('AppArmor')
    })

    it('is only a warning as root, and islet can still run', async () => {
      const row = (await checkAppArmorUserns(host.view())) as CheckResult
      expect(row.status).toBe('warn')
      expect(row.detail).toContain('no effect as root')
      expect((await runDoctor(host.view())).canRun).toBe(true)
    })

    it('is ok when the sysctl is 0 or absent', async () => {
      host.write('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', '0\n')
      expect(((await checkAppArmorUserns(host.view(ALICE))) as CheckResult).status).toBe('ok')
      host.remove('/proc/sys/kernel/apparmor_restrict_unprivileged_userns')
      expect(((await checkAppArmorUserns(host.view(ALICE))) as CheckResult).status).toBe('ok')
    })
  })

  it('max_user_namespaces = 0 blocks a non-root user with the sysctl that fixes it', async () => {
    host.write('/proc/sys/user/max_user_namespaces', '0\n')
    const row = (await checkMaxUserNamespaces(host.view(ALICE))) as CheckResult
    expect(row).toMatchObject({ id: 'userns-max', status: 'fail', fix: 'sudo sysctl user.max_user_namespaces=15000' })
    expect(((await checkRootless(host.view(ALICE))) as CheckResult).detail).toContain('max_user_namespaces is 0')
    expect(((await checkMaxUserNamespaces(host.view())) as CheckResult).status).toBe('warn')
  })

  it('a kernel without user namespaces (/proc/self/ns/user missing) blocks rootless', async () => {
    host.remove('/proc/self/ns/user')
    const row = (await checkMaxUserNamespaces(host.view(ALICE))) as CheckResult
    expect(row.status).toBe('fail')
    expect(row.detail).toContain('CONFIG_USER_NS')
  })

  it('unprivileged_userns_clone = 0 (Debian) blocks a non-root user with the sysctl that fixes it', async () => {
    host.write('/proc/sys/kernel/unprivileged_userns_clone', '0\n')
    const row = (await checkUnprivilegedUsernsClone(host.view(ALICE))) as CheckResult
    expect(row).toMatchObject({ id: 'userns-clone', status: 'fail', fix: 'sudo sysctl kernel.unprivileged_userns_clone=1' })
    expect(((await checkRootless(host.view(ALICE))) as CheckResult).status).toBe('fail')
    host.write('/proc/sys/kernel/unprivileged_userns_clone', '1\n')
    expect(((await checkUnprivilegedUsernsClone(host.view(ALICE))) as CheckResult).status).toBe('ok')
  })

  it('rootless is skipped as root and ok for a non-root user on an open host', async () => {
    expect(((await checkRootless(host.view())) as CheckResult).status).toBe('skip')
    expect(((await checkRootless(host.view(ALICE))) as CheckResult).status).toBe('ok')
  })

  describe('newuidmap and /etc/subuid', () => {
    it('warns, naming what is missing and the user, when neither tools nor ranges exist', async () => {
      const row = (await checkSubordinateIds(host.view(ALICE))) as CheckResult
      expect(row.status).toBe('warn')
      expect(row.detail).toContain('newuidmap not on PATH')
      expect(row.detail).toContain('no /etc/subuid entry for alice')
      expect(row.fix).toContain('usermod --add-subuids 100000-165535 --add-subgids 100000-165535 alice')
    })

    it('is ok with both tools on PATH and ranges by name or by uid', async () => {
      host.write('/usr/bin/newuidmap', '')
      host.write('/usr/bin/newgidmap', '')
      const { chmodSync } = await import('node:fs')
      chmodSync(`${host.root}/usr/bin/newuidmap`, 0o755)
      chmodSync(`${host.root}/usr/bin/newgidmap`, 0o755)
      host.write('/etc/subuid', 'alice:100000:65536\n')
      host.write('/etc/subgid', '1000:100000:65536\n')
      expect(((await checkSubordinateIds(host.view(ALICE))) as CheckResult).status).toBe('ok')
    })

    it('is skipped as root', async () => {
      expect(((await checkSubordinateIds(host.view())) as CheckResult).status).toBe('skip')
    })
  })
})
