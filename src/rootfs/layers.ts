import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tar from 'tar'
import { IsletError, describeErrno } from '../errors.js'

const TARBALL = /\.(tar|tar\.gz|tgz)$/
const swept = new Set<string>()

/** Where unpacked layer tarballs are kept between runs. */
export function layerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ISLET_CACHE_DIR) return path.join(env.ISLET_CACHE_DIR, 'layers')
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
  return path.join(base, 'islet', 'layers')
}

/**
 * Turns each `--layer` into a directory the launcher can stack: directories are used
 * as they are, tarballs are unpacked once into the cache, keyed by path, size and
 * mtime so a changed tarball is unpacked again and an unchanged one costs a stat.
 */
export async function resolveLayerDirs(layers: string[], cacheDir = layerCacheDir()): Promise<string[]> {
  if (layers.length === 0) return []
  // Once per process and cache: what a crashed run half-unpacked goes.
  if (!swept.has(cacheDir)) {
    swept.add(cacheDir)
    await cleanupPartialLayers(cacheDir)
  }
  const dirs: string[] = []
  for (const layer of layers) {
    const abs = path.resolve(layer)
    let stat: fs.Stats
    try {
      stat = await fs.promises.stat(abs)
    } catch (error) {
      throw new IsletError('ERR_ISLET_LAYER', `layer ${abs}: ${describeErrno(error)}`, {
        path: abs, cause: error, hint: 'a layer is a directory or a .tar/.tar.gz file that exists',
      })
    }
    if (stat.isDirectory()) dirs.push(abs)
    else if (stat.isFile() && TARBALL.test(abs)) dirs.push(await unpackOnce(abs, stat, cacheDir))
    else {
      throw new IsletError('ERR_ISLET_LAYER', `layer ${abs} is neither a directory nor a .tar/.tar.gz file`, {
        path: abs, hint: 'pack a layer with `tar -czf layer.tar.gz -C dir .`',
      })
    }
  }
  return dirs
}

async function unpackOnce(file: string, stat: fs.Stats, cacheDir: string): Promise<string> {
  const key = createHash('sha256').update(`${file}\0${stat.size}\0${stat.mtimeMs}`).digest('hex').slice(0, 24)
  const target = path.join(cacheDir, key)
  if (fs.existsSync(target)) return target
  // Unpack beside the target and rename: a crash mid-way never leaves a half layer in use.
  await fs.promises.mkdir(cacheDir, { recursive: true })
  const partial = await fs.promises.mkdtemp(path.join(cacheDir, `.${key}-`))
  try {
    await tar.x({ file, cwd: partial, preservePaths: false, strict: true })
    await fs.promises.rename(partial, target)
  } catch (error) {
    await fs.promises.rm(partial, { recursive: true, force: true })
    if ((error as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (error as NodeJS.ErrnoException).code === 'EEXIST') return target
    throw new IsletError('ERR_ISLET_LAYER', `layer ${file}: cannot unpack: ${describeErrno(error)}`, {
      path: file, cause: error, hint: 'check that the tarball is complete (`tar -tzf` lists it) and that the cache is writable: ' + cacheDir,
    })
  }
  return target
}

/** An unpack that has not finished in this long was a crashed run's. */
const PARTIAL_UNPACK_MAX_AGE_MS = 60 * 60 * 1000

/** Removes half-unpacked layers that crashed runs left in the cache. */
export async function cleanupPartialLayers(cacheDir = layerCacheDir(), now = Date.now()): Promise<void> {
  let names: string[]
  try {
    names = await fs.promises.readdir(cacheDir)
  } catch {
    return
  }
  for (const name of names.filter((n) => n.startsWith('.'))) {
    const p = path.join(cacheDir, name)
    const stat = await fs.promises.stat(p).catch(() => null)
    if (stat && now - stat.mtimeMs > PARTIAL_UNPACK_MAX_AGE_MS) await fs.promises.rm(p, { recursive: true, force: true })
  }
}
