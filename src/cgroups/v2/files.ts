/**
 * Every cgroup v2 file name islet touches, and how limit values are written to
 * them. The v1 twin is ../v1/files.ts; nothing else in islet spells these names.
 */
import { cpuQuotaUsec, CPU_PERIOD_USEC } from '../format.js'

/** Controllers islet needs enabled for its leaves. */
export const V2_REQUIRED_CONTROLLERS = ['memory', 'cpu', 'pids'] as const
/** Enabled too when the host offers it, so future io limits need no migration. */
export const V2_OPTIONAL_CONTROLLERS = ['io'] as const

export const PROCS_FILE = 'cgroup.procs'
/** Writing "1" SIGKILLs every process in the subtree (Linux 5.14+). */
export const KILL_FILE = 'cgroup.kill'
export const SUBTREE_CONTROL_FILE = 'cgroup.subtree_control'
export const CONTROLLERS_FILE = 'cgroup.controllers'

export const MEMORY_MAX_FILE = 'memory.max'
/** Absent without swap accounting; islet writes 0 so the memory limit cannot be dodged by swapping. */
export const MEMORY_SWAP_MAX_FILE = 'memory.swap.max'
/** Since Linux 5.19; older kernels have no peak and the engine falls back to rusage. */
export const MEMORY_PEAK_FILE = 'memory.peak'
/** Flat-keyed: low, high, max, oom, oom_kill, oom_group_kill. */
export const MEMORY_EVENTS_FILE = 'memory.events'
export const OOM_KILL_KEY = 'oom_kill'

export const CPU_MAX_FILE = 'cpu.max'
/** Flat-keyed: usage_usec, user_usec, system_usec, nr_periods, nr_throttled, throttled_usec, ... */
export const CPU_STAT_FILE = 'cpu.stat'
export const CPU_USAGE_KEY = 'usage_usec'
export const CPU_THROTTLED_KEY = 'throttled_usec'

export const PIDS_MAX_FILE = 'pids.max'
export const PIDS_PEAK_FILE = 'pids.peak'
export const PIDS_EVENTS_FILE = 'pids.events'
export const PIDS_EVENTS_MAX_KEY = 'max'

export function formatMemoryLimit(bytes: number): string {
  return String(bytes)
}

/** Swap allowed on top of memory.max: none, so memoryBytes bounds memory + swap as on v1. */
export const SWAP_LIMIT_VALUE = '0'

/** cpu.max: "QUOTA PERIOD" in microseconds. */
export function formatCpuMax(cores: number): string {
  return `${cpuQuotaUsec(cores)} ${CPU_PERIOD_USEC}`
}

export function formatPidsLimit(pids: number): string {
  return String(pids)
}

/** Controller names in cgroup.controllers / cgroup.subtree_control ("cpu io memory pids"). */
export function parseControllerList(text: string | null): string[] {
  if (text === null) return []
  return text.split(/\s+/).filter(Boolean).map((name) => name.replace(/^\+/, ''))
}

/** The line written to cgroup.subtree_control to enable `controllers`: "+memory +cpu +pids". */
export function formatSubtreeControl(controllers: readonly string[]): string {
  return controllers.map((name) => `+${name}`).join(' ')
}
