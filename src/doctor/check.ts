/**
 * What one doctor check reports. A check looks at the host through a HostView
 * (./host-view.ts) and says what it found; it never throws for a host problem,
 * that is what `fail` is for. `fix` is a command or an instruction the user can
 * act on, present whenever the status is not ok.
 */
import type { HostView } from './host-view.js'

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip'

export interface CheckResult {
  /** Stable name for programs reading `--json` ("kernel", "cgroup-memory", "userns-apparmor"). */
  id: string
  /** What is checked, as a short phrase for the table. */
  title: string
  status: CheckStatus
  /** What was found: values read, paths, errno texts. */
  detail: string
  /** How to fix it; absent when there is nothing to do. */
  fix?: string
}

/** One concern; may report several rows (one per cgroup controller, say). */
export type Check = (view: HostView) => CheckResult | CheckResult[] | Promise<CheckResult | CheckResult[]>

/** A result, leaving `fix` out (rather than undefined) when there is none, so JSON and toEqual stay clean. */
export function result(id: string, title: string, status: CheckStatus, detail: string, fix?: string): CheckResult {
  return fix === undefined ? { id, title, status, detail } : { id, title, status, detail, fix }
}

/** euid 0 runs islet as root; anyone else needs rootless mode. */
export function isRoot(view: HostView): boolean {
  return view.euid === 0
}

/** A /proc/sys integer, or null when the file is absent or not a number. */
export function readSysctl(view: HostView, path: string): number | null {
  const text = view.readFile(path)
  if (text === null) return null
  const value = Number(text.trim())
  return Number.isInteger(value) ? value : null
}
