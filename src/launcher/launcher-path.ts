import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { IsletError } from '../errors.js'

/** dist/launcher/ → the package root, where build/ holds what `npm install` compiled. */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The native launcher, checked once: a missing build is a clear error, not an ENOENT from spawn. */
export function launcherPath(env: NodeJS.ProcessEnv = process.env): string {
  const file = env.ISLET_LAUNCHER || path.join(PACKAGE_ROOT, 'build', 'islet-launcher')
  try {
    fs.accessSync(file, fs.constants.X_OK)
  } catch (error) {
    throw new IsletError('ERR_ISLET_LAUNCHER', `the native launcher is missing: ${file}`, {
      path: file, cause: error,
      hint: 'it is compiled when islet is installed; install a C compiler (apt-get install gcc) and run `npm rebuild islet`',
    })
  }
  return file
}
