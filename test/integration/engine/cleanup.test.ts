import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { run } from '../../../src/launcher/run.js'
import { hostSkip, requireHost } from '../../helpers/host.js'
import { CLI, hostPidsWith, isletCgroupLeaves, isletParents, mountCount, openFdCount, sleep, waitFor, notForRootless, whyNoContainers } from '../../helpers/engine.js'

const host = notForRootless().skip ? notForRootless() : hostSkip(whyNoContainers())
requireHost(host)

describe.skipIf(host.skip)(host.title('nothing is left behind'), () => {
  it('SIGKILL of the caller leaves no process, mount or cgroup', async () => {
    const marker = `1000.${Math.floor(Math.random() * 1e6)}`
    const mountsBefore = mountCount()
    const caller = spawn(process.execPath, [CLI, 'run', '--memory', '64M', '--', 'sh', '-c', `sleep ${marker} & sleep ${marker}`], { stdio: 'ignore' })
    await waitFor(() => hostPidsWith(`sleep\0${marker}`).length === 2, 5000, 'the container to start')
    const leaves = isletCgroupLeaves().filter((leaf) => leaf.includes(`/${caller.pid}-`))
    expect(leaves.length).toBeGreaterThan(0)
    caller.kill('SIGKILL')
    await waitFor(() => hostPidsWith(`sleep\0${marker}`).length === 0, 3000, 'the container\'s processes to end')
    await waitFor(() => isletCgroupLeaves().filter((leaf) => leaf.includes(`/${caller.pid}-`)).length === 0, 3000, 'the launcher to remove the cgroups')
    expect(hostPidsWith('islet-launcher').filter((pid) => pid !== process.pid)).toEqual([])
    expect(mountCount()).toBe(mountsBefore)
  })

  it('200 containers in a row leave no mount, cgroup, fd or process', async () => {
    const mounts = mountCount()
    const ours = () => isletCgroupLeaves().filter((leaf) => leaf.includes(`/${process.pid}-`))
    // One run first, so lazily opened handles (the cgroup probe, libuv's) are not counted as leaks.
    await run(['true'], { stdio: 'ignore', memory: '32M', pids: 16 })
    const fds = openFdCount()
    for (let i = 0; i < 200; i++) {
      const stats = await run(['true'], { stdio: 'ignore', memory: '32M', pids: 16 })
      expect(stats.exitCode).toBe(0)
    }
    await sleep(50)
    expect(mountCount()).toBe(mounts)
    expect(ours()).toEqual([])
    // The last run out removes islet's parent: one still there must hold another run's leaves.
    for (const parent of isletParents()) expect(fs.readdirSync(parent, { withFileTypes: true }).some((e) => e.isDirectory())).toBe(true)
    expect(openFdCount()).toBe(fds)
    expect(hostPidsWith('islet-launcher')).toEqual([])
  })
})
