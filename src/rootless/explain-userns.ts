/**
 * Turns "this user cannot have a user namespace" into the sysctl that says so and
 * the command that changes it. The launcher only reports the errno of its clone();
 * the facts come from ./userns-facts.ts.
 */
import { USERNS_SYSCTLS, kernelSupportsUsernsOverlay, MIN_KERNEL_FOR_USERNS_OVERLAY, type UsernsFacts } from './userns-facts.js'

export interface Blocker {
  /** What stops rootless mode, with the value that stops it. */
  reason: string
  /** How to change it. */
  hint: string
}

const ROOT_ALTERNATIVE = 'or run islet as root'

/**
 * Settings that forbid rootless mode outright, found before anything is started.
 * AppArmor's restriction is not one of them: a profile may allow islet, so it is
 * only named when clone() actually failed (see explainCloneFailure).
 */
export function rootlessBlocker(facts: UsernsFacts): Blocker | null {
  if (facts.maxUserNamespaces === 0) {
    const s = USERNS_SYSCTLS.maxUserNamespaces
    return {
      reason: `user namespaces are disabled on this host (${s.name} = 0, ${s.file})`,
      hint: `allow them as root with \`sysctl -w ${s.name}=15000\` (persist it in /etc/sysctl.d/), ${ROOT_ALTERNATIVE}`,
    }
  }
  if (facts.unprivilegedUsernsClone === 0) {
    const s = USERNS_SYSCTLS.unprivilegedUsernsClone
    return {
      reason: `this kernel forbids user namespaces to ordinary users (${s.name} = 0, ${s.file})`,
      hint: `allow them as root with \`sysctl -w ${s.name}=1\` (persist it in /etc/sysctl.d/), ${ROOT_ALTERNATIVE}`,
    }
  }
  if (!kernelSupportsUsernsOverlay(facts.kernelRelease)) {
    const [major, minor] = MIN_KERNEL_FOR_USERNS_OVERLAY
    return {
      reason: `rootless mode needs overlayfs in a user namespace, which Linux ${major}.${minor} added; this kernel is ${facts.kernelRelease}`,
      hint: `upgrade the kernel to ${major}.${minor} or later, ${ROOT_ALTERNATIVE}`,
    }
  }
  return null
}

/** Recognises the launcher's error line for a failed clone(CLONE_NEWUSER) and its errno name. */
export function cloneUsernsErrno(message: string): string | null {
  if (!/^clone \(new user,/.test(message)) return null
  const match = /\((E[A-Z0-9]+)\)\s*$/.exec(message)
  return match ? match[1] : null
}

/**
 * The hint for a launcher error line, when it is a failed clone(CLONE_NEWUSER):
 * names the sysctl behind EPERM/EACCES/ENOSPC with its value. null for any other error.
 */
export function explainCloneFailure(message: string, facts: UsernsFacts): string | null {
  const errno = cloneUsernsErrno(message)
  if (!errno) return null
  const blocker = rootlessBlocker(facts)
  if (blocker && (errno === 'EPERM' || errno === 'ENOSPC' || errno === 'EACCES')) return `${blocker.reason}; ${blocker.hint}`
  if (errno === 'ENOSPC' || errno === 'EUSERS') {
    const s = USERNS_SYSCTLS.maxUserNamespaces
    return `the limit on user namespaces was reached (${s.name} = ${facts.maxUserNamespaces ?? 'unknown'}): ` +
      `end leftover containers, or raise it as root with \`sysctl -w ${s.name}=<more>\``
  }
  if ((errno === 'EPERM' || errno === 'EACCES') && facts.apparmorRestrict === 1) {
    const s = USERNS_SYSCTLS.apparmorRestrict
    return `AppArmor restricts unprivileged user namespaces (${s.name} = 1, ${s.file}): ` +
      `allow them as root with \`sysctl -w ${s.name}=0\`, or give node an AppArmor profile with \`userns,\` ` +
      `(see /etc/apparmor.d/ on Ubuntu 23.10+), ${ROOT_ALTERNATIVE}`
  }
  if (errno === 'EPERM' || errno === 'EACCES') {
    return 'the kernel refused a user namespace to this user although the usual sysctls allow it ' +
      `(${USERNS_SYSCTLS.maxUserNamespaces.name} = ${facts.maxUserNamespaces ?? 'absent'}): ` +
      'a seccomp filter (e.g. docker\'s default profile) or an LSM may block clone(CLONE_NEWUSER); ' +
      `run on the host, with --security-opt seccomp=unconfined, ${ROOT_ALTERNATIVE}`
  }
  if (errno === 'EINVAL') return 'this kernel does not support user namespaces (CONFIG_USER_NS); run islet as root'
  return null
}
