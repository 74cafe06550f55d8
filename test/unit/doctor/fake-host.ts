/**
 * A temp dir laid out like the /proc, /sys and /etc the doctor reads, healthy by
 * default: a hybrid host (v1 memory/cpu/cpuacct/pids plus an empty cgroup2), as
 * root, with a compiler and a built launcher. Tests change one file to make one
 * problem, then run the real checks against it through createHostView({ root }).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createHostView, type HostView, type HostViewOptions } from '../../../src/doctor/host-view.js'

export const HYBRID_MOUNTINFO = `22 27 0:21 / /proc rw,relatime - proc proc rw
23 27 0:22 / /sys rw,relatime - sysfs sysfs rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`

export const V2_MOUNTINFO = `22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
27 24 0:25 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate
`

/** A docker container started without --privileged: overlay root, no cgroup mount at all. */
export const NESTED_NO_CGROUP_MOUNTINFO = `600 500 0:50 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/l1,upperdir=/var/lib/docker/u,workdir=/var/lib/docker/w
601 600 0:51 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
602 600 0:52 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
`

/** The same container with the default docker cgroup mount: cgroup2, read-only. */
export const NESTED_READ_ONLY_MOUNTINFO = `${NESTED_NO_CGROUP_MOUNTINFO}603 600 0:53 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup ro
`

/** Everything root on a full-capability host has in CapEff (CAP_SYS_ADMIN, bit 21, included). */
export const FULL_CAPS = '000001ffffffffff'
/** docker's default set: no CAP_SYS_ADMIN. */
export const DOCKER_DEFAULT_CAPS = '00000000a80425fb'

export interface FakeHost {
  root: string
  /** Write (or overwrite) a file under the root, making its directory. */
  write(file: string, content: string): void
  remove(file: string): void
  /** A view of this root; euid 0 and a healthy environment unless overridden. */
  view(options?: HostViewOptions): HostView
  cleanup(): void
}

export function makeFakeHost(): FakeHost {
  const root = mkdtempSync(join(tmpdir(), 'islet-doctor-'))
  const write = (file: string, content: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    writeFileSync(join(root, file), content)
  }
  const executable = (file: string) => {
    write(file, '#!/bin/sh\n')
    chmodSync(join(root, file), 0o755)
  }
  write('/proc/sys/kernel/osrelease', '6.8.0-45-generic\n')
  write('/proc/filesystems', 'nodev\tsysfs\nnodev\tproc\n\text4\nnodev\toverlay\n')
  write('/proc/self/mountinfo', HYBRID_MOUNTINFO)
  write('/proc/self/status', `Name:\tnode\nCapInh:\t0000000000000000\nCapPrm:\t${FULL_CAPS}\nCapEff:\t${FULL_CAPS}\n`)
  write('/proc/self/cgroup', '4:memory:/\n0::/\n')
  write('/proc/self/ns/user', '')
  write('/proc/sys/user/max_user_namespaces', '63711\n')
  write('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n')
  for (const controller of ['memory', 'cpu', 'cpuacct', 'pids', 'unified']) mkdirSync(join(root, 'sys/fs/cgroup', controller), { recursive: true })
  executable('/usr/bin/cc')
  executable('/opt/islet/build/islet-launcher')
  return {
    root,
    write,
    remove: (file) => rmSync(join(root, file), { recursive: true, force: true }),
    view: (options = {}) =>
      createHostView({
        root,
        euid: 0,
        pid: 4242,
        platform: 'linux',
        isolationRefusal: null,
        ...options,
        env: { PATH: '/usr/local/bin:/usr/bin', ISLET_LAUNCHER: join(root, 'opt/islet/build/islet-launcher'), ...options.env },
      }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  }
}
