import pc from 'picocolors'
import { formatBytes } from '../config/size.js'
import type { RunStats } from '../launcher/run-stats.js'

export interface FileStats extends RunStats {
  project: string
  file: string
}

/** The end-of-run table: what each file's container used, and which limit stopped it. */
export function formatReport(rows: FileStats[]): string {
  if (rows.length === 0) return ''
  const sorted = [...rows].sort((a, b) => a.file.localeCompare(b.file))
  const table = [['file', 'peak memory', 'cpu time', 'pids peak', 'throttled', 'time'], ...sorted.map((r) => [
    (r.project ? `[${r.project}] ` : '') + r.file,
    r.memoryPeakBytes === null ? '—' : formatBytes(r.memoryPeakBytes),
    r.cpuUsageUsec === null ? '—' : `${(r.cpuUsageUsec / 1000).toFixed(0)} ms`,
    r.pidsPeak === null ? '—' : String(r.pidsPeak),
    r.cpuThrottledUsec === null ? '—' : `${(r.cpuThrottledUsec / 1000).toFixed(0)} ms`,
    `${r.durationMs} ms`,
  ])]
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)))
  const lines = table.map((row, n) => {
    const text = row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')
    return n === 0 ? pc.bold(text) : text
  })
  for (const r of sorted.filter((row) => row.diagnosis)) lines.push(pc.red(`${r.file}: ${r.diagnosis}`))
  return `\n${pc.bold(pc.cyan(' islet '))} per-file usage\n${lines.map((l) => '  ' + l).join('\n')}\n`
}

export function reportJson(rows: FileStats[]): string {
  return JSON.stringify({ files: rows }, null, 2) + '\n'
}
