import { afterAll, describe, expect, it } from 'vitest'
import { whyNoContainers } from '../helpers/engine.js'
import { hostSkip, requireHost } from '../helpers/host.js'
import { copyFixture, removeFixtureCopy, runVitest } from '../helpers/vitest-run.js'

const host = hostSkip(whyNoContainers())
requireHost(host)

describe.skipIf(host.skip)(host.title('projects with different islet options'), () => {
  const dirs: string[] = []
  afterAll(() => dirs.forEach(removeFixtureCopy))

  it('applies each project\'s own limits to its files', async () => {
    const dir = copyFixture('projects')
    dirs.push(dir)
    const result = await runVitest(dir, [])
    expect(result.output).toMatch(/✓ \|?\s*big\s*\|? big\/alloc\.test\.ts/)
    expect(result.output).toMatch(/small\/alloc\.test\.ts: out of memory: the memory limit \(128 MiB\) was reached/)
    expect(result.code).toBe(1)
  })
})
