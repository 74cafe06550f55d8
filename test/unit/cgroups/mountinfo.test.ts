import { describe, expect, it } from 'vitest'
import { parseMountInfo, parseMountInfoLine, unescapeMountField } from '../../../src/cgroups/mountinfo.js'
import { HYBRID_COMOUNTED, HYBRID_SEPARATE_CPU, V2_ONLY } from './samples.js'

describe('parseMountInfoLine', () => {
  it('reads every field of a line without optional fields', () => {
    expect(parseMountInfoLine('35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory')).toEqual({
      mountId: 35,
      parentId: 31,
      device: '0:32',
      root: '/',
      mountPoint: '/sys/fs/cgroup/memory',
      mountOptions: ['rw', 'relatime'],
      optionalFields: [],
      fsType: 'cgroup',
      source: 'cgroup',
      superOptions: ['rw', 'memory'],
    })
  })

  it('finds the fields after any number of optional fields', () => {
    const entry = parseMountInfoLine(
      '36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 propagate_from:2 - ext3 /dev/root rw,errors=continue',
    )
    expect(entry.optionalFields).toEqual(['master:1', 'shared:7', 'propagate_from:2'])
    expect(entry.fsType).toBe('ext3')
    expect(entry.source).toBe('/dev/root')
    expect(entry.superOptions).toEqual(['rw', 'errors=continue'])
    expect(entry.root).toBe('/mnt1')
  })

  it('decodes octal escapes in paths and options, splitting options before decoding', () => {
    const entry = parseMountInfoLine(
      '90 27 0:50 /a\\134b /mnt/my\\040disk\\011tab rw - overlay my\\040src rw,lowerdir=/x\\054y:/z,upperdir=/u',
    )
    expect(entry.mountPoint).toBe('/mnt/my disk\ttab')
    expect(entry.root).toBe('/a\\b')
    expect(entry.source).toBe('my src')
    // \054 is an escaped comma: it stays inside lowerdir's value.
    expect(entry.superOptions).toEqual(['rw', 'lowerdir=/x,y:/z', 'upperdir=/u'])
  })

  it('keeps a "-" that is a path, not the separator', () => {
    const entry = parseMountInfoLine('50 1 0:60 / /- rw shared:3 - tmpfs - rw')
    expect(entry.mountPoint).toBe('/-')
    expect(entry.fsType).toBe('tmpfs')
    expect(entry.source).toBe('-')
  })

  it('names the line when it is malformed', () => {
    expect(() => parseMountInfoLine('1 2 0:3 / /x rw tmpfs tmpfs rw')).toThrow(/malformed line "1 2 0:3/)
  })
})

describe('parseMountInfo', () => {
  it('parses a hybrid host, cpu and cpuacct on their own hierarchies', () => {
    const cgroups = parseMountInfo(HYBRID_SEPARATE_CPU).filter((e) => e.fsType.startsWith('cgroup'))
    expect(cgroups.map((e) => [e.mountPoint, e.fsType, e.superOptions.join(',')])).toEqual([
      ['/sys/fs/cgroup/cpu', 'cgroup', 'rw,cpu'],
      ['/sys/fs/cgroup/cpuacct', 'cgroup', 'rw,cpuacct'],
      ['/sys/fs/cgroup/cpuset', 'cgroup', 'rw,cpuset'],
      ['/sys/fs/cgroup/memory', 'cgroup', 'rw,memory'],
      ['/sys/fs/cgroup/devices', 'cgroup', 'rw,devices'],
      ['/sys/fs/cgroup/pids', 'cgroup', 'rw,pids'],
      ['/sys/fs/cgroup/systemd', 'cgroup', 'rw,name=systemd'],
      ['/sys/fs/cgroup/unified', 'cgroup2', 'rw'],
    ])
  })

  it('parses systemd hybrid with propagation tags and co-mounted cpu,cpuacct', () => {
    const cpu = parseMountInfo(HYBRID_COMOUNTED).find((e) => e.superOptions.includes('cpu'))
    expect(cpu?.mountPoint).toBe('/sys/fs/cgroup/cpu,cpuacct')
    expect(cpu?.optionalFields).toEqual(['shared:15'])
    expect(cpu?.superOptions).toEqual(['rw', 'cpu', 'cpuacct'])
  })

  it('parses a v2-only host and skips blank lines', () => {
    const entries = parseMountInfo(`\n${V2_ONLY}\n\n`)
    expect(entries).toHaveLength(4)
    expect(entries.at(-1)).toMatchObject({
      mountPoint: '/sys/fs/cgroup',
      fsType: 'cgroup2',
      superOptions: ['rw', 'nsdelegate', 'memory_recursiveprot'],
    })
  })

  it('unescapes only three-digit octal escapes', () => {
    expect(unescapeMountField('a\\040b\\12c\\134')).toBe('a b\\12c\\')
  })
})
