import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cgroupName, isOwnerAlive, ISLET_PARENT, parseCgroupName, readStarttime } from '../../../src/cgroups/naming.js'
import { layOut, makeTempRoot, removeTempRoot } from './fake-root.js'

/** A /proc/<pid>/stat line whose comm holds spaces and ')', with starttime as field 22. */
function statLine(pid: number, starttime: string): string {
  const afterComm = ['S', ...Array.from({ length: 18 }, (_, i) => String(i + 4)), starttime, '999', '888']
  return `${pid} (evil) comm (x) ${afterComm.join(' ')}\n`
}

describe('cgroup names', () => {
  let proc: string
  beforeEach(() => {
    proc = makeTempRoot()
  })
  afterEach(() => removeTempRoot(proc))

  it('encodes pid, starttime (field 22 of /proc/<pid>/stat) and seq', () => {
    const fields = readFileSync(`/proc/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    expect(cgroupName(7)).toBe(`${process.pid}-${fields[19]}-7`)
    expect(ISLET_PARENT).toBe('islet')
  })

  it('counts fields after the last ")" of comm', () => {
    layOut(join(proc, '1234'), { stat: statLine(1234, '5678') })
    expect(readStarttime(1234, proc)).toBe('5678')
    expect(readStarttime(4321, proc)).toBeNull()
  })

  it('rejects a negative or fractional seq', () => {
    expect(() => cgroupName(-1)).toThrow(TypeError)
    expect(() => cgroupName(1.5)).toThrow(TypeError)
  })

  it('parses its own names and nothing else', () => {
    expect(parseCgroupName('1234-5678-9')).toEqual({ pid: 1234, starttime: '5678', seq: 9 })
    for (const other of ['system.slice', '1234-5678', '1234-5678-9-1', '0-1-2', 'a-1-2', '12-3-x', '']) {
      expect(parseCgroupName(other), other).toBeNull()
    }
  })

  it('sees the owner alive only while the same process holds the pid', () => {
    layOut(join(proc, '1234'), { stat: statLine(1234, '5678') })
    expect(isOwnerAlive('1234-5678-0', proc)).toBe(true)
    expect(isOwnerAlive('1234-1111-0', proc)).toBe(false) // pid reused by another process
    expect(isOwnerAlive('4321-5678-0', proc)).toBe(false) // pid gone
    expect(isOwnerAlive('not-ours', proc)).toBe(true) // never reported dead, so never removed
  })

  it('sees this process alive on the real /proc', () => {
    expect(isOwnerAlive(cgroupName(0))).toBe(true)
  })
})
