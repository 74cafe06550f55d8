/**
 * Undo a half-made cgroup. create() must leave nothing behind when it fails,
 * and must still report the first failure, not the cleanup's.
 */
import { IsletError } from '../errors.js'
import { removeCgroupDirectory } from './cgroup-fs.js'

/** Remove `created` (deepest last in the list, so removed in reverse) and rethrow `error`. */
export async function rollbackAndThrow(created: readonly string[], error: unknown): Promise<never> {
  const leftBehind: string[] = []
  for (const directory of [...created].reverse()) {
    try {
      await removeCgroupDirectory(directory)
    } catch {
      leftBehind.push(directory)
    }
  }
  if (leftBehind.length === 0) throw error
  const first = error instanceof IsletError ? error : undefined
  throw new IsletError(
    'ERR_ISLET_CGROUP',
    `${first?.shortMessage ?? String(error)} (and removing the half-made ${leftBehind.join(', ')} failed too)`,
    { path: first?.path, hint: first?.hint, cause: error },
  )
}
