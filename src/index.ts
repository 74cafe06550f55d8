/** islet: each Vitest test file, or any command, in its own lightweight Linux container. */
export { run } from './launcher/run.js'
export { startContainer } from './launcher/start-container.js'
export { Container, STOP_TIMEOUT_MS } from './launcher/container.js'
export type { RunStats } from './launcher/run-stats.js'
export type { ContainerOptions, RunOptions } from './config/options.js'
export { IsletError, type IsletErrorCode } from './errors.js'
export { islet } from './pool/islet-pool.js'
export type { IsletPoolOptions, FileOverride } from './pool/pool-options.js'
