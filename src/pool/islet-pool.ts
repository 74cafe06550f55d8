import type { PoolOptions, PoolRunnerInitializer, PoolWorker } from 'vitest/node'
import { IsletError } from '../errors.js'
import { whyCannotIsolate } from '../launcher/host-check.js'
import { ContainerPoolWorker } from './container-worker.js'
import { createFallbackWorker } from './fallback-worker.js'
import { validatePoolOptions, type IsletPoolOptions } from './pool-options.js'
import { PoolSession } from './pool-session.js'

/**
 * The Vitest pool: `test: { pool: islet({ memory: '512M' }) }` runs every test
 * file in its own container. Options are checked here, at config load.
 */
export function islet(options: IsletPoolOptions = {}): PoolRunnerInitializer {
  const session = new PoolSession(validatePoolOptions(options))
  let warned = false
  return {
    name: session.name,
    createPoolWorker(poolOptions: PoolOptions): PoolWorker {
      if (poolOptions.project.config.isolate === false) {
        throw new IsletError('ERR_ISLET_POOL', 'the islet pool needs isolate: true: every test file gets its own container, so files cannot share a worker', {
          hint: 'remove isolate: false from this project, or use another pool for it',
        })
      }
      const why = whyCannotIsolate()
      if (why && options.fallback === 'forks') {
        if (!warned) poolOptions.project.vitest.logger.warn(`[islet] ${why}; running test files under forks, without isolation`)
        warned = true
        return createFallbackWorker(poolOptions, session.name)
      }
      return new ContainerPoolWorker(poolOptions, session)
    },
  }
}
