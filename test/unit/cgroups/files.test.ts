import { describe, expect, it } from 'vitest'
import { cpuQuotaUsec, flatKeyedNumber, NSEC_PER_USEC, parseFlatKeyed, singleNumber } from '../../../src/cgroups/format.js'
import * as v1 from '../../../src/cgroups/v1/files.js'
import * as v2 from '../../../src/cgroups/v2/files.js'

describe('limit formatting', () => {
  it('turns cores into a CFS quota per 100 ms period, at least 1 ms', () => {
    expect(cpuQuotaUsec(0.5)).toBe(50_000)
    expect(cpuQuotaUsec(2)).toBe(200_000)
    expect(cpuQuotaUsec(0.123456)).toBe(12_346)
    expect(cpuQuotaUsec(0.001)).toBe(1_000)
    expect(cpuQuotaUsec(0.0001)).toBe(1_000)
  })

  it('writes v1 period and quota, and v2 "QUOTA PERIOD"', () => {
    expect(v1.formatCpuLimit(0.25)).toEqual({ period: '100000', quota: '25000' })
    expect(v2.formatCpuMax(0.25)).toBe('25000 100000')
    expect(v2.formatCpuMax(1.5)).toBe('150000 100000')
  })

  it('writes memory and pids limits as plain integers', () => {
    expect(v1.formatMemoryLimit(256 * 1024 * 1024)).toBe('268435456')
    expect(v2.formatMemoryLimit(256 * 1024 * 1024)).toBe('268435456')
    expect(v1.formatPidsLimit(64)).toBe('64')
    expect(v2.formatPidsLimit(64)).toBe('64')
  })

  it('reads and writes v2 controller lists', () => {
    expect(v2.parseControllerList('cpuset cpu io memory hugetlb pids rdma misc\n')).toContain('memory')
    expect(v2.parseControllerList('+memory +cpu')).toEqual(['memory', 'cpu'])
    expect(v2.parseControllerList(null)).toEqual([])
    expect(v2.formatSubtreeControl(['memory', 'cpu', 'pids'])).toBe('+memory +cpu +pids')
  })
})

describe('flat-keyed files', () => {
  it('parses memory.oom_control (v1)', () => {
    const values = parseFlatKeyed('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n')
    expect(values.get('oom_kill')).toBe(3n)
    expect(values.get('under_oom')).toBe(0n)
  })

  it('parses memory.events (v2) and ignores lines that are not "key integer"', () => {
    const text = 'low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\ngarbage\nodd line here\n'
    expect(flatKeyedNumber(text, 'oom_kill')).toBe(1)
    expect(flatKeyedNumber(text, 'garbage')).toBeNull()
    expect(flatKeyedNumber(null, 'oom_kill')).toBeNull()
  })

  it('scales v1 cpu.stat nanoseconds to microseconds without losing precision first', () => {
    const text = 'nr_periods 10\nnr_throttled 4\nthrottled_time 98765432109876543\nnr_bursts 0\nburst_time 0\n'
    expect(flatKeyedNumber(text, 'throttled_time', NSEC_PER_USEC)).toBe(98765432109876)
  })

  it('parses pids.events', () => {
    expect(flatKeyedNumber('max 5\n', 'max')).toBe(5)
  })

  it('reads single numbers, and "max" as no number', () => {
    expect(singleNumber('123456789\n')).toBe(123456789)
    expect(singleNumber('1500999\n', NSEC_PER_USEC)).toBe(1500)
    expect(singleNumber('max\n')).toBeNull()
    expect(singleNumber(null)).toBeNull()
  })
})

describe('file names', () => {
  it('are the kernel names, one module per version', () => {
    expect([v1.MEMORY_LIMIT_FILE, v1.MEMORY_MEMSW_LIMIT_FILE, v1.MEMORY_MAX_USAGE_FILE, v1.MEMORY_OOM_CONTROL_FILE]).toEqual([
      'memory.limit_in_bytes',
      'memory.memsw.limit_in_bytes',
      'memory.max_usage_in_bytes',
      'memory.oom_control',
    ])
    expect([v1.CPU_PERIOD_FILE, v1.CPU_QUOTA_FILE, v1.CPU_STAT_FILE, v1.CPUACCT_USAGE_FILE]).toEqual([
      'cpu.cfs_period_us',
      'cpu.cfs_quota_us',
      'cpu.stat',
      'cpuacct.usage',
    ])
    expect([v2.MEMORY_MAX_FILE, v2.MEMORY_SWAP_MAX_FILE, v2.MEMORY_PEAK_FILE, v2.MEMORY_EVENTS_FILE, v2.CPU_MAX_FILE]).toEqual([
      'memory.max',
      'memory.swap.max',
      'memory.peak',
      'memory.events',
      'cpu.max',
    ])
    expect([v2.KILL_FILE, v2.SUBTREE_CONTROL_FILE, v2.CONTROLLERS_FILE, v2.PROCS_FILE]).toEqual([
      'cgroup.kill',
      'cgroup.subtree_control',
      'cgroup.controllers',
      'cgroup.procs',
    ])
  })
})
