import { ForksPoolWorker, type PoolOptions, type PoolWorker } from 'vitest/node'

/** Vitest's own forks worker under islet's name, for `fallback: 'forks'` on hosts that cannot isolate. */
export function createFallbackWorker(options: PoolOptions, name: string): PoolWorker {
  const worker = new ForksPoolWorker(options)
  Object.defineProperty(worker, 'name', { value: name })
  return worker
}
