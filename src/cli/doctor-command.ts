import pc from 'picocolors'
import { formatJson, formatTable } from '../doctor/format.js'
import { runDoctor } from '../doctor/run-doctor.js'

export const DOCTOR_USAGE = `usage: islet doctor [--json]

Checks this host for what islet needs (kernel, cgroups, overlayfs, user
namespaces, the native launcher, root) and prints the fix for what is missing.

  --json      the same report as JSON, for CI
  -h, --help  this text

Exit status: 0 when islet can run here, 1 when it cannot, 2 for a usage error.`

/** Exit status for an unknown option, as for other CLI usage errors. */
const EXIT_USAGE = 2

/** `islet doctor`: 0 when islet can run on this host, 1 otherwise. */
export async function doctorCommand(argv: string[]): Promise<number> {
  let json = false
  for (const arg of argv) {
    if (arg === '--json') json = true
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write(DOCTOR_USAGE + '\n')
      return 0
    } else {
      process.stderr.write(pc.red(`islet doctor: unknown option "${arg}"`) + '\n' + DOCTOR_USAGE + '\n')
      return EXIT_USAGE
    }
  }
  const report = await runDoctor()
  process.stdout.write(json ? formatJson(report) : formatTable(report))
  return report.canRun ? 0 : 1
}
