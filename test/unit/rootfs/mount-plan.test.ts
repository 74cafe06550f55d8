import { describe, expect, it } from 'vitest'
import { parseMountInfo } from '../../../src/cgroups/mountinfo.js'
import { mountArgs, planMounts } from '../../../src/rootfs/mount-plan.js'

const HOST = `22 27 0:21 / /proc rw,relatime - proc proc rw
23 27 0:22 / /sys rw,relatime - sysfs sysfs rw
24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,mode=755
25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
40 27 254:1 / /home rw,relatime - xfs /dev/vdb rw
41 27 0:40 / /tmp rw,relatime - tmpfs tmpfs rw
42 41 0:41 / /tmp/ci rw,relatime - tmpfs tmpfs rw
43 27 0:42 / /run rw,relatime - tmpfs tmpfs rw
44 43 254:0 /etc/hostname /etc/hostname rw - ext4 /dev/vda rw
45 40 254:2 / /home/me/my\\040data rw - ext4 /dev/vdc rw
46 27 0:50 / /proc/sys/fs/binfmt_misc rw - binfmt_misc binfmt_misc rw
47 40 254:3 / /home rw - ext4 /dev/vdd rw
`
const files = new Set(['/etc/hostname'])
const isDirectory = (p: string) => !files.has(p)

describe('planMounts', () => {
  const ops = planMounts({ mounts: parseMountInfo(HOST), keepPaths: [], writablePaths: [], isDirectory })

  it('overlays every data mount, parents first, and skips what the launcher rebuilds', () => {
    expect(ops).toEqual([
      { kind: 'overlay', target: '/', lowerdir: '.' },
      // The second /home mount hides the first, as on the host.
      { kind: 'overlay', target: '/home', lowerdir: 'home' },
      { kind: 'overlay', target: '/run', lowerdir: 'run' },
      { kind: 'bind-ro', target: '/etc/hostname' },
      { kind: 'overlay', target: '/home/me/my data', lowerdir: 'home/me/my data' },
      { kind: 'tmpfs', target: '/tmp' },
    ])
  })

  it('brings back kept paths under the fresh /tmp, outermost only, and binds writable paths last', () => {
    const plan = planMounts({
      mounts: parseMountInfo(HOST), isDirectory,
      keepPaths: ['/tmp/ci/project', '/tmp/ci/project/node_modules', '/home/me', '/tmp/cache'],
      readonlyPaths: ['/tmp/vitest-cache'],
      writablePaths: ['/home/me/project/__snapshots__'],
    })
    expect(plan.slice(-5)).toEqual([
      { kind: 'tmpfs', target: '/tmp' },
      { kind: 'overlay', target: '/tmp/cache', lowerdir: 'tmp/cache' },
      { kind: 'overlay', target: '/tmp/ci/project', lowerdir: 'tmp/ci/project' },
      { kind: 'bind-ro', target: '/tmp/vitest-cache' },
      { kind: 'bind-rw', target: '/home/me/project/__snapshots__' },
    ])
  })

  it('turns the plan into launcher arguments', () => {
    expect(mountArgs(ops.slice(0, 1).concat(ops.slice(3)))).toEqual([
      '--overlay', '/', '.', '--bind-ro', '/etc/hostname', '--overlay', '/home/me/my data', 'home/me/my data', '--tmpfs', '/tmp',
    ])
  })
})

describe('layers', () => {
  it('passes layers once, topmost first and escaped, ahead of the mounts', () => {
    const plan = planMounts({ mounts: parseMountInfo(HOST), keepPaths: [], writablePaths: [], isDirectory })
    expect(mountArgs(plan.slice(0, 1), ['/cache/low,1', '/cache/high'])).toEqual(['--layers', 'cache/high:cache/low\\,1', '--overlay', '/', '.'])
    expect(mountArgs(plan.slice(0, 1))).toEqual(['--overlay', '/', '.'])
  })
})
