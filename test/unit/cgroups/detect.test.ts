import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { detectCgroupMode, detectCgroups } from '../../../src/cgroups/detect.js'
import { CgroupV1 } from '../../../src/cgroups/v1/cgroup-v1.js'
import { CgroupV2 } from '../../../src/cgroups/v2/cgroup-v2.js'
import { IsletError } from '../../../src/errors.js'
import { layOut, makeTempRoot, removeTempRoot } from './fake-root.js'
import { HYBRID_COMOUNTED, HYBRID_SEPARATE_CPU, NO_CGROUPS, V1_ONLY, V2_ONLY } from './samples.js'

describe('detectCgroupMode', () => {
  it.each([
    [HYBRID_SEPARATE_CPU, 'hybrid'],
    [HYBRID_COMOUNTED, 'hybrid'],
    [V1_ONLY, 'v1'],
    [V2_ONLY, 'v2'],
    [NO_CGROUPS, 'none'],
  ])('classifies a sample as %#: %s', (mountinfo, mode) => {
    expect(detectCgroupMode({ mountinfo })).toBe(mode)
  })

  it('does not count a name=systemd-only v1 mount as v1', () => {
    const mountinfo = `${V2_ONLY}40 24 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n`
    expect(detectCgroupMode({ mountinfo })).toBe('v2')
  })
})

describe('detectCgroups', () => {
  let root: string
  beforeEach(() => {
    root = makeTempRoot()
  })
  afterEach(() => removeTempRoot(root))

  it('picks v1 on a hybrid host, with cpu and cpuacct as separate hierarchies', async () => {
    const manager = await detectCgroups({ mountinfo: HYBRID_SEPARATE_CPU, root })
    expect(manager).toBeInstanceOf(CgroupV1)
    expect(manager.version).toBe(1)
    expect((manager as CgroupV1).hierarchies).toEqual({
      memory: `${root}/sys/fs/cgroup/memory`,
      cpu: `${root}/sys/fs/cgroup/cpu`,
      cpuacct: `${root}/sys/fs/cgroup/cpuacct`,
      pids: `${root}/sys/fs/cgroup/pids`,
    })
    expect(manager.describe()).toContain(`memory at ${root}/sys/fs/cgroup/memory`)
  })

  it('treats co-mounted cpu,cpuacct as one directory', async () => {
    const manager = (await detectCgroups({ mountinfo: HYBRID_COMOUNTED, root, parent: 'ci-islet' })) as CgroupV1
    expect(manager.hierarchies.cpu).toBe(`${root}/sys/fs/cgroup/cpu,cpuacct`)
    expect(manager.hierarchies.cpuacct).toBe(manager.hierarchies.cpu)
    expect(manager.parent).toBe('ci-islet')
  })

  it('picks v2 when cgroup2 offers memory, cpu and pids', async () => {
    layOut(join(root, 'sys/fs/cgroup'), { 'cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma misc\n' })
    const manager = await detectCgroups({ mountinfo: V2_ONLY, root })
    expect(manager).toBeInstanceOf(CgroupV2)
    expect((manager as CgroupV2).mount).toBe(`${root}/sys/fs/cgroup`)
  })

  it('refuses a cgroup2 mount without the controllers, saying what it offers', async () => {
    layOut(join(root, 'sys/fs/cgroup'), { 'cgroup.controllers': 'hugetlb\n' })
    const error = await detectCgroups({ mountinfo: V2_ONLY, root }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IsletError)
    expect(error).toMatchObject({ code: 'ERR_ISLET_HOST' })
    expect((error as IsletError).shortMessage).toMatch(/no usable cgroup filesystem/)
    expect((error as IsletError).shortMessage).toContain(`cgroup2 at ${root}/sys/fs/cgroup offers only "hugetlb"`)
    expect((error as IsletError).hint).toMatch(/cgroup2/)
  })

  it('fails with a hint when nothing is mounted', async () => {
    await expect(detectCgroups({ mountinfo: NO_CGROUPS, root })).rejects.toMatchObject({
      code: 'ERR_ISLET_HOST',
      shortMessage: expect.stringContaining('no cgroup mount in mountinfo'),
      hint: expect.stringContaining('mount -t cgroup2'),
    })
  })

  it('reads mountinfo under the fake root when none is given', async () => {
    layOut(join(root, 'proc/self'), { mountinfo: V1_ONLY })
    const manager = (await detectCgroups({ root })) as CgroupV1
    expect(manager.hierarchies.memory).toBe(`${root}/sys/fs/cgroup/memory`)
    expect(manager.hierarchies.pids).toBeUndefined()
  })
})
