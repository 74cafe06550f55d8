// What every benchmark result records beside its figures: the same numbers mean
// little on another kernel, cgroup mode or core count.
import fs from 'node:fs'
import os from 'node:os'
import { detectCgroupMode } from '../dist/cgroups/detect.js'

export function benchEnvironment() {
  return {
    date: new Date().toISOString(),
    kernel: os.release(),
    cgroupMode: detectCgroupMode(),
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverage: os.loadavg().map((n) => n.toFixed(2)).join(' '),
  }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

export function writeResult(name, result, markdown) {
  const dir = new URL('./results/', import.meta.url)
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(new URL(`${name}.json`, dir), JSON.stringify(result, null, 2) + '\n')
  fs.writeFileSync(new URL(`${name}.md`, dir), markdown)
}
