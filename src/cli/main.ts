#!/usr/bin/env node
import { doctorCommand } from './doctor-command.js'
import { printError } from './print-error.js'
import { runCommand } from './run-command.js'

const USAGE = `usage: islet <command>

commands:
  run [options] -- <command...>   run a command in a fresh container (islet run --help)
  doctor [--json]                 check this host for what islet needs, with fixes`

async function main(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  switch (sub) {
    case 'run': return runCommand(rest)
    case 'doctor': return doctorCommand(rest)
    case undefined: case '-h': case '--help': case 'help':
      process.stdout.write(USAGE + '\n')
      return sub === undefined ? 1 : 0
    default:
      process.stderr.write(`islet: unknown command "${sub}"\n${USAGE}\n`)
      return 1
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (error) => { printError(error); process.exitCode = 1 })
