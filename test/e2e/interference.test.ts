import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hostPidsWith, isletCgroupLeaves, mountCount, whyNoContainers } from '../helpers/engine.js'
import { hostSkip, requireHost } from '../helpers/host.js'
import { copyFixture, removeFixtureCopy, runVitest, type VitestResult } from '../helpers/vitest-run.js'

const host = hostSkip(whyNoContainers())
requireHost(host)

const PASSING = ['port-a', 'port-b', 'tmp-a', 'tmp-b', 'victim', 'killer', 'daemon', 'writes-project', 'hostname', 'offline']

function fileLine(output: string, name: string): string | undefined {
  return output.split('\n').find((line) => line.includes(`test/${name}.test.ts`) && /^\s*[✓❯×]/.test(line))
}

describe.skipIf(host.skip)(host.title('the interference project under islet'), () => {
  let dir: string
  let result: VitestResult
  let vitestPid: number | undefined
  const hostname = os.hostname()
  const mounts = mountCount()

  beforeAll(async () => {
    dir = copyFixture('interference')
    const run = runVitest(dir, ['--reporter=default'], { ISLET_REPORT: 'islet-stats.json' })
    vitestPid = run.pid
    result = await run
  })
  afterAll(() => removeFixtureCopy(dir))

  it('passes every file no limit stopped, though they share ports, /tmp paths and process names', () => {
    for (const name of PASSING) expect(fileLine(result.output, name), `${name}\n${result.output}`).toMatch(/✓/)
    expect(result.output).toMatch(/Test Files\s+2 failed \| 10 passed \(12\)/)
    // A limit is a test failure, not an unhandled error of the run.
    expect(result.output).not.toContain('Unhandled Error')
    expect(result.code).toBe(1)
  })

  it('fails the files a limit stopped, each with its diagnosis', () => {
    expect(result.output).toMatch(/FAIL\s+test\/memory-hog\.test\.ts/)
    expect(result.output).toMatch(/IsletError: test\/memory-hog\.test\.ts: out of memory: the memory limit \(96 MiB\) was reached \(peak \d+(\.\d)? MiB\)/)
    expect(fileLine(result.output, 'memory-hog')).toMatch(/❯|×/)
    expect(fileLine(result.output, 'fork-bomb')).toMatch(/❯|×/)
    expect(result.output).toMatch(/\[islet\] test\/fork-bomb\.test\.ts: the pids limit \(64\) was reached: \d+ process or thread creations were refused/)
  })

  it('leaves the host as it was: hostname, project files, /tmp, processes, mounts, cgroups', () => {
    expect(os.hostname()).toBe(hostname)
    expect(fs.existsSync(path.join(dir, 'generated-by-test.txt'))).toBe(false)
    expect(fs.existsSync('/tmp/islet-fixture-shared.lock')).toBe(false)
    expect(hostPidsWith('islet-fixture-')).toEqual([])
    expect(hostPidsWith('islet-launcher')).toEqual([])
    expect(mountCount()).toBe(mounts)
    expect(vitestPid).toBeGreaterThan(0)
    expect(isletCgroupLeaves().filter((leaf) => leaf.includes(`/${vitestPid}-`))).toEqual([])
  })

  it('writes the per-file report it was asked for', () => {
    expect(result.output).toContain('islet  per-file usage')
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'islet-stats.json'), 'utf8'))
    const files = report.files.map((f: { file: string }) => f.file).sort()
    expect(files).toHaveLength(12)
    const hog = report.files.find((f: { file: string }) => f.file === 'test/memory-hog.test.ts')
    expect(hog).toMatchObject({ oomKilled: true, signal: 'SIGKILL' })
    expect(hog.memoryPeakBytes).toBeGreaterThan(64 * 2 ** 20)
  })
})

describe.skipIf(host.skip)(host.title('the same project under forks, for contrast'), () => {
  let dir: string
  let result: VitestResult
  const hostname = os.hostname()

  beforeAll(async () => {
    dir = copyFixture('interference')
    result = await runVitest(dir, ['--pool=forks'])
  })
  afterAll(async () => {
    // forks let the files change the host: put it back.
    const { execFileSync } = await import('node:child_process')
    execFileSync('hostname', [hostname])
    for (const pid of hostPidsWith('islet-fixture-')) process.kill(pid, 'SIGKILL')
    fs.rmSync('/tmp/islet-fixture-shared.lock', { force: true })
    removeFixtureCopy(dir)
  })

  it('fails where files expect a machine of their own, and harms the host', () => {
    // A host with a network of its own (not a bare VM) shows it to every file under forks.
    if (Object.keys(os.networkInterfaces()).some((name) => name !== 'lo')) expect(fileLine(result.output, 'offline')).toMatch(/❯|×/)
    expect(fs.existsSync(path.join(dir, 'generated-by-test.txt'))).toBe(true)
    expect(os.hostname()).toBe('islet-fixture-renamed')
    expect(hostPidsWith('islet-fixture-daemon').length).toBeGreaterThan(0)
    // No limits: nothing stops the memory hog or the fork bomb, so no diagnosis either.
    expect(result.output).not.toMatch(/out of memory: the memory limit|the pids limit \(\d+\) was reached/)
  })
})
