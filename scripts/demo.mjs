#!/usr/bin/env node
// `npm run demo`: the interference project (fixtures/interference) under Vitest's
// own `forks` pool and under islet, side by side. Files there share a port, a /tmp
// path and process names, leave a daemon, write into the project, rename the host,
// expect to be offline, eat memory and fork-bomb, as real suites do by accident.
// The demo puts the host back as it found it: hostname, files and processes.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pc from 'picocolors'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const VITEST = path.join(REPO, 'node_modules', 'vitest', 'vitest.mjs')
const MARK = 'islet-fixture-'

function hostPidsWith(marker) {
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    try { return pid !== process.pid && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker) } catch { return false }
  })
}

function copyFixture() {
  const dir = path.join(REPO, 'fixtures', `.run-demo-${process.pid}`)
  fs.cpSync(path.join(REPO, 'fixtures', 'interference'), dir, { recursive: true, filter: (src) => !src.includes('node_modules') })
  return dir
}

/** One run of the project: per-file outcome, and what it did to the host. */
function runPool(pool) {
  const dir = copyFixture()
  const hostname = os.hostname()
  const args = [VITEST, 'run', '--reporter=json', '--outputFile=results.json', ...(pool === 'forks' ? ['--pool=forks'] : [])]
  const started = Date.now()
  const result = spawnSync(process.execPath, args, { cwd: dir, env: { ...process.env, ISLET_REPORT: 'islet-stats.json', FORCE_COLOR: '0' }, encoding: 'utf8', timeout: 180_000 })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  const files = new Map()
  try {
    for (const r of JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')).testResults) {
      const failure = r.assertionResults.flatMap((a) => a.failureMessages)[0] ?? r.message ?? ''
      files.set(path.basename(r.name), { ok: r.status === 'passed', why: failure.split('\n')[0] })
    }
  } catch {}
  try {
    for (const s of JSON.parse(fs.readFileSync(path.join(dir, 'islet-stats.json'), 'utf8')).files) {
      const name = path.basename(s.file)
      if (s.diagnosis) files.set(name, { ok: false, why: s.diagnosis })
    }
  } catch {}
  const harm = []
  if (os.hostname() !== hostname) {
    harm.push(`renamed the host to "${os.hostname()}"`)
    execFileSync('hostname', [hostname])
  }
  if (fs.existsSync(path.join(dir, 'generated-by-test.txt'))) harm.push('wrote generated-by-test.txt into the project')
  const left = hostPidsWith(MARK)
  if (left.length) {
    harm.push(`left ${left.length} process${left.length > 1 ? 'es' : ''} running (${[...new Set(left.map((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]))].join(', ')})`)
    for (const pid of left) { try { process.kill(pid, 'SIGKILL') } catch {} }
  }
  if (fs.existsSync('/tmp/islet-fixture-shared.lock')) {
    harm.push('left /tmp/islet-fixture-shared.lock behind')
    fs.rmSync('/tmp/islet-fixture-shared.lock', { force: true })
  }
  fs.rmSync(dir, { recursive: true, force: true })
  if (files.size === 0) console.error(result.stdout + result.stderr)
  return { files, harm, seconds, code: result.status }
}

console.log(pc.bold('islet demo: one project whose test files get in each other\'s way\n'))
console.log(pc.dim('running it under Vitest\'s forks pool...'))
const forks = runPool('forks')
console.log(pc.dim('running it under islet...'))
const islet = runPool('islet')

const names = [...new Set([...forks.files.keys(), ...islet.files.keys()])].sort()
const width = Math.max(...names.map((n) => n.length))
const cell = (r) => (r ? (r.ok ? pc.green('pass') : pc.red('FAIL')) : pc.dim(' -- '))
console.log(`\n${pc.bold('file'.padEnd(width))}  ${pc.bold('forks')}  ${pc.bold('islet')}  why`)
for (const name of names) {
  const f = forks.files.get(name)
  const i = islet.files.get(name)
  const why = i && !i.ok ? `islet: ${i.why}` : f && !f.ok ? `forks: ${f.why}` : ''
  console.log(`${name.padEnd(width)}  ${cell(f)}   ${cell(i)}   ${pc.dim(why.slice(0, 110))}`)
}
const summary = (label, run) => {
  const failed = [...run.files.values()].filter((r) => !r.ok).length
  const harm = run.harm.length ? pc.red(`harmed the host: ${run.harm.join('; ')} (undone)`) : pc.green('left the host as it found it')
  console.log(`${pc.bold(label.padEnd(6))} ${failed} of ${run.files.size} files failed in ${run.seconds} s; ${harm}`)
}
console.log('')
summary('forks', forks)
summary('islet', islet)
console.log(pc.dim('\nUnder islet only the two files a limit stopped fail (memory=96M, pids=64 in their @islet docblocks), each with its diagnosis.'))
