import type { TestProject } from 'vitest/node'

interface TaskLike {
  id: string
  type: 'suite' | 'test'
  mode?: string
  projectName?: string
  result?: { state: string; errors?: unknown[] }
  meta?: unknown
  tasks?: TaskLike[]
}

interface VitestInternals {
  state?: { filesMap?: Map<string, TaskLike[]> }
  _testRun?: { updated(packs: unknown[], events: unknown[]): Promise<void> }
}

/**
 * Marks a test file that a limit (or a crash) stopped as failed in Vitest's own
 * state, so reporters list it as a failed file with the diagnosis, as they list a
 * file that failed to import. Vitest has no public API for a pool to do this; the
 * internals used are checked and `false` returned when they are not there, and
 * the caller then reports the error the public way (an 'error' event).
 */
export async function reportFileFailure(project: TestProject, filepath: string, message: string): Promise<boolean> {
  const vitest = project.vitest as unknown as VitestInternals
  const file = vitest.state?.filesMap?.get(filepath)?.find((f) => (f.projectName ?? '') === project.name)
  if (!file || typeof vitest._testRun?.updated !== 'function') return false
  const error = { name: 'IsletError', message, stack: `IsletError: ${message}` }
  const packs: unknown[] = []
  // The test that was running is the one the limit stopped; the ones after it never ran.
  const visit = (task: TaskLike) => {
    if (task.type === 'test' && (!task.result || task.result.state === 'run' || task.result.state === 'queued')) {
      task.result = task.result?.state === 'run' ? { state: 'fail', errors: [error] } : { state: 'skip' }
      packs.push([task.id, task.result, task.meta])
    }
    task.tasks?.forEach(visit)
  }
  file.tasks?.forEach(visit)
  file.result = { ...file.result, state: 'fail', errors: [error] }
  packs.push([file.id, file.result, file.meta])
  await vitest._testRun.updated(packs, [[file.id, 'suite-finished', undefined]])
  return true
}
