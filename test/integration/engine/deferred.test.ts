import { describe, expect, it } from 'vitest'
import { startContainer } from '../../../src/launcher/start-container.js'
import { hostSkip, requireHost } from '../../helpers/host.js'
import { hostPidsWith, isletCgroupLeaves, sleep, waitFor, whyNoContainers } from '../../helpers/engine.js'

const host = hostSkip(whyNoContainers())
requireHost(host)

/** The pool builds the next file's container ahead of time and starts its command on go(). */
describe.skipIf(host.skip)(host.title('containers built ahead of their command'), () => {
  it('runs nothing until go(), then the command under the hostname go() names', async () => {
    const container = await startContainer(['hostname'], { deferred: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    container.child.stdout?.on('data', (d) => { stdout += d })
    await sleep(200)
    expect(container.child.exitCode).toBeNull()
    expect(stdout).toBe('')
    container.go('islet-chosen-later')
    await container.ready
    const stats = await container.finished
    expect(stats.exitCode).toBe(0)
    expect(stdout).toBe('islet-chosen-later\n')
  })

  it('discard() ends it without running the command and leaves no cgroup or process', async () => {
    const mine = () => isletCgroupLeaves().filter((leaf) => leaf.includes(`/${process.pid}-`))
    const marker = `islet-never-${Math.floor(Math.random() * 1e6)}`
    const container = await startContainer(['sh', '-c', `echo ${marker}`], { deferred: true, stdio: ['ignore', 'pipe', 'ignore'] })
    let stdout = ''
    container.child.stdout?.on('data', (d) => { stdout += d })
    await sleep(100)
    container.discard()
    await expect(container.ready).rejects.toThrow(/did not start/)
    await waitFor(() => container.child.exitCode !== null, 5000, 'the launcher to end')
    await waitFor(() => mine().length === 0, 5000, 'the cgroup to go')
    expect(stdout).toBe('')
    expect(hostPidsWith(marker)).toEqual([])
  })

  it('go() on a container not made deferred is a clear error', async () => {
    const container = await startContainer(['true'], { stdio: 'ignore' })
    expect(() => container.go('x')).toThrow('go()/discard() need a container started with { deferred: true }')
    await container.finished
  })
})
