#!/usr/bin/env node
// Container start to a finished /bin/true, islet beside bubblewrap and unshare(1),
// every one spawned from this one long-lived Node process, in alternating rounds
// (the order rotating) so that load and caches hit them alike. Reports medians and ratios.
//   node bench/startup.mjs [rounds]     (root; bwrap from `apt-get install bubblewrap`)
import { spawn, spawnSync } from 'node:child_process'
import { run } from '../dist/index.js'
import { benchEnvironment, median, percentile, writeResult } from './environment.mjs'

const ROUNDS = Number(process.argv[2] ?? 200)
const WARMUP = 10

function timeSpawn(command, args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(command, args, { stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`${command} exited ${code}`))))
  })
}

async function timeIslet(options) {
  const started = process.hrtime.bigint()
  const stats = await run(['/bin/true'], { stdio: 'ignore', ...options })
  if (stats.exitCode !== 0) throw new Error(`islet: /bin/true exited ${stats.exitCode}`)
  return Number(process.hrtime.bigint() - started) / 1e6
}

const contenders = [
  { name: 'islet (overlay rootfs, cgroups, 5 namespaces)', run: () => timeIslet({}) },
  { name: 'islet with --memory 256M --cpu 1 --pids 64', run: () => timeIslet({ memory: '256M', cpu: 1, pids: 64 }) },
  { name: 'bwrap --unshare-all (ro bind of /, /proc, /dev)', run: () => timeSpawn('bwrap', ['--unshare-all', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '/bin/true']) },
  { name: 'unshare --fork --pid --net --uts --ipc --mount', run: () => timeSpawn('unshare', ['--fork', '--pid', '--net', '--uts', '--ipc', '--mount', '/bin/true']) },
  { name: 'plain spawn of /bin/true (no isolation)', run: () => timeSpawn('/bin/true', []) },
]

if (spawnSync('bwrap', ['--version']).error) {
  console.error('bench: bwrap is missing; install it with `apt-get install bubblewrap` (bench/setup.sh does)')
  process.exit(1)
}

const samples = contenders.map(() => [])
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  // Rotate who goes first: the previous container's asynchronous teardown (network
  // namespaces are cleaned up by a kernel worker) must not always land on the same one.
  for (let k = 0; k < contenders.length; k++) {
    const i = (round + k) % contenders.length
    const ms = await contenders[i].run()
    if (round >= WARMUP) samples[i].push(ms)
  }
}

const environment = benchEnvironment()
const baseline = median(samples[3])
const rows = contenders.map((c, i) => ({ name: c.name, medianMs: +median(samples[i]).toFixed(2), p90Ms: +percentile(samples[i], 90).toFixed(2), ratioToUnshare: +(median(samples[i]) / baseline).toFixed(2) }))
const table = ['| what | median | p90 | × unshare |', '|---|---:|---:|---:|', ...rows.map((r) => `| ${r.name} | ${r.medianMs} ms | ${r.p90Ms} ms | ${r.ratioToUnshare}× |`)].join('\n')
const markdown = `# Container start to a finished /bin/true\n\n${ROUNDS} alternating rounds, the order rotating (after ${WARMUP} warm-up rounds), each spawned from one long-lived Node process.\n\n${table}\n\nEnvironment: kernel ${environment.kernel}, cgroups ${environment.cgroupMode}, ${environment.cores} cores, ${environment.memoryGiB} GiB, ${environment.cpu}, Node ${environment.node}, load ${environment.loadAverage}, ${environment.date}.\n`
writeResult('startup', { environment, rounds: ROUNDS, rows }, markdown)
console.log(markdown)
