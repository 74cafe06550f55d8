#!/usr/bin/env node
// Suite wall time: the 40-file trivial project (fixtures/many) under Vitest's own
// forks pool and under islet, alternating runs, medians and the ratio. Trivial
// files make the pool's own cost per file as visible as it can be.
//   node bench/suite.mjs [runs]      (root)
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchEnvironment, median, writeResult } from './environment.mjs'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const FIXTURE = path.join(REPO, 'fixtures', 'many')
const VITEST = path.join(REPO, 'node_modules', 'vitest', 'vitest.mjs')
const RUNS = Number(process.argv[2] ?? 7)

function timeRun(pool) {
  const args = [VITEST, 'run', '--reporter=dot', ...(pool === 'forks' ? ['--pool=forks'] : [])]
  const started = process.hrtime.bigint()
  const result = spawnSync(process.execPath, args, { cwd: FIXTURE, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (result.status !== 0) throw new Error(`${pool} run failed:\n${result.stdout}${result.stderr}`)
  return ms
}

const times = { forks: [], islet: [] }
timeRun('forks')
timeRun('islet')
for (let i = 0; i < RUNS; i++) {
  for (const pool of i % 2 ? ['islet', 'forks'] : ['forks', 'islet']) times[pool].push(timeRun(pool))
}
const environment = benchEnvironment()
const forks = median(times.forks)
const islet = median(times.islet)
const ratio = islet / forks
const markdown = `# Suite wall time: 40 trivial test files, islet vs forks

${RUNS} alternating runs of \`vitest run\` on fixtures/many (after one warm-up run each), default maxWorkers.

| pool | median wall time | ratio |
|---|---:|---:|
| forks | ${(forks / 1000).toFixed(2)} s | 1.00× |
| islet | ${(islet / 1000).toFixed(2)} s | ${ratio.toFixed(2)}× |

Extra per file: ${((islet - forks) / 40).toFixed(1)} ms (goal: at most 1.05×).

Environment: kernel ${environment.kernel}, cgroups ${environment.cgroupMode}, ${environment.cores} cores, ${environment.memoryGiB} GiB, ${environment.cpu}, Node ${environment.node}, load ${environment.loadAverage}, ${environment.date}.
`
writeResult('suite', { environment, runs: RUNS, forksMs: times.forks, isletMs: times.islet, ratio: +ratio.toFixed(3) }, markdown)
console.log(markdown)
