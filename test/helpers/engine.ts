import fs from 'node:fs'
import path from 'node:path'
import type { RunOptions } from '../../src/config/options.js'
import { whyCannotIsolate } from '../../src/launcher/host-check.js'
import type { RunStats } from '../../src/launcher/run-stats.js'
import { startContainer } from '../../src/launcher/start-container.js'
import { notApplicable, type HostSkip } from './host.js'

export const REPO = path.resolve(__dirname, '..', '..')
export const TESTPROG = path.join(REPO, 'build', 'islet-testprog')
export const CLI = path.join(REPO, 'dist', 'cli', 'main.js')

/** True when these tests build containers as an ordinary user (rootless mode). */
export const ROOTLESS = process.geteuid?.() !== 0

/** Null when this host can build real containers, as root or rootless, else why not. */
export function whyNoContainers(): string | null {
  const why = whyCannotIsolate()
  if (why) return why
  for (const file of [path.join(REPO, 'build', 'islet-launcher'), TESTPROG]) {
    if (!fs.existsSync(file)) return `${path.relative(REPO, file)} is not built (npm run build)`
  }
  return null
}

/**
 * For suites that need the host's cgroups (limits, cgroup cleanup): as an ordinary
 * user they do not apply (rootless limits need a delegated cgroup v2 subtree, and
 * test/integration/rootless checks the refusal), so they say so rather than skip.
 */
export function notForRootless(): HostSkip {
  return notApplicable(ROOTLESS ? 'cgroup limits as an ordinary user need a delegated cgroup v2 subtree; test/integration/rootless checks that they are refused' : null)
}

export interface Captured extends RunStats {
  stdout: string
  stderr: string
}

/** Runs a command in a real container and collects its output with its stats. */
export async function capture(command: string[], options: RunOptions = {}): Promise<Captured> {
  const container = await startContainer(command, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
  let stdout = ''
  let stderr = ''
  container.child.stdout?.on('data', (d) => { stdout += d })
  container.child.stderr?.on('data', (d) => { stderr += d })
  const stats = await container.finished
  return { ...stats, stdout, stderr }
}

/** Host pids whose command line contains `marker`. */
export function hostPidsWith(marker: string): number[] {
  const found: number[] = []
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (cmdline.includes(marker) && Number(entry) !== process.pid) found.push(Number(entry))
    } catch {}
  }
  return found
}

/** islet's parent cgroup in every hierarchy where it exists. */
export function isletParents(): string[] {
  const roots = ['/sys/fs/cgroup', ...fs.readdirSync('/sys/fs/cgroup').map((d) => path.join('/sys/fs/cgroup', d))]
  return [...new Set(roots.map((root) => path.join(root, 'islet')).filter((p) => fs.existsSync(p)))]
}

/** Leaf cgroups under islet's parent in every hierarchy, for leak checks. */
export function isletCgroupLeaves(): string[] {
  const leaves: string[] = []
  const roots = ['/sys/fs/cgroup', ...fs.readdirSync('/sys/fs/cgroup').map((d) => path.join('/sys/fs/cgroup', d))]
  for (const root of roots) {
    const parent = path.join(root, 'islet')
    try {
      for (const entry of fs.readdirSync(parent, { withFileTypes: true })) if (entry.isDirectory()) leaves.push(path.join(parent, entry.name))
    } catch {}
  }
  return [...new Set(leaves)]
}

export function mountCount(): number {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').trim().split('\n').length
}

export function openFdCount(): number {
  return fs.readdirSync('/proc/self/fd').length
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(25)
  }
}
