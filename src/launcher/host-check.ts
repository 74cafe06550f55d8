import { IsletError } from '../errors.js'

/**
 * Whether this process can build containers at all. Rootless mode is a later issue,
 * so for now a non-root user gets a clear refusal rather than a launcher EPERM.
 */
export function whyCannotIsolate(): string | null {
  if (process.platform !== 'linux') return `islet needs Linux namespaces, cgroups and overlayfs; this is ${process.platform}`
  if (process.geteuid?.() !== 0) return 'islet needs root for now: creating namespaces, overlay mounts and cgroups as an ordinary user is not supported yet'
  return null
}

export function assertCanIsolate(): void {
  const why = whyCannotIsolate()
  if (why) {
    throw new IsletError('ERR_ISLET_HOST', why, {
      hint: process.platform === 'linux'
        ? 'run as root (sudo), or in the Vitest pool use islet({ fallback: \'forks\' }) to run without isolation'
        : 'run on Linux (a VM or CI runner), or in the Vitest pool use islet({ fallback: \'forks\' })',
    })
  }
}
