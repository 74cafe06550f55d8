import pc from 'picocolors'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatJson, formatTable } from '../../../src/doctor/format.js'
import { decideCanRun, runDoctor } from '../../../src/doctor/run-doctor.js'
import { makeFakeHost, type FakeHost } from './fake-host.js'

const NO_COLOR = pc.createColors(false)

describe('runDoctor', () => {
  let host: FakeHost
  beforeEach(() => {
    host = makeFakeHost()
  })
  afterEach(() => host.cleanup())

  it('says islet can run on a healthy host as root, every row ok or skipped', async () => {
    const report = await runDoctor(host.view())
    expect(report.canRun).toBe(true)
    expect(report.runAs).toBe('root')
    expect(report.checks.filter((c) => c.status !== 'ok' && c.status !== 'skip')).toEqual([])
    expect(report.checks.map((c) => c.id)).toEqual([
      'kernel', 'privileges', 'container', 'capabilities', 'cgroup-fs', 'cgroup-mode',
      'cgroup-memory', 'cgroup-cpu', 'cgroup-cpuacct', 'cgroup-pids', 'overlayfs',
      'userns-apparmor', 'userns-max', 'userns-clone', 'userns-subid', 'rootless', 'compiler', 'launcher',
    ])
  })

  it('refuses a non-root user while the engine needs root', async () => {
    const report = await runDoctor(host.view({ euid: 1000, isolationRefusal: 'islet needs root for now' }))
    expect(report).toMatchObject({ canRun: false, runAs: 'rootless' })
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['privileges'])
  })

  it('lets the rootless row decide for a non-root user once the engine accepts rootless runs', async () => {
    const view = { ...host.view({ euid: 1000, isolationRefusal: null }), probeCgroup: () => 'permission denied (EACCES)' }
    expect((await runDoctor(view)).canRun).toBe(true)
    host.write('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', '1\n')
    const blocked = await runDoctor(view)
    expect(blocked.canRun).toBe(false)
    expect(blocked.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['userns-apparmor', 'rootless'])
  })

  it('stops at the platform row off Linux', async () => {
    const report = await runDoctor(host.view({ platform: 'darwin' }))
    expect(report).toMatchObject({ canRun: false, checks: [{ id: 'platform', status: 'fail' }] })
  })

  it('turns a check that throws into a failing row rather than a crash', async () => {
    const view = { ...host.view(), which: () => { throw new Error('boom') } }
    const report = await runDoctor(view)
    expect(report.canRun).toBe(false)
    expect(report.checks.find((c) => c.id === 'compiler')).toMatchObject({ status: 'fail' })
    expect(report.checks.find((c) => c.id === 'compiler')?.detail).toContain('boom')
  })
})

describe('decideCanRun', () => {
  it('is true unless some row failed; warnings and skips do not block', () => {
    expect(decideCanRun([])).toBe(true)
    expect(decideCanRun([{ id: 'a', title: 'a', status: 'warn', detail: '' }, { id: 'b', title: 'b', status: 'skip', detail: '' }])).toBe(true)
    expect(decideCanRun([{ id: 'a', title: 'a', status: 'ok', detail: '' }, { id: 'b', title: 'b', status: 'fail', detail: '' }])).toBe(false)
  })
})

describe('output', () => {
  let host: FakeHost
  beforeEach(() => {
    host = makeFakeHost()
  })
  afterEach(() => host.cleanup())

  it('JSON: version, verdict, summary and one object per row, fix only where there is one', async () => {
    host.write('/proc/sys/user/max_user_namespaces', '0\n')
    const json = JSON.parse(formatJson(await runDoctor(host.view())))
    expect(Object.keys(json)).toEqual(['version', 'canRun', 'runAs', 'summary', 'checks'])
    expect(json).toMatchObject({ version: 1, canRun: true, runAs: 'root', summary: 'islet can run here (as root), with 1 warning' })
    for (const check of json.checks) {
      expect(Object.keys(check).sort()).toEqual(check.fix === undefined ? ['detail', 'id', 'status', 'title'] : ['detail', 'fix', 'id', 'status', 'title'])
      expect(['ok', 'warn', 'fail', 'skip']).toContain(check.status)
    }
    expect(json.checks.find((c: { id: string }) => c.id === 'userns-max')).toMatchObject({ status: 'warn', fix: 'sudo sysctl user.max_user_namespaces=15000' })
  })

  it('table: a row per check, the fix under each problem, the verdict last', async () => {
    host.write('/proc/filesystems', 'nodev\tproc\n')
    const table = formatTable(await runDoctor(host.view()), NO_COLOR)
    const lines = table.trimEnd().split('\n')
    expect(lines.find((l) => l.startsWith('ok    kernel version'))).toContain('6.8.0-45-generic')
    const overlay = lines.findIndex((l) => l.startsWith('FAIL  overlayfs'))
    expect(overlay).toBeGreaterThan(-1)
    expect(lines[overlay + 1]).toMatch(/^ +fix: sudo modprobe overlay/)
    expect(lines.at(-1)).toBe('islet cannot run here as root: overlayfs failed')
  })
})
