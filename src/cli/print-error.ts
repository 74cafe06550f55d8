import pc from 'picocolors'
import { IsletError } from '../errors.js'

/** One red line for what failed, one dim line for how to fix it; stack traces only for bugs. */
export function printError(error: unknown): void {
  if (error instanceof IsletError) {
    process.stderr.write(pc.red(`islet: ${error.shortMessage}`) + '\n')
    if (error.hint) process.stderr.write(pc.dim(`  hint: ${error.hint}`) + '\n')
  } else {
    process.stderr.write(pc.red('islet: unexpected error: ') + String((error as Error)?.stack ?? error) + '\n')
  }
}
