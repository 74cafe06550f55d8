/**
 * The cgroup of a rootless container: none when no limit is asked for; a leaf in
 * the user's delegated cgroup v2 subtree when there is one; otherwise the limits are
 * refused (`limits: 'strict'`, the default) or dropped with one warning
 * (`limits: 'best-effort'`). A limit is never dropped silently.
 */
import { IsletError } from '../errors.js'
import { formatBytes } from '../config/size.js'
import type { Cgroup, CgroupLimits, CgroupManager } from '../cgroups/manager.js'
import { CgroupV2 } from '../cgroups/v2/cgroup-v2.js'
import { DELEGATION_HINT, findDelegatedCgroup, prepareDelegatedCgroup, type DelegationInput } from './delegation.js'
import { NoCgroup } from './no-cgroup.js'

export type LimitsMode = 'strict' | 'best-effort'

export interface RootlessCgroup {
  cgroup: Cgroup
  /** The limits in force (empty when dropped), for the diagnosis. */
  limits: CgroupLimits
  /** Set when best-effort dropped the limits. */
  warning?: string
}

/** "--memory 64M, --pids 50": the limits as the user asked for them. */
export function describeLimits(limits: CgroupLimits): string {
  const parts: string[] = []
  if (limits.memoryBytes !== undefined) parts.push(`memory ${formatBytes(limits.memoryBytes)}`)
  if (limits.cpuCores !== undefined) parts.push(`cpu ${limits.cpuCores}`)
  if (limits.pids !== undefined) parts.push(`pids ${limits.pids}`)
  return parts.join(', ')
}

export function hasLimits(limits: CgroupLimits): boolean {
  return limits.memoryBytes !== undefined || limits.cpuCores !== undefined || limits.pids !== undefined
}

let delegatedManager: Promise<CgroupManager> | undefined

function delegatedCgroups(directory: string): Promise<CgroupManager> {
  delegatedManager ??= prepareDelegatedCgroup(directory).then(async () => {
    const manager = new CgroupV2(directory)
    await manager.cleanupStale()
    return manager
  })
  delegatedManager.catch(() => { delegatedManager = undefined })
  return delegatedManager
}

export async function rootlessCgroup(name: string, limits: CgroupLimits, mode: LimitsMode, probe: Partial<DelegationInput> = {}): Promise<RootlessCgroup> {
  if (!hasLimits(limits)) return { cgroup: new NoCgroup(), limits }
  const found = findDelegatedCgroup({ uid: process.geteuid!(), ...probe })
  if (found.delegated) {
    const manager = await delegatedCgroups(found.directory)
    return { cgroup: await manager.create(name, limits), limits }
  }
  const asked = describeLimits(limits)
  if (mode === 'best-effort') {
    return {
      cgroup: new NoCgroup(),
      limits: {},
      warning: `limits not applied (${asked}): running without them because limits is best-effort; ${found.why}`,
    }
  }
  throw new IsletError('ERR_ISLET_CGROUP', `cannot apply the limits (${asked}) as an ordinary user: ${found.why}`, { hint: DELEGATION_HINT })
}
