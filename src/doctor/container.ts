/**
 * Signs that islet itself runs inside a container, and the capability set it
 * was given there. Nested use works only when the outer container hands over
 * a writable cgroup filesystem and CAP_SYS_ADMIN (docker run --privileged
 * --cgroupns=private); these helpers let the checks say so instead of
 * reporting a bare EROFS or EPERM.
 */
import { parseMountInfo, type MountInfoEntry } from '../cgroups/mountinfo.js'
import type { HostView } from './host-view.js'

/** Bit number of CAP_SYS_ADMIN in the capability masks of /proc/<pid>/status (linux/capability.h). */
export const CAP_SYS_ADMIN = 21

/** What a nested run needs from the outer container manager. */
export const NESTED_FIX = 'give the outer container a writable cgroup filesystem and CAP_SYS_ADMIN: docker run --privileged --cgroupns=private (podman: --privileged), or run islet on the host'

/** Parsed /proc/self/mountinfo, or null when it cannot be read or parsed. */
export function readMounts(view: HostView): MountInfoEntry[] | null {
  const text = view.readFile('/proc/self/mountinfo')
  if (text === null) return null
  try {
    return parseMountInfo(text)
  } catch {
    return null
  }
}

/** A short description of the container islet runs in ("docker (/.dockerenv)"), or null for none found. */
export function detectContainer(view: HostView, mounts: MountInfoEntry[] | null): string | null {
  if (view.env.container) return `${view.env.container} ($container is set)`
  if (view.exists('/.dockerenv')) return 'docker (/.dockerenv exists)'
  if (view.exists('/run/.containerenv')) return 'podman (/run/.containerenv exists)'
  const rootMount = mounts?.filter((m) => m.mountPoint === '/').pop()
  if (rootMount?.fsType === 'overlay') return 'a container (the root filesystem is an overlay mount)'
  return null
}

/** The effective capability mask (CapEff) from /proc/self/status, or null. */
export function readEffectiveCapabilities(view: HostView): bigint | null {
  const match = /^CapEff:\s*([0-9a-f]+)\s*$/m.exec(view.readFile('/proc/self/status') ?? '')
  return match ? BigInt(`0x${match[1]}`) : null
}

export function hasCapability(mask: bigint, capability: number): boolean {
  return ((mask >> BigInt(capability)) & 1n) === 1n
}
