import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { whyNoContainers } from '../helpers/engine.js'
import { hostSkip, requireHost } from '../helpers/host.js'
import { copyFixture, removeFixtureCopy, runVitest } from '../helpers/vitest-run.js'

const host = hostSkip(whyNoContainers())
requireHost(host)

/** Vitest writes new snapshots only outside CI (std-env): run these as a developer's terminal would. */
const LOCAL = { CI: '', GITHUB_ACTIONS: '', CONTINUOUS_INTEGRATION: '' }

describe.skipIf(host.skip)(host.title('snapshots reach the host, nothing else does'), () => {
  let dir: string
  beforeAll(() => { dir = copyFixture('snapshots') })
  afterAll(() => removeFixtureCopy(dir))

  it('writes new snapshot, file-snapshot and inline-snapshot files to the host', async () => {
    const result = await runVitest(dir, [], LOCAL)
    expect(result.output).toMatch(/Snapshots\s+3 written/)
    expect(result.code).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'test/__snapshots__/math.test.ts.snap'), 'utf8')).toContain('"sign": "positive"')
    expect(fs.readFileSync(path.join(dir, 'test/output/sum.txt'), 'utf8')).toBe('sum=42\n')
    expect(fs.readFileSync(path.join(dir, 'test/math.test.ts'), 'utf8')).toContain('toMatchInlineSnapshot(`"negative"`)')
  })

  it('passes against them on the next run, in CI mode too', async () => {
    const result = await runVitest(dir, [], { CI: 'true' })
    expect(result.output).toMatch(/Tests\s+3 passed/)
    expect(result.code).toBe(0)
  })

  it('updates changed snapshots with -u and drops obsolete entries', async () => {
    const source = path.join(dir, 'src/math.ts')
    fs.writeFileSync(source, fs.readFileSync(source, 'utf8').replace('return a + b', 'return a + b + 1'))
    const snap = path.join(dir, 'test/__snapshots__/math.test.ts.snap')
    fs.appendFileSync(snap, '\nexports[`a test that was deleted 1`] = `1`;\n')
    const failing = await runVitest(dir, [], { CI: 'true' })
    expect(failing.code).toBe(1)
    expect(failing.output).toMatch(/Snapshots\s+2 failed/)
    const updated = await runVitest(dir, ['-u'], LOCAL)
    expect(updated.code).toBe(0)
    expect(updated.output).toMatch(/Snapshots\s+2 updated/)
    expect(fs.readFileSync(path.join(dir, 'test/__snapshots__/math.test.ts.snap'), 'utf8')).toContain('"sum": 6')
    expect(fs.readFileSync(path.join(dir, 'test/output/sum.txt'), 'utf8')).toBe('sum=43\n')
    expect(fs.readFileSync(snap, 'utf8')).not.toContain('a test that was deleted')
  })

  it('collects v8 coverage from inside the containers', async () => {
    const result = await runVitest(dir, ['--coverage.enabled', '--coverage.provider=v8', '--coverage.reporter=json-summary'], { CI: 'true' })
    expect(result.code).toBe(0)
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'coverage/coverage-summary.json'), 'utf8'))
    const math = Object.entries(summary).find(([file]) => file.endsWith('src/math.ts'))?.[1] as { lines: { pct: number } }
    expect(math.lines.pct).toBe(100)
  })
})
