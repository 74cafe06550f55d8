/** The doctor's report as a table for people and as JSON for CI. */
import pc from 'picocolors'
import type { CheckStatus } from './check.js'
import type { DoctorReport } from './run-doctor.js'

export type Colors = ReturnType<typeof pc.createColors>

/** Bumped when a field changes meaning; new fields may appear without a bump. */
export const DOCTOR_JSON_VERSION = 1

const MARKS: Record<CheckStatus, string> = { ok: 'ok', warn: 'warn', fail: 'FAIL', skip: 'skip' }

function paint(colors: Colors, status: CheckStatus, text: string): string {
  switch (status) {
    case 'ok': return colors.green(text)
    case 'warn': return colors.yellow(text)
    case 'fail': return colors.red(colors.bold(text))
    case 'skip': return colors.dim(text)
  }
}

/** The last line of the table: the verdict and what decided it. */
export function summaryLine(report: DoctorReport): string {
  const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.id)
  const warned = report.checks.filter((c) => c.status === 'warn').length
  if (report.canRun) {
    return `islet can run here (${report.runAs === 'root' ? 'as root' : 'rootless'})${warned > 0 ? `, with ${warned} warning${warned > 1 ? 's' : ''}` : ''}`
  }
  return `islet cannot run here ${report.runAs === 'root' ? 'as root' : 'as this user'}: ${failed.join(', ')} failed`
}

/**
 * One line per check: status, title, what was found; the fix on the next line,
 * indented, for every row that is not ok. Titles are padded to one column.
 */
export function formatTable(report: DoctorReport, colors: Colors = pc): string {
  const width = Math.max(...report.checks.map((c) => c.title.length))
  const lines = report.checks.flatMap((check) => {
    const mark = paint(colors, check.status, MARKS[check.status].padEnd(4))
    const row = `${mark}  ${check.title.padEnd(width)}  ${check.status === 'skip' ? colors.dim(check.detail) : check.detail}`
    return check.fix && check.status !== 'ok' ? [row, colors.dim(`${' '.repeat(6 + width)}  fix: ${check.fix}`)] : [row]
  })
  const summary = summaryLine(report)
  return [...lines, '', report.canRun ? colors.green(summary) : colors.red(colors.bold(summary))].join('\n') + '\n'
}

/** The same report for programs: `{ version, canRun, runAs, summary, checks: [{ id, title, status, detail, fix? }] }`. */
export function formatJson(report: DoctorReport): string {
  return JSON.stringify({ version: DOCTOR_JSON_VERSION, canRun: report.canRun, runAs: report.runAs, summary: summaryLine(report), checks: report.checks }, null, 2) + '\n'
}
