import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import type { Cgroup } from '../../src/cgroups/manager.js'

/** A child that waits for a line on stdin before running `script`, so it can be put in a cgroup first. */
export function spawnWaiting(script: string): { child: ChildProcess; exited: Promise<NodeJS.Signals | null>; go: () => void } {
  const child = spawn('sh', ['-c', `read go; ${script}`], { stdio: ['pipe', 'ignore', 'ignore'] })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  return { child, exited, go: () => child.stdin!.end('go\n') }
}

/** Moves a process into every directory of the cgroup, as the launcher does for init. */
export function enter(cgroup: Cgroup, pid: number): void {
  for (const file of cgroup.procsFiles) writeFileSync(file, String(pid))
}
