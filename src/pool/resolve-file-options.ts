import fs from 'node:fs'
import path from 'node:path'
import type { ContainerOptions } from '../config/options.js'
import { resolveContainerOptions } from '../config/resolve.js'
import { IsletError } from '../errors.js'
import { parseIsletDocblock } from './docblock.js'
import { matchesGlob } from './glob.js'
import { containerPart, type IsletPoolOptions } from './pool-options.js'

/**
 * One file's container options: the pool's, then every matching `files` entry in
 * order, then the file's own `@islet` docblock. Validated here so a bad value names
 * the file, the key and the value.
 */
export function resolveFileOptions(pool: IsletPoolOptions, root: string, file: string, source?: string): ContainerOptions {
  const relative = path.relative(root, file).split(path.sep).join('/')
  let merged: ContainerOptions = containerPart(pool)
  for (const entry of pool.files ?? []) {
    if (matchesGlob(relative, entry.include)) {
      const { include: _include, ...rest } = entry
      merged = { ...merged, ...rest }
    }
  }
  const text = source ?? fs.readFileSync(file, 'utf8')
  merged = { ...merged, ...parseIsletDocblock(text, relative) }
  try {
    resolveContainerOptions(merged, relative)
  } catch (error) {
    if (!(error instanceof IsletError) || error.shortMessage.startsWith(relative)) throw error
    throw new IsletError(error.code, `${relative}: ${error.shortMessage}`, { hint: error.hint, cause: error, path: file })
  }
  return merged
}
