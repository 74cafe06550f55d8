/**
 * User namespaces, which rootless mode is built on, and the knobs distributions
 * use to turn them off for ordinary users. As root islet does not create a user
 * namespace, so a restriction is only a warning there; for a non-root user each
 * one is a blocker, and the "rootless" row sums them up to decide the exit code.
 */
import { isRoot, readSysctl, result, type Check, type CheckResult, type CheckStatus } from './check.js'
import { USERNS_SYSCTLS } from '../rootless/userns-facts.js'
import type { HostView } from './host-view.js'
import { kernelRelease, kernelTooOldForRootless, ROOTLESS_MIN_KERNEL } from './kernel-checks.js'

/** The same sysctl files the engine reads in rootless mode (one list: src/rootless/userns-facts.ts). */
export const APPARMOR_USERNS_SYSCTL = USERNS_SYSCTLS.apparmorRestrict.file
export const MAX_USER_NAMESPACES_SYSCTL = USERNS_SYSCTLS.maxUserNamespaces.file
export const USERNS_CLONE_SYSCTL = USERNS_SYSCTLS.unprivilegedUsernsClone.file

/** Not needed as root, so only a warning; a blocker for everyone else. */
function blockerStatus(view: HostView): CheckStatus {
  return isRoot(view) ? 'warn' : 'fail'
}

function onlyRootless(view: HostView): string {
  return isRoot(view) ? ' (no effect as root; rootless mode would need the fix)' : ''
}

export const checkAppArmorUserns: Check = (view) => {
  const id = 'userns-apparmor'
  const title = 'AppArmor userns restriction'
  const value = readSysctl(view, APPARMOR_USERNS_SYSCTL)
  if (value === null) return result(id, title, 'ok', `not restricted (${APPARMOR_USERNS_SYSCTL} absent)`)
  if (value === 0) return result(id, title, 'ok', `not restricted (${APPARMOR_USERNS_SYSCTL} = 0)`)
  return result(
    id, title, blockerStatus(view),
    `${APPARMOR_USERNS_SYSCTL} = ${value}: AppArmor takes every capability away inside user namespaces that unconfined programs such as node create, so mounts fail${onlyRootless(view)}`,
    'sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0 (keep it with a file in /etc/sysctl.d/), or load an AppArmor profile for node that grants "userns,"',
  )
}

export const checkMaxUserNamespaces: Check = (view) => {
  const id = 'userns-max'
  const title = 'user namespaces enabled'
  if (!view.exists('/proc/self/ns/user')) {
    return result(id, title, blockerStatus(view), `/proc/self/ns/user is missing: this kernel is built without user namespaces (CONFIG_USER_NS)${onlyRootless(view)}`, 'use a kernel built with CONFIG_USER_NS=y, or run islet as root')
  }
  const value = readSysctl(view, MAX_USER_NAMESPACES_SYSCTL)
  if (value === null) return result(id, title, 'ok', `${MAX_USER_NAMESPACES_SYSCTL} absent`)
  if (value > 0) return result(id, title, 'ok', `max_user_namespaces = ${value}`)
  return result(id, title, blockerStatus(view), `${MAX_USER_NAMESPACES_SYSCTL} = 0: nobody may create a user namespace${onlyRootless(view)}`, 'sudo sysctl user.max_user_namespaces=15000')
}

export const checkUnprivilegedUsernsClone: Check = (view) => {
  const id = 'userns-clone'
  const title = 'unprivileged userns clone'
  const value = readSysctl(view, USERNS_CLONE_SYSCTL)
  if (value === null) return result(id, title, 'ok', `allowed (${USERNS_CLONE_SYSCTL} absent, as on upstream kernels)`)
  if (value !== 0) return result(id, title, 'ok', `allowed (unprivileged_userns_clone = ${value})`)
  return result(id, title, blockerStatus(view), `${USERNS_CLONE_SYSCTL} = 0: only root may create user namespaces${onlyRootless(view)}`, 'sudo sysctl kernel.unprivileged_userns_clone=1')
}

/** The login name for euid from /etc/passwd, else $USER / $LOGNAME. */
function userName(view: HostView): string | null {
  for (const line of (view.readFile('/etc/passwd') ?? '').split('\n')) {
    const [name, , uid] = line.split(':')
    if (name && uid === String(view.euid)) return name
  }
  return view.env.USER ?? view.env.LOGNAME ?? null
}

/** Whether `file` (/etc/subuid format "name-or-uid:start:count") has a range for this user. */
function hasSubordinateRange(view: HostView, file: string, user: string | null): boolean {
  return (view.readFile(file) ?? '').split('\n').some((line) => {
    const [owner, , count] = line.trim().split(':')
    return (owner === user || owner === String(view.euid)) && Number(count) > 0
  })
}

/** newuidmap/newgidmap and /etc/subuid ranges: more than one uid inside the container. */
export const checkSubordinateIds: Check = (view) => {
  const id = 'userns-subid'
  const title = 'newuidmap and /etc/subuid'
  if (isRoot(view)) return result(id, title, 'skip', 'not needed as root')
  const user = userName(view)
  const missing = [
    ...['newuidmap', 'newgidmap'].filter((tool) => view.which(tool) === null).map((tool) => `${tool} not on PATH`),
    ...['/etc/subuid', '/etc/subgid'].filter((file) => !hasSubordinateRange(view, file, user)).map((file) => `no ${file} entry for ${user ?? `uid ${view.euid}`}`),
  ]
  if (missing.length === 0) return result(id, title, 'ok', `newuidmap, newgidmap and subordinate ids for ${user ?? `uid ${view.euid}`}`)
  return result(
    id, title, 'warn',
    `${missing.join('; ')}: only your own uid can be mapped into the container`,
    `sudo apt-get install uidmap (or shadow-utils), then sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${user ?? '$USER'}`,
  )
}

/** What stops a non-root user from creating a usable user namespace, one phrase each. */
export function rootlessBlockers(view: HostView): string[] {
  const blockers: string[] = []
  if (!view.exists('/proc/self/ns/user')) blockers.push('no user namespaces in this kernel')
  if ((readSysctl(view, APPARMOR_USERNS_SYSCTL) ?? 0) !== 0) blockers.push('AppArmor restricts unprivileged user namespaces (userns-apparmor)')
  if (readSysctl(view, MAX_USER_NAMESPACES_SYSCTL) === 0) blockers.push('max_user_namespaces is 0 (userns-max)')
  if (readSysctl(view, USERNS_CLONE_SYSCTL) === 0) blockers.push('unprivileged_userns_clone is 0 (userns-clone)')
  if (kernelTooOldForRootless(view)) blockers.push(`kernel ${kernelRelease(view)} is older than ${ROOTLESS_MIN_KERNEL.join('.')} (kernel)`)
  return blockers
}

/** The row that decides, for a non-root user, whether islet can run here. */
export const checkRootless: Check = (view): CheckResult => {
  const id = 'rootless'
  const title = 'rootless: user namespaces usable'
  if (isRoot(view)) return result(id, title, 'skip', 'running as root: no user namespace needed')
  const blockers = rootlessBlockers(view)
  if (blockers.length === 0) return result(id, title, 'ok', `unprivileged user namespaces allowed, kernel ${kernelRelease(view) ?? 'unknown'}`)
  return result(id, title, 'fail', blockers.join('; '), 'apply the fixes of the rows named above, or run islet as root (sudo)')
}
