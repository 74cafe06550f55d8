import { describe, expect, it } from 'vitest'
import { cloneUsernsErrno, explainCloneFailure, rootlessBlocker } from '../../../src/rootless/explain-userns.js'
import type { UsernsFacts } from '../../../src/rootless/userns-facts.js'
import { kernelSupportsUsernsOverlay } from '../../../src/rootless/userns-facts.js'

const OPEN: UsernsFacts = { kernelRelease: '6.18.44', maxUserNamespaces: 96364, unprivilegedUsernsClone: null, apparmorRestrict: null }
const CLONE_EPERM = 'clone (new user, pid, mount, uts, ipc, net namespaces): Operation not permitted (EPERM)'

describe('rootlessBlocker', () => {
  it('finds nothing on an open host', () => {
    expect(rootlessBlocker(OPEN)).toBeNull()
  })

  it('names user.max_user_namespaces=0 and the sysctl that fixes it', () => {
    const blocker = rootlessBlocker({ ...OPEN, maxUserNamespaces: 0 })
    expect(blocker?.reason).toContain('user.max_user_namespaces = 0')
    expect(blocker?.hint).toContain('sysctl -w user.max_user_namespaces=')
  })

  it('names kernel.unprivileged_userns_clone=0', () => {
    expect(rootlessBlocker({ ...OPEN, unprivilegedUsernsClone: 0 })?.hint).toContain('sysctl -w kernel.unprivileged_userns_clone=1')
  })

  it('refuses kernels before 5.11 (no overlayfs in a user namespace)', () => {
    expect(kernelSupportsUsernsOverlay('5.10.0-28-amd64')).toBe(false)
    expect(kernelSupportsUsernsOverlay('5.11.0')).toBe(true)
    expect(rootlessBlocker({ ...OPEN, kernelRelease: '4.19.0' })?.reason).toMatch(/Linux 5\.11.*4\.19\.0/)
  })

  it('does not block on AppArmor alone: a profile may allow islet', () => {
    expect(rootlessBlocker({ ...OPEN, apparmorRestrict: 1 })).toBeNull()
  })
})

describe('explainCloneFailure', () => {
  it('reads the errno from the launcher\'s clone error line only', () => {
    expect(cloneUsernsErrno(CLONE_EPERM)).toBe('EPERM')
    expect(cloneUsernsErrno('clone (new pid, mount, uts, ipc namespaces): Operation not permitted (EPERM)')).toBeNull()
    expect(explainCloneFailure('mount overlay on /: Invalid argument (EINVAL)', OPEN)).toBeNull()
  })

  it('explains EPERM under AppArmor\'s restriction', () => {
    const hint = explainCloneFailure(CLONE_EPERM, { ...OPEN, apparmorRestrict: 1 })
    expect(hint).toContain('kernel.apparmor_restrict_unprivileged_userns = 1')
    expect(hint).toContain('sysctl -w kernel.apparmor_restrict_unprivileged_userns=0')
  })

  it('explains ENOSPC from max_user_namespaces', () => {
    expect(explainCloneFailure(CLONE_EPERM.replace('Operation not permitted (EPERM)', 'No space left on device (ENOSPC)'), { ...OPEN, maxUserNamespaces: 0 }))
      .toContain('user.max_user_namespaces = 0')
    expect(explainCloneFailure(CLONE_EPERM.replace('Operation not permitted (EPERM)', 'No space left on device (ENOSPC)'), OPEN))
      .toContain('limit on user namespaces was reached (user.max_user_namespaces = 96364)')
  })

  it('explains EPERM from kernel.unprivileged_userns_clone, and an EPERM no sysctl explains', () => {
    expect(explainCloneFailure(CLONE_EPERM, { ...OPEN, unprivilegedUsernsClone: 0 })).toContain('kernel.unprivileged_userns_clone = 0')
    expect(explainCloneFailure(CLONE_EPERM, OPEN)).toContain('seccomp')
  })
})
