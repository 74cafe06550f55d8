import os from 'node:os'
import pc from 'picocolors'
import { startContainer } from '../launcher/start-container.js'
import { statsJson } from '../launcher/run-stats.js'
import fs from 'node:fs'
import { parseRunArgs, RUN_USAGE } from './parse-run-args.js'
import { printError } from './print-error.js'

/** Exit status for "the container could not be set up", as docker and podman use it. */
const EXIT_START_FAILED = 125

/** `islet run`: the command's own exit status, or 128+N when signal N ended it. */
export async function runCommand(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseRunArgs(argv)
  } catch (error) {
    printError(error)
    return EXIT_START_FAILED
  }
  if (parsed.help) {
    process.stdout.write(RUN_USAGE + '\n')
    return 0
  }
  let container
  try {
    container = await startContainer(parsed.command, { ...parsed.options, stdio: 'inherit' })
  } catch (error) {
    printError(error)
    return EXIT_START_FAILED
  }
  // A terminal's Ctrl-C already reached the command (same process group); a SIGTERM
  // sent to us is passed on, so the container ends the way the caller asked.
  const forward = (signal: NodeJS.Signals) => { if (signal !== 'SIGINT') container.child.kill(signal) }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, forward)
  try {
    const stats = await container.finished
    for (const warning of container.warnings) process.stderr.write(pc.yellow(`islet: warning: ${warning}`) + '\n')
    if (parsed.options.statsFile) await fs.promises.writeFile(parsed.options.statsFile, statsJson(stats))
    if (stats.diagnosis) process.stderr.write(pc.red(`islet: ${stats.diagnosis}`) + '\n')
    if (stats.exitCode !== null) return stats.exitCode
    return 128 + (os.constants.signals[stats.signal as NodeJS.Signals] ?? 0)
  } catch (error) {
    printError(error)
    return EXIT_START_FAILED
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, forward)
  }
}
