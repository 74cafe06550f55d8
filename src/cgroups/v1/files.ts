/**
 * Every cgroup v1 file name islet touches, and how limit values are written to
 * them. The v2 twin is ../v2/files.ts; nothing else in islet spells these names.
 */
import { cpuQuotaUsec, CPU_PERIOD_USEC } from '../format.js'

/** The v1 controllers islet uses. cpu and cpuacct may share one directory ("cpu,cpuacct"). */
export const V1_CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'pids'] as const
export type V1Controller = (typeof V1_CONTROLLERS)[number]

export const PROCS_FILE = 'cgroup.procs'

export const MEMORY_LIMIT_FILE = 'memory.limit_in_bytes'
/** memory + swap; absent when the kernel runs without swap accounting (swapaccount=0). */
export const MEMORY_MEMSW_LIMIT_FILE = 'memory.memsw.limit_in_bytes'
export const MEMORY_MAX_USAGE_FILE = 'memory.max_usage_in_bytes'
/** Flat-keyed: oom_kill_disable, under_oom, oom_kill (the latter since Linux 4.13). */
export const MEMORY_OOM_CONTROL_FILE = 'memory.oom_control'
export const OOM_KILL_KEY = 'oom_kill'

export const CPU_PERIOD_FILE = 'cpu.cfs_period_us'
export const CPU_QUOTA_FILE = 'cpu.cfs_quota_us'
/** Flat-keyed: nr_periods, nr_throttled, throttled_time (ns), ... */
export const CPU_STAT_FILE = 'cpu.stat'
export const CPU_THROTTLED_TIME_KEY = 'throttled_time'
/** Total CPU time of the cgroup in nanoseconds. */
export const CPUACCT_USAGE_FILE = 'cpuacct.usage'

export const PIDS_MAX_FILE = 'pids.max'
/** Since Linux 6.1; older kernels have no peak, and islet reports null. */
export const PIDS_PEAK_FILE = 'pids.peak'
/** Flat-keyed: "max N" counts forks refused by pids.max. */
export const PIDS_EVENTS_FILE = 'pids.events'
export const PIDS_EVENTS_MAX_KEY = 'max'

export interface V1CpuValues {
  period: string
  quota: string
}

export function formatMemoryLimit(bytes: number): string {
  return String(bytes)
}

/** cfs_period_us and cfs_quota_us for `cores` CPUs; the period is written first. */
export function formatCpuLimit(cores: number): V1CpuValues {
  return { period: String(CPU_PERIOD_USEC), quota: String(cpuQuotaUsec(cores)) }
}

export function formatPidsLimit(pids: number): string {
  return String(pids)
}
