/**
 * `islet doctor --json` as a user runs it: the built CLI on this host. As root
 * on a host that runs the engine tests, it must say islet can run and exit 0,
 * and its cgroup probe must leave no directory behind. Build first:
 * npx tsc -p tsconfig.build.json.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { detectCgroups } from '../../../src/cgroups/detect.js'
import { CgroupV1 } from '../../../src/cgroups/v1/cgroup-v1.js'
import { CgroupV2 } from '../../../src/cgroups/v2/cgroup-v2.js'
import { hostSkip, requireHost, whyNotRoot } from '../../helpers/host.js'

const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url))

function whyCannotRunDoctor(): string | null {
  if (!existsSync(CLI)) return `requires the built CLI at ${CLI} (npx tsc -p tsconfig.build.json)`
  return whyNotRoot()
}

const host = hostSkip(whyCannotRunDoctor())
requireHost(host)

interface DoctorJson {
  version: number
  canRun: boolean
  runAs: string
  summary: string
  checks: Array<{ id: string; title: string; status: string; detail: string; fix?: string }>
}

/** What islet's parent holds in each hierarchy the engine uses: no doctor-<pid> may be left there. */
async function isletParentEntries(): Promise<string[]> {
  const manager = await detectCgroups()
  const mounts = manager instanceof CgroupV1 ? Object.values(manager.hierarchies) : manager instanceof CgroupV2 ? [manager.mount] : []
  return [...new Set(mounts)].flatMap((mount) => {
    const parent = `${mount}/islet`
    return existsSync(parent) ? readdirSync(parent).map((name) => `${parent}/${name}`) : []
  })
}

describe.skipIf(host.skip)(host.title('islet doctor on this host'), () => {
  it('says islet can run as root, exits 0, and removes its probe cgroups', async () => {
    const run = spawnSync(process.execPath, [CLI, 'doctor', '--json'], { encoding: 'utf8' })
    expect(run.stderr).toBe('')
    const report = JSON.parse(run.stdout) as DoctorJson
    const failed = report.checks.filter((c) => c.status === 'fail')
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([])
    expect(report).toMatchObject({ version: 1, canRun: true, runAs: 'root' })
    expect(run.status).toBe(0)

    const probes = report.checks.filter((c) => /^cgroup-(memory|cpu|cpuacct|pids)$/.test(c.id))
    expect(probes.length).toBeGreaterThan(0)
    const memory = probes.find((c) => c.id === 'cgroup-memory')!
    expect(memory.status).toBe('ok')
    const probeDir = /created and removed (\S+)/.exec(memory.detail)?.[1]
    expect(probeDir).toMatch(/\/islet\/doctor-\d+$/)
    expect(existsSync(probeDir!)).toBe(false)
    expect((await isletParentEntries()).filter((e) => e.includes('/doctor-'))).toEqual([])
  })

  it('prints the same verdict as a table', () => {
    const run = spawnSync(process.execPath, [CLI, 'doctor'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^ok {4}kernel version/m)
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^islet can run here \(as root\)/)
  })
})
