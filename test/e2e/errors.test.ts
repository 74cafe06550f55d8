import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { whyNoContainers } from '../helpers/engine.js'
import { hostSkip, requireHost } from '../helpers/host.js'
import { copyFixture, removeFixtureCopy, runVitest } from '../helpers/vitest-run.js'

const host = hostSkip(whyNoContainers())
requireHost(host)

describe.skipIf(host.skip)(host.title('what a user sees when islet cannot run a file'), () => {
  const dirs: string[] = []
  const fixture = (name: string) => { const dir = copyFixture(name); dirs.push(dir); return dir }
  afterAll(() => dirs.forEach(removeFixtureCopy))

  it('fails the run before any test when a docblock has an unknown key, naming file, key and value', async () => {
    const result = await runVitest(fixture('bad-docblock'), [])
    expect(result.code).toBe(1)
    expect(result.output).toContain('test/typo.test.ts: unknown key "memroy" in its @islet docblock (value "64M")')
    expect(result.output).toContain('hint: known keys: memory, cpu, pids')
    expect(result.output).toMatch(/Tests\s+no tests/)
  })

  let slow: string
  beforeAll(() => { slow = fixture('slow') })

  it('fails a file whose container cannot start at once, not after the 60 s start timeout', async () => {
    const result = await runVitest(slow, ['test/broken-start.test.ts'])
    expect(result.code).toBe(1)
    expect(result.output).toContain('test/broken-start.test.ts: layer /nonexistent/islet-layer.tar: no such file or directory (ENOENT)')
    expect(result.durationMs).toBeLessThan(15_000)
  })

  it('refuses isolate: false and says why', async () => {
    const result = await runVitest(slow, ['--no-isolate', 'test/sleeper-a.test.ts'])
    expect(result.code).toBe(1)
    expect(result.output).toContain('the islet pool needs isolate: true')
  })
})
