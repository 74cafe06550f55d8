/**
 * Removing what crashed runs left behind, for both versions. A leaf is removed
 * only when its name parses as islet's (naming.ts) and its owner is dead; any
 * other directory under islet's parent belongs to someone else and is left alone.
 */
import { IsletError } from '../errors.js'
import type { Cgroup } from './manager.js'
import { parseCgroupName } from './naming.js'

/** `isAlive` failing (e.g. /proc unreadable) counts as alive: never remove what might be in use. */
function ownerIsDead(name: string, isAlive: (name: string) => boolean): boolean {
  try {
    return !isAlive(name)
  } catch {
    return false
  }
}

export async function removeStaleLeaves(
  names: readonly string[],
  isAlive: (name: string) => boolean,
  leafFor: (name: string) => Cgroup,
): Promise<string[]> {
  const removed: string[] = []
  const failed: { name: string; error: unknown }[] = []
  for (const name of [...new Set(names)].sort()) {
    if (parseCgroupName(name) === null || !ownerIsDead(name, isAlive)) continue
    try {
      await leafFor(name).destroy()
      removed.push(name)
    } catch (error) {
      failed.push({ name, error })
    }
  }
  if (failed.length > 0) {
    const first = failed[0]!.error
    throw new IsletError(
      'ERR_ISLET_CGROUP',
      `cannot remove stale cgroups ${failed.map((f) => f.name).join(', ')}` +
        (removed.length > 0 ? ` (removed ${removed.join(', ')})` : ''),
      {
        path: first instanceof IsletError ? first.path : undefined,
        hint: first instanceof IsletError ? first.hint : undefined,
        cause: failed.length === 1 ? first : new AggregateError(failed.map((f) => f.error)),
      },
    )
  }
  return removed
}
