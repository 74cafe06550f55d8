import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tar from 'tar'
import { afterAll, describe, expect, it } from 'vitest'
import { cleanupPartialLayers, resolveLayerDirs } from '../../../src/rootfs/layers.js'

describe('layers', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'islet-layers-'))
  const cache = path.join(root, 'cache')
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

  it('uses directories as they are and unpacks a tarball once', async () => {
    const src = path.join(root, 'src')
    fs.mkdirSync(path.join(src, 'opt'), { recursive: true })
    fs.writeFileSync(path.join(src, 'opt', 'hello'), 'hi')
    const tarball = path.join(root, 'layer.tar.gz')
    await tar.c({ gzip: true, file: tarball, cwd: src }, ['opt'])
    const [dir, unpacked] = await resolveLayerDirs([src, tarball], cache)
    expect(dir).toBe(src)
    expect(fs.readFileSync(path.join(unpacked, 'opt', 'hello'), 'utf8')).toBe('hi')
    expect(await resolveLayerDirs([tarball], cache)).toEqual([unpacked])
  })

  it('names the layer and the errno when it is missing or not a layer', async () => {
    await expect(resolveLayerDirs([path.join(root, 'nope.tar')], cache)).rejects.toMatchObject({ code: 'ERR_ISLET_LAYER', message: expect.stringContaining('nope.tar: no such file or directory (ENOENT)') })
    const file = path.join(root, 'notes.txt')
    fs.writeFileSync(file, 'x')
    await expect(resolveLayerDirs([file], cache)).rejects.toThrow('is neither a directory nor a .tar/.tar.gz file')
  })

  it('removes half-unpacked layers a crashed run left, not one being unpacked now', async () => {
    const old = path.join(cache, '.abc-old')
    const fresh = path.join(cache, '.abc-fresh')
    fs.mkdirSync(old, { recursive: true })
    fs.mkdirSync(fresh, { recursive: true })
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
    fs.utimesSync(old, twoHoursAgo, twoHoursAgo)
    await cleanupPartialLayers(cache)
    expect(fs.existsSync(old)).toBe(false)
    expect(fs.existsSync(fresh)).toBe(true)
  })
})
