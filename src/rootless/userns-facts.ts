/**
 * What decides whether an ordinary user may create a user namespace here: the
 * kernel's version and three sysctls. Read from files only (no clone attempt),
 * so a unit test points `root` at a temp dir laid out like /proc.
 */
import fs from 'node:fs'
import os from 'node:os'

/** The sysctl files that can forbid unprivileged user namespaces, by sysctl name. */
export const USERNS_SYSCTLS = {
  maxUserNamespaces: { name: 'user.max_user_namespaces', file: '/proc/sys/user/max_user_namespaces' },
  /** Debian and Ubuntu kernels only; absent elsewhere. */
  unprivilegedUsernsClone: { name: 'kernel.unprivileged_userns_clone', file: '/proc/sys/kernel/unprivileged_userns_clone' },
  /** Ubuntu 23.10+: AppArmor confines unprivileged user namespaces to profiles that allow them. */
  apparmorRestrict: { name: 'kernel.apparmor_restrict_unprivileged_userns', file: '/proc/sys/kernel/apparmor_restrict_unprivileged_userns' },
} as const

/** overlayfs accepts mounts from a user namespace since this release (the `userxattr` option). */
export const MIN_KERNEL_FOR_USERNS_OVERLAY = [5, 11] as const

export interface UsernsFacts {
  /** `uname -r`, e.g. "6.18.44". */
  kernelRelease: string
  /** null where the file does not exist (the sysctl is not in this kernel). */
  maxUserNamespaces: number | null
  unprivilegedUsernsClone: number | null
  apparmorRestrict: number | null
}

function readNumber(file: string): number | null {
  try {
    const value = Number(fs.readFileSync(file, 'utf8').trim())
    return Number.isFinite(value) ? value : null
  } catch {
    return null
  }
}

export function readUsernsFacts(root = '', kernelRelease = os.release()): UsernsFacts {
  return {
    kernelRelease,
    maxUserNamespaces: readNumber(root + USERNS_SYSCTLS.maxUserNamespaces.file),
    unprivilegedUsernsClone: readNumber(root + USERNS_SYSCTLS.unprivilegedUsernsClone.file),
    apparmorRestrict: readNumber(root + USERNS_SYSCTLS.apparmorRestrict.file),
  }
}

/** [major, minor] of a release string like "6.18.44-fc-v857"; null when it does not start with digits. */
export function kernelVersion(release: string): [number, number] | null {
  const match = /^(\d+)\.(\d+)/.exec(release)
  return match ? [Number(match[1]), Number(match[2])] : null
}

export function kernelSupportsUsernsOverlay(release: string): boolean {
  const version = kernelVersion(release)
  if (!version) return true   // unknown: let the mount itself report
  const [major, minor] = MIN_KERNEL_FOR_USERNS_OVERLAY
  return version[0] > major || (version[0] === major && version[1] >= minor)
}
