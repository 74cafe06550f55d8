import { IsletError } from '../errors.js'
import { rootlessBlocker } from '../rootless/explain-userns.js'
import { readUsernsFacts } from '../rootless/userns-facts.js'

/** Root builds containers directly; anyone else gets rootless mode, in a user namespace the launcher creates. */
export function isRootless(): boolean {
  return process.geteuid?.() !== 0
}

/**
 * Whether this process can build containers at all: on Linux, as root, or as an
 * ordinary user where the kernel allows unprivileged user namespaces and overlayfs in them.
 */
export function whyCannotIsolate(): string | null {
  if (process.platform !== 'linux') return `islet needs Linux namespaces, cgroups and overlayfs; this is ${process.platform}`
  if (isRootless()) {
    const blocker = rootlessBlocker(readUsernsFacts())
    if (blocker) return `rootless mode is not possible here: ${blocker.reason}`
  }
  return null
}

export function assertCanIsolate(): void {
  if (process.platform !== 'linux') {
    throw new IsletError('ERR_ISLET_HOST', whyCannotIsolate()!, {
      hint: 'run on Linux (a VM or CI runner), or in the Vitest pool use islet({ fallback: \'forks\' })',
    })
  }
  if (isRootless()) {
    const blocker = rootlessBlocker(readUsernsFacts())
    if (blocker) {
      throw new IsletError('ERR_ISLET_HOST', `rootless mode is not possible here: ${blocker.reason}`, {
        hint: `${blocker.hint}; in the Vitest pool, islet({ fallback: 'forks' }) runs without isolation`,
      })
    }
  }
}
