/** The kernel itself, overlayfs, and who islet runs as. */
import { MIN_KERNEL_FOR_USERNS_OVERLAY } from '../rootless/userns-facts.js'
import { isRoot, result, type Check, type CheckResult } from './check.js'
import type { HostView } from './host-view.js'

/** Overlayfs inside a user namespace (what rootless mode mounts) arrived in Linux 5.11: the engine's own constant. */
export const ROOTLESS_MIN_KERNEL = MIN_KERNEL_FOR_USERNS_OVERLAY

/** [major, minor] of a release string such as "6.8.0-45-generic", or null. */
export function parseKernelVersion(release: string): [number, number] | null {
  const match = /^(\d+)\.(\d+)/.exec(release.trim())
  return match ? [Number(match[1]), Number(match[2])] : null
}

function atLeast(version: readonly [number, number], minimum: readonly [number, number]): boolean {
  return version[0] > minimum[0] || (version[0] === minimum[0] && version[1] >= minimum[1])
}

export function kernelRelease(view: HostView): string | null {
  return view.readFile('/proc/sys/kernel/osrelease')?.trim() || null
}

/** Whether this kernel is too old for rootless overlay mounts; null when unknown. */
export function kernelTooOldForRootless(view: HostView): boolean | null {
  const release = kernelRelease(view)
  const version = release === null ? null : parseKernelVersion(release)
  return version === null ? null : !atLeast(version, ROOTLESS_MIN_KERNEL)
}

export const checkPlatform = (view: HostView): CheckResult =>
  view.platform === 'linux'
    ? result('platform', 'Linux', 'ok', 'linux')
    : result('platform', 'Linux', 'fail', `this is ${view.platform}; islet needs Linux namespaces, cgroups and overlayfs`, 'run on Linux (a VM or a CI runner), or use the Vitest pool with islet({ fallback: \'forks\' })')

export const checkKernel: Check = (view) => {
  const title = 'kernel version'
  const release = kernelRelease(view)
  const version = release === null ? null : parseKernelVersion(release)
  if (release === null || version === null) {
    return result('kernel', title, 'warn', `cannot read the kernel release from /proc/sys/kernel/osrelease (${release === null ? 'missing' : JSON.stringify(release)})`, 'check that /proc is mounted')
  }
  const minimum = ROOTLESS_MIN_KERNEL.join('.')
  if (atLeast(version, ROOTLESS_MIN_KERNEL)) return result('kernel', title, 'ok', release)
  if (isRoot(view)) return result('kernel', title, 'ok', `${release} (rootless mode would need ${minimum}+, not needed as root)`)
  return result('kernel', title, 'fail', `${release}: overlayfs in a user namespace, which rootless mode needs, arrived in Linux ${minimum}`, `run islet as root (sudo), or upgrade the kernel to ${minimum} or later`)
}

export const checkPrivileges: Check = (view) => {
  const title = 'running as root'
  if (isRoot(view)) return result('privileges', title, 'ok', 'euid 0')
  if (view.isolationRefusal !== null) {
    return result('privileges', title, 'fail', `euid ${view.euid}: ${view.isolationRefusal}`, 'run islet as root (sudo), or in the Vitest pool use islet({ fallback: \'forks\' }) to run without isolation')
  }
  return result('privileges', title, 'ok', `euid ${view.euid}: rootless mode (user namespaces, see "rootless" below)`)
}

/** overlay is listed once its module is loaded; as root, the first mount loads it. */
export const checkOverlay: Check = (view) => {
  const title = 'overlayfs'
  const filesystems = view.readFile('/proc/filesystems') ?? ''
  if (filesystems.split('\n').some((line) => line.trim().split(/\s+/).pop() === 'overlay')) {
    return result('overlayfs', title, 'ok', 'overlay in /proc/filesystems')
  }
  const release = kernelRelease(view)
  const module = release === null ? null : `/lib/modules/${release}/kernel/fs/overlayfs`
  if (module !== null && view.exists(module) && isRoot(view)) {
    return result('overlayfs', title, 'warn', `overlay is not in /proc/filesystems, but its module is at ${module}; the first mount as root loads it`, 'sudo modprobe overlay')
  }
  return result('overlayfs', title, 'fail', 'overlay is not in /proc/filesystems: this kernel has no overlayfs loaded, and islet builds every container root from it', module !== null && view.exists(module) ? 'sudo modprobe overlay (and add "overlay" to /etc/modules-load.d/ to keep it)' : 'sudo modprobe overlay; if that fails, use a kernel built with CONFIG_OVERLAY_FS')
}
