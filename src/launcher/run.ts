import fs from 'node:fs'
import type { RunOptions } from '../config/options.js'
import { statsJson, type RunStats } from './run-stats.js'
import { startContainer } from './start-container.js'

/**
 * Runs a command in a fresh container and resolves to what it used once it ended.
 * A non-zero exit is a result, not an error; only a container that could not start rejects.
 */
export async function run(command: string[], options: RunOptions = {}): Promise<RunStats> {
  const container = await startContainer(command, { stdio: 'inherit', ...options })
  const stats = await container.finished
  if (options.statsFile) await fs.promises.writeFile(options.statsFile, statsJson(stats))
  return stats
}
