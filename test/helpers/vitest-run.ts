import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { REPO } from './engine.js'

const VITEST = path.join(REPO, 'node_modules', 'vitest', 'vitest.mjs')

/**
 * A private copy of a fixture project, beside the others so its config's
 * relative import of islet still resolves; e2e runs never dirty fixtures/.
 */
export function copyFixture(name: string): string {
  const target = path.join(REPO, 'fixtures', `.run-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`)
  fs.cpSync(path.join(REPO, 'fixtures', name), target, { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) })
  return target
}

export function removeFixtureCopy(dir: string): void {
  if (path.basename(dir).startsWith('.run-')) fs.rmSync(dir, { recursive: true, force: true })
}

export interface VitestResult {
  code: number | null
  signal: NodeJS.Signals | null
  /** stdout and stderr together, without colours. */
  output: string
  durationMs: number
}

const SUBCOMMANDS = new Set(['list', 'related'])

/** Runs the real Vitest CLI in `cwd`, as a user would from a terminal (`vitest run ARGS`, or `vitest list ...`). */
export function runVitest(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 150_000): Promise<VitestResult> & { pid?: number } {
  const started = Date.now()
  const argv = SUBCOMMANDS.has(args[0]) ? args : ['run', ...args]
  const child = spawn(process.execPath, [VITEST, ...argv], {
    cwd,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d) => { output += d })
  child.stderr.on('data', (d) => { output += d })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const promise = new Promise<VitestResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      // eslint-disable-next-line no-control-regex
      resolve({ code, signal, output: output.replace(/\x1b\[[0-9;]*m/g, ''), durationMs: Date.now() - started })
    })
  }) as Promise<VitestResult> & { pid?: number }
  promise.pid = child.pid
  return promise
}
