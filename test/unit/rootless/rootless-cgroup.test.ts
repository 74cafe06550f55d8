import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { findDelegatedCgroup, HOST_LEAF, prepareDelegatedCgroup } from '../../../src/rootless/delegation.js'
import { NoCgroup } from '../../../src/rootless/no-cgroup.js'
import { describeLimits, rootlessCgroup } from '../../../src/rootless/rootless-cgroup.js'

const UID = process.geteuid!()
const MOUNTINFO = '30 25 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n'
const SELF_CGROUP = '0::/user.slice/user-1000.slice/run-1.scope\n'

let root: string
let scope: string

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'islet-rootless-'))
  scope = path.join(root, 'sys/fs/cgroup/user.slice/user-1000.slice/run-1.scope')
  fs.mkdirSync(scope, { recursive: true })
  fs.writeFileSync(path.join(scope, 'cgroup.controllers'), 'cpu memory pids\n')
  fs.writeFileSync(path.join(scope, 'cgroup.subtree_control'), '')
  fs.writeFileSync(path.join(scope, 'cgroup.procs'), '4242\n')
})

afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

const probe = () => ({ root, mountinfo: MOUNTINFO, procSelfCgroup: SELF_CGROUP })

describe('findDelegatedCgroup', () => {
  it('accepts the user\'s own writable cgroup with memory, cpu and pids', () => {
    expect(findDelegatedCgroup({ uid: UID, ...probe() })).toEqual({ delegated: true, directory: scope })
  })

  it('says whose cgroup it is when it belongs to someone else', () => {
    const found = findDelegatedCgroup({ uid: UID + 1, ...probe() })
    expect(found).toMatchObject({ delegated: false, why: expect.stringContaining(`belongs to uid ${UID}, not to you (uid ${UID + 1})`) })
  })

  it('names the controllers the delegated cgroup lacks', () => {
    fs.writeFileSync(path.join(scope, 'cgroup.controllers'), 'pids\n')
    expect(findDelegatedCgroup({ uid: UID, ...probe() })).toMatchObject({ delegated: false, why: expect.stringContaining('memory, cpu controllers') })
  })

  it('needs a cgroup2 mount and a 0:: line', () => {
    expect(findDelegatedCgroup({ uid: UID, ...probe(), procSelfCgroup: '4:memory:/x\n' })).toMatchObject({ delegated: false })
    expect(findDelegatedCgroup({ uid: UID, ...probe(), mountinfo: '' })).toMatchObject({ delegated: false, why: 'no cgroup2 filesystem is mounted' })
  })
})

describe('prepareDelegatedCgroup', () => {
  it('moves the user\'s processes to a leaf, then enables the controllers for children', async () => {
    await prepareDelegatedCgroup(scope)
    expect(fs.readFileSync(path.join(scope, HOST_LEAF, 'cgroup.procs'), 'utf8')).toBe('4242')
    expect(fs.readFileSync(path.join(scope, 'cgroup.subtree_control'), 'utf8')).toBe('+memory +cpu +pids')
  })
})

describe('rootlessCgroup', () => {
  it('needs no cgroup without limits', async () => {
    const { cgroup, warning } = await rootlessCgroup('1-2-3', {}, 'strict', { ...probe(), uid: UID + 1 })
    expect(cgroup).toBeInstanceOf(NoCgroup)
    expect(warning).toBeUndefined()
    expect(await cgroup.stats()).toMatchObject({ memoryPeakBytes: null, cpuUsageUsec: null, pidsPeak: null, oomKilled: null })
  })

  it('refuses a limit without delegation, with the systemd-run hint', async () => {
    await expect(rootlessCgroup('1-2-3', { memoryBytes: 64 * 2 ** 20 }, 'strict', { ...probe(), uid: UID + 1 })).rejects.toMatchObject({
      code: 'ERR_ISLET_CGROUP',
      shortMessage: expect.stringContaining('cannot apply the limits (memory 64 MiB) as an ordinary user'),
      hint: expect.stringContaining('systemd-run --user --scope -p Delegate=yes'),
    })
  })

  it('best-effort drops the limits with a warning naming them', async () => {
    const result = await rootlessCgroup('1-2-3', { memoryBytes: 64 * 2 ** 20, pids: 50 }, 'best-effort', { ...probe(), uid: UID + 1 })
    expect(result.cgroup).toBeInstanceOf(NoCgroup)
    expect(result.limits).toEqual({})
    expect(result.warning).toMatch(/^limits not applied \(memory 64 MiB, pids 50\)/)
    expect(describeLimits({ cpuCores: 0.5 })).toBe('cpu 0.5')
  })
})
