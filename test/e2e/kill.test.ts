import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { REPO, hostPidsWith, isletCgroupLeaves, mountCount, waitFor, whyNoContainers } from '../helpers/engine.js'
import { hostSkip, requireHost } from '../helpers/host.js'
import { copyFixture, removeFixtureCopy } from '../helpers/vitest-run.js'

const host = hostSkip(whyNoContainers())
requireHost(host)

const VITEST = path.join(REPO, 'node_modules', 'vitest', 'vitest.mjs')

function startSlowRun(dir: string, detached: boolean) {
  return spawn(process.execPath, [VITEST, 'run', 'test/sleeper-a.test.ts', 'test/sleeper-b.test.ts'], {
    cwd: dir, env: { ...process.env, ISLET_FIXTURE_SLOW: '1' }, stdio: 'ignore', detached,
  })
}

describe.skipIf(host.skip)(host.title('SIGKILL of Vitest mid-run'), () => {
  let dir: string
  beforeAll(() => { dir = copyFixture('slow') })
  afterAll(() => {
    for (const pid of hostPidsWith('islet-fixture-sleeper')) process.kill(pid, 'SIGKILL')
    removeFixtureCopy(dir)
  })

  it('leaves no process, mount or cgroup behind', async () => {
    const mounts = mountCount()
    const vitest = startSlowRun(dir, false)
    onTestFinished(() => { vitest.kill('SIGKILL') })
    await waitFor(() => hostPidsWith('islet-fixture-sleeper').length > 0, 30_000, 'a file to start its sleeper')
    expect(isletCgroupLeaves().filter((leaf) => leaf.includes(`/${vitest.pid}-`)).length).toBeGreaterThan(0)
    vitest.kill('SIGKILL')
    await waitFor(() => hostPidsWith('islet-fixture-sleeper').length === 0, 5000, 'the containers to go')
    await waitFor(() => isletCgroupLeaves().filter((leaf) => leaf.includes(`/${vitest.pid}-`)).length === 0, 10_000, 'the cgroups to go')
      .catch((error) => { throw new Error(`${error.message}: ${isletCgroupLeaves().join(', ')}`) })
    expect(hostPidsWith('islet-launcher')).toEqual([])
    expect(mountCount()).toBe(mounts)
  })

  it('the next run cleans up what a killed run left, even when its launchers died with it', async () => {
    const vitest = startSlowRun(dir, true)
    onTestFinished(() => { try { process.kill(-vitest.pid!, 'SIGKILL') } catch {} })
    await waitFor(() => hostPidsWith('islet-fixture-sleeper').length > 0, 30_000, 'a file to start its sleeper')
    // The whole process group at once: no launcher survives to tidy up after itself.
    process.kill(-vitest.pid!, 'SIGKILL')
    await waitFor(() => hostPidsWith('islet-fixture-sleeper').length === 0, 5000, 'the containers to go')
    const left = isletCgroupLeaves().filter((leaf) => leaf.includes(`/${vitest.pid}-`))
    expect(left.length).toBeGreaterThan(0)
    // A fresh process (no cached cgroup manager), as the next `vitest run` would be.
    const child = spawn(process.execPath, [path.join(REPO, 'dist/cli/main.js'), 'run', '--', 'true'], { stdio: 'ignore' })
    await new Promise((resolve) => child.on('close', resolve))
    expect(isletCgroupLeaves().filter((leaf) => leaf.includes(`/${vitest.pid}-`))).toEqual([])
  })
})
