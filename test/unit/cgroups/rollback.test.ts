import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { rollbackAndThrow } from '../../../src/cgroups/rollback.js'
import { IsletError } from '../../../src/errors.js'
import { layOut, makeTempRoot, removeTempRoot } from './fake-root.js'

describe('rollbackAndThrow', () => {
  let root: string
  beforeEach(() => {
    root = makeTempRoot()
  })
  afterEach(() => removeTempRoot(root))

  it('removes what was created and rethrows the first failure unchanged', async () => {
    const dirs = [join(root, 'a'), join(root, 'b')]
    for (const dir of dirs) layOut(dir)
    const original = new IsletError('ERR_ISLET_CGROUP', 'cannot write "5" to x: invalid argument (EINVAL)')
    await expect(rollbackAndThrow(dirs, original)).rejects.toBe(original)
    for (const dir of dirs) expect(existsSync(dir)).toBe(false)
  })

  it('reports what it could not remove, keeping the first failure as cause', async () => {
    const stuck = join(root, 'stuck')
    layOut(stuck, { 'memory.max': '1' }) // rmdir of a non-empty directory fails
    const original = new IsletError('ERR_ISLET_CGROUP', 'cannot write "1" to y', { hint: 'the hint', path: 'y' })
    const error = (await rollbackAndThrow([stuck], original).catch((e: unknown) => e)) as IsletError
    expect(error.shortMessage).toBe(`cannot write "1" to y (and removing the half-made ${stuck} failed too)`)
    expect(error).toMatchObject({ hint: 'the hint', path: 'y', cause: original })
  })
})
