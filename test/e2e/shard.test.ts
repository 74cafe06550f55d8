import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hostPidsWith, isletCgroupLeaves, waitFor, whyNoContainers } from '../helpers/engine.js'
import { hostSkip, requireHost } from '../helpers/host.js'
import { copyFixture, removeFixtureCopy, runVitest } from '../helpers/vitest-run.js'

const host = hostSkip(whyNoContainers())
requireHost(host)

function filesIn(report: string): string[] {
  const json = JSON.parse(fs.readFileSync(report, 'utf8'))
  return json.testResults.map((r: { name: string; status: string }) => {
    expect(r.status).toBe('passed')
    return path.basename(r.name)
  })
}

describe.skipIf(host.skip)(host.title('--shard across two runs'), () => {
  let dir: string
  beforeAll(() => { dir = copyFixture('many') })
  afterAll(() => removeFixtureCopy(dir))

  it('--shard=1/2 and --shard=2/2 together run every file exactly once', async () => {
    const [one, two] = await Promise.all([1, 2].map((i) => runVitest(dir, [`--shard=${i}/2`, '--reporter=json', `--outputFile=shard-${i}.json`])))
    expect(one.code).toBe(0)
    expect(two.code).toBe(0)
    const a = filesIn(path.join(dir, 'shard-1.json'))
    const b = filesIn(path.join(dir, 'shard-2.json'))
    expect(a.length).toBeGreaterThan(0)
    expect(b.length).toBeGreaterThan(0)
    expect(a.filter((f) => b.includes(f))).toEqual([])
    expect([...a, ...b].sort()).toEqual(fs.readdirSync(path.join(dir, 'test')).sort())
  })

  it('`vitest list` collects every test through the containers', async () => {
    const run = runVitest(dir, ['list', '--json=tests.json'])
    const result = await run
    expect(result.code).toBe(0)
    // The container islet builds ahead for a next file that never comes must not outlive Vitest.
    await waitFor(() => isletCgroupLeaves().every((leaf) => !leaf.includes(`/${run.pid}-`)) && hostPidsWith('islet-launcher').length === 0, 3000, 'the spare container to go')
    const tests = JSON.parse(fs.readFileSync(path.join(dir, 'tests.json'), 'utf8'))
    expect(tests).toHaveLength(40)
    expect(tests.map((t: { name: string }) => t.name)).toContain('adds in file 07')
  })
})
