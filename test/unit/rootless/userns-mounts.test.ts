import type fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { planForUserns, usernsMountArgs, type HostTree } from '../../../src/rootless/userns-mounts.js'
import type { MountOp } from '../../../src/rootfs/mount-plan.js'

type Node = 'dir' | 'file' | { link: string }

/** A fake host tree: paths to kinds. */
function fakeTree(nodes: Record<string, Node>, unreadable: string[] = []): HostTree {
  const kind = (p: string) => nodes[p]
  return {
    readdir(dir) {
      if (unreadable.includes(dir)) throw Object.assign(new Error('EACCES'), { code: 'EACCES' })
      const prefix = dir === '/' ? '/' : dir + '/'
      return Object.keys(nodes).filter((p) => p.startsWith(prefix) && p !== dir && !p.slice(prefix.length).includes('/')).map((p) => p.slice(prefix.length))
    },
    lstat(p) {
      const k = kind(p)
      if (!k) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
      return { isSymbolicLink: () => typeof k === 'object', isDirectory: () => k === 'dir', isFile: () => k === 'file' } as fs.Stats
    },
    readlink(p) {
      return (kind(p) as { link: string }).link
    },
  }
}

const TREE = fakeTree({
  '/bin': { link: 'usr/bin' }, '/usr': 'dir', '/etc': 'dir', '/proc': 'dir', '/dev': 'dir', '/tmp': 'dir',
  '/.dockerenv': 'file', '/mnt': 'dir', '/mnt/data': 'dir', '/mnt/other': 'dir', '/root': 'dir', '/info.json': 'file',
})

describe('planForUserns', () => {
  it('splits an overlay of / around the mounts below it', () => {
    const ops: MountOp[] = [
      { kind: 'overlay', target: '/', lowerdir: '.' },
      { kind: 'overlay', target: '/mnt/data', lowerdir: 'mnt/data' },
      { kind: 'tmpfs', target: '/tmp' },
    ]
    const plan = planForUserns({ ops, mountPoints: ['/', '/proc', '/dev', '/dev/pts', '/mnt/data'], tree: TREE })
    expect(plan).toEqual([
      { kind: 'bind-ro', target: '/.dockerenv' },
      { kind: 'symlink', target: '/bin', link: 'usr/bin' },
      { kind: 'overlay', target: '/etc', lowerdir: 'etc' },
      { kind: 'bind-ro', target: '/info.json' },
      { kind: 'overlay', target: '/mnt/other', lowerdir: 'mnt/other' },
      { kind: 'overlay', target: '/root', lowerdir: 'root' },
      { kind: 'overlay', target: '/usr', lowerdir: 'usr' },
      { kind: 'overlay', target: '/mnt/data', lowerdir: 'mnt/data' },
      { kind: 'tmpfs', target: '/tmp' },
    ])
    expect(usernsMountArgs(plan.slice(0, 3))).toEqual(['--bind-ro', '/.dockerenv', '--symlink', '/bin', 'usr/bin', '--overlay', '/etc', 'etc'])
  })

  it('leaves overlays without mounts below as they are, and binds an unreadable directory that holds mounts', () => {
    const ops: MountOp[] = [{ kind: 'overlay', target: '/', lowerdir: '.' }]
    const tree = fakeTree({ '/usr': 'dir', '/root': 'dir', '/root/m': 'dir' }, ['/root'])
    expect(planForUserns({ ops, mountPoints: ['/', '/root/m'], tree })).toEqual([
      { kind: 'bind-ro', target: '/root' },
      { kind: 'overlay', target: '/usr', lowerdir: 'usr' },
    ])
    expect(planForUserns({ ops: [{ kind: 'overlay', target: '/home', lowerdir: 'home' }], mountPoints: ['/', '/home'], tree })).toEqual([
      { kind: 'overlay', target: '/home', lowerdir: 'home' },
    ])
  })
})
