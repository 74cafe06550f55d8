/**
 * Rootless mode as a real ordinary user: the test (as root) creates the user
 * `islet-test` when missing and runs the CLI as that user with runuser, asserting
 * on what the user sees, as Vitest's e2e tests do.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findDelegatedCgroup } from '../../../src/rootless/delegation.js'
import { rootlessBlocker } from '../../../src/rootless/explain-userns.js'
import { readUsernsFacts } from '../../../src/rootless/userns-facts.js'
import { CLI, REPO } from '../../helpers/engine.js'
import { hostSkip, requireHost } from '../../helpers/host.js'

const USER = 'islet-test'
const HOME = `/home/${USER}`

function which(program: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' })
  return found.status === 0 ? found.stdout.trim() : null
}

/** Every directory down to `file` must be searchable, and `file` readable (and executable), by others. */
function whyNotReachableByOthers(file: string, needExec: boolean): string | null {
  const parts = path.resolve(file).split('/').filter(Boolean)
  for (let i = 0; i <= parts.length; i++) {
    const p = '/' + parts.slice(0, i).join('/')
    let mode: number
    try {
      mode = fs.statSync(p).mode
    } catch {
      return `${p} does not exist (npm run build)`
    }
    const last = i === parts.length
    if (!last && !(mode & 0o001)) return `${p} is not searchable by other users (chmod o+x)`
    if (last && !(mode & 0o004)) return `${p} is not readable by other users (chmod o+r)`
    if (last && needExec && !(mode & 0o001)) return `${p} is not executable by other users (chmod o+x)`
  }
  return null
}

function whyNoRootless(): string | null {
  if (process.platform !== 'linux') return 'rootless mode needs Linux'
  if (process.getuid?.() !== 0) return 'requires root (to create the test user and run as it)'
  for (const tool of ['useradd', 'runuser']) if (!which(tool)) return `${tool} is not installed`
  const blocker = rootlessBlocker(readUsernsFacts())
  if (blocker) return blocker.reason
  return whyNotReachableByOthers(CLI, false) ?? whyNotReachableByOthers(path.join(REPO, 'build', 'islet-launcher'), true) ??
    whyNotReachableByOthers(path.join(REPO, 'node_modules', 'picocolors', 'package.json'), false)
}

const host = hostSkip(whyNoRootless())
requireHost(host)

interface Result {
  status: number | null
  stdout: string
  stderr: string
}

/** `islet run ARGS` as the test user, from the repo, with the user's own HOME. */
function runAsUser(args: string[]): Result {
  const result = spawnSync('runuser', ['-u', USER, '--', 'env', `HOME=${HOME}`, `USER=${USER}`, process.execPath, CLI, 'run', ...args], {
    cwd: REPO, encoding: 'utf8', timeout: 30_000,
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe.skipIf(host.skip)(host.title('rootless mode as an ordinary user'), () => {
  let uid = -1
  const marker = `islet-rootless-${process.pid}-${Date.now()}`
  const ownedDir = path.join(HOME, marker)

  beforeAll(() => {
    if (spawnSync('id', ['-u', USER]).status !== 0) {
      const added = spawnSync('useradd', ['-m', USER], { encoding: 'utf8' })
      if (added.status !== 0) throw new Error(`useradd -m ${USER} failed: ${added.stderr}`)
    }
    uid = Number(spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim())
    fs.mkdirSync(ownedDir)
    fs.chownSync(ownedDir, uid, uid)
  })

  afterAll(() => {
    fs.rmSync(ownedDir, { recursive: true, force: true })
  })

  it('is root inside, init is PID 1, only lo, and the user keeps its own uid outside', () => {
    const r = runAsUser(['--', 'sh', '-c', 'id -u; echo $$; cat /proc/self/uid_map; ls /sys/class/net; hostname'])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const [idInside, pid, ...rest] = r.stdout.trim().split('\n')
    expect(idInside).toBe('0')
    expect(pid).toBe('2')
    // The first line maps 0 to the user; a second one (newuidmap, /etc/subuid) would map 1..N.
    expect(rest[0]!.trim().split(/\s+/)).toEqual(['0', String(uid), '1'])
    expect(rest.filter((l) => !/^\s*\d+\s+\d+\s+\d+\s*$/.test(l))).toEqual(['lo', 'islet-sh'])
  })

  it('keeps writes to the user\'s home and to a directory the user owns inside the container', () => {
    const r = runAsUser(['--', 'sh', '-c', `echo inside > ${HOME}/${marker}.txt && touch ${ownedDir}/created && ls ${ownedDir} && cat ${HOME}/${marker}.txt`])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('created\ninside\n')
    expect(r.status).toBe(0)
    expect(fs.existsSync(`${HOME}/${marker}.txt`)).toBe(false)
    expect(fs.readdirSync(ownedDir)).toEqual([])
  })

  it('reports no cgroup stats without limits (null, never invented), with the rusage memory peak', () => {
    const statsFile = path.join(ownedDir, 'stats.json')
    const r = runAsUser(['--stats', statsFile, '--', 'true'])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'))
    expect(stats).toMatchObject({ exitCode: 0, oomKilled: null, cpuUsageUsec: null, pidsPeak: null, cpuThrottledUsec: null })
    expect(stats.memoryPeakBytes).toBeGreaterThan(0)
    expect(stats.memoryPeakSource).toMatch(/rusage/)
  })

  it('refuses a memory limit it cannot apply, naming how to get a delegated cgroup', () => {
    const delegated = findDelegatedCgroup({ uid }).delegated
    const r = runAsUser(['--memory', '64M', '--', 'true'])
    if (delegated) {
      expect(r.status).toBe(0)
      return
    }
    expect(r.status).toBe(125)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('cannot apply the limits (memory 64 MiB) as an ordinary user')
    expect(r.stderr).toContain('systemd-run --user --scope -p Delegate=yes')
    expect(r.stderr).toContain('--limits best-effort')
  })

  it('with --limits best-effort runs without the limit and says so once', () => {
    const delegated = findDelegatedCgroup({ uid }).delegated
    const r = runAsUser(['--memory', '64M', '--pids', '50', '--limits', 'best-effort', '--', 'sh', '-c', 'echo ran'])
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('ran\n')
    if (delegated) return
    expect(r.stderr.match(/limits not applied/g)).toHaveLength(1)
    expect(r.stderr).toMatch(/warning: limits not applied \(memory 64 MiB, pids 50\)/)
  })

  it('passes the exit status through and names a missing command', () => {
    expect(runAsUser(['--', 'sh', '-c', 'exit 7']).status).toBe(7)
    const r = runAsUser(['--', 'no-such-program-islet'])
    expect(r.status).toBe(125)
    expect(r.stderr).toMatch(/exec no-such-program-islet: No such file or directory \(ENOENT\)/)
  })
})
