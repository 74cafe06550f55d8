import { describe, expect, it } from 'vitest'
import { run } from '../../../src/launcher/run.js'
import { startContainer } from '../../../src/launcher/start-container.js'
import { hostSkip, requireHost } from '../../helpers/host.js'
import { isletCgroupLeaves, whyNoContainers } from '../../helpers/engine.js'

const host = hostSkip(whyNoContainers())
requireHost(host)

describe.skipIf(host.skip)(host.title('clear, fast errors from a real launcher'), () => {
  it('fails a missing command within a second, naming exec and the errno', async () => {
    const started = Date.now()
    const leaves = isletCgroupLeaves().length
    const container = await startContainer(['no-such-program-islet'])
    await expect(container.ready).rejects.toMatchObject({
      code: 'ERR_ISLET_START',
      message: expect.stringMatching(/exec no-such-program-islet: No such file or directory \(ENOENT\)/),
    })
    expect(Date.now() - started).toBeLessThan(1000)
    await expect(container.finished).rejects.toThrow(/did not start/)
    expect(isletCgroupLeaves().length).toBe(leaves)
  })

  it('refuses bad options before anything is created', async () => {
    const leaves = isletCgroupLeaves().length
    await expect(run(['true'], { memory: 'lots' })).rejects.toMatchObject({ code: 'ERR_ISLET_OPTION', message: expect.stringContaining('invalid memory: "lots"') })
    await expect(run(['true'], { layers: ['/nonexistent/layer.tar'] })).rejects.toMatchObject({ code: 'ERR_ISLET_LAYER', message: expect.stringContaining('/nonexistent/layer.tar') })
    await expect(run([], {})).rejects.toMatchObject({ code: 'ERR_ISLET_OPTION' })
    expect(isletCgroupLeaves().length).toBe(leaves)
  })

  it('passes the command\'s exit status and signal through', async () => {
    expect(await run(['sh', '-c', 'exit 7'], { stdio: 'ignore' })).toMatchObject({ exitCode: 7, signal: null, diagnosis: null })
    expect(await run(['sh', '-c', 'kill -SEGV $$'], { stdio: 'ignore' })).toMatchObject({ exitCode: null, signal: 'SIGSEGV', diagnosis: 'killed by SIGSEGV' })
  })
})
