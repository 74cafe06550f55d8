/**
 * Pure value formatting and parsing shared by both cgroup versions. No kernel
 * file names here: those live in v1/files.ts and v2/files.ts.
 */

/** CFS period islet uses on both versions: the kernel's default, 100 ms. */
export const CPU_PERIOD_USEC = 100_000
/** The kernel rejects quotas below 1 ms (EINVAL), so tiny core counts are raised to it. */
export const CPU_MIN_QUOTA_USEC = 1_000

/** CFS quota for `cores` CPUs per CPU_PERIOD_USEC: round(cores × period), at least 1 ms. */
export function cpuQuotaUsec(cores: number): number {
  return Math.max(CPU_MIN_QUOTA_USEC, Math.round(cores * CPU_PERIOD_USEC))
}

/**
 * Parse a flat-keyed file ("key value" per line: memory.events, memory.oom_control,
 * cpu.stat, pids.events). Values are kept as bigint text-exact so nanosecond
 * counters beyond 2^53 are not rounded before they are scaled.
 */
export function parseFlatKeyed(text: string): Map<string, bigint> {
  const values = new Map<string, bigint>()
  for (const line of text.split('\n')) {
    const [key, value, extra] = line.trim().split(/\s+/)
    if (!key || value === undefined || extra !== undefined || !/^-?\d+$/.test(value)) continue
    values.set(key, BigInt(value))
  }
  return values
}

/** `key` of a flat-keyed file as a number, or null when the file or key is missing. */
export function flatKeyedNumber(text: string | null, key: string, divisor = 1n): number | null {
  if (text === null) return null
  const value = parseFlatKeyed(text).get(key)
  return value === undefined ? null : Number(value / divisor)
}

/** A single-value file ("12345\n") as a number, scaled by `divisor`; null when missing or not a number ("max"). */
export function singleNumber(text: string | null, divisor = 1n): number | null {
  if (text === null) return null
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed)) return null
  return Number(BigInt(trimmed) / divisor)
}

/** Nanoseconds → microseconds, for v1's ns counters (cpuacct.usage, cpu.stat throttled_time). */
export const NSEC_PER_USEC = 1000n
