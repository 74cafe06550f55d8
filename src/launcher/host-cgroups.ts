import { detectCgroups } from '../cgroups/detect.js'
import type { CgroupManager } from '../cgroups/manager.js'
import { cgroupName } from '../cgroups/naming.js'

let manager: Promise<CgroupManager> | undefined
let sequence = 0

/**
 * The host's cgroup backend, detected once per process. The first use also removes
 * what crashed runs left behind, so a SIGKILLed Vitest is cleaned up by the next run.
 */
export function hostCgroups(): Promise<CgroupManager> {
  manager ??= detectCgroups().then(async (m) => {
    await m.cleanupStale()
    return m
  })
  return manager
}

/** A leaf name unique to this process and container, recognisable as stale once we are gone. */
export function nextCgroupName(): string {
  return cgroupName(++sequence)
}
