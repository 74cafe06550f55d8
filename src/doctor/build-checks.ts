/** The native launcher, and the C compiler that builds it at install time. */
import { IsletError } from '../errors.js'
import { result, type Check } from './check.js'
import type { HostView } from './host-view.js'

/** The compiler scripts/build-native.mjs uses: the first word of $CC, else cc. */
export function compilerCommand(view: HostView): string {
  return view.env.CC?.trim().split(/\s+/)[0] || 'cc'
}

/** The launcher's path, or the message saying it is missing. */
function findLauncher(view: HostView): { path: string } | { problem: string } {
  try {
    return { path: view.launcher() }
  } catch (error) {
    return { problem: error instanceof IsletError ? error.shortMessage : String((error as Error)?.message ?? error) }
  }
}

export const checkCompiler: Check = (view) => {
  const id = 'compiler'
  const title = 'C compiler'
  const command = compilerCommand(view)
  const found = view.which(command)
  if (found !== null) return result(id, title, 'ok', `${found}${view.env.CC ? ' ($CC)' : ''}`)
  const launcherBuilt = 'path' in findLauncher(view)
  return result(
    id, title, launcherBuilt ? 'warn' : 'fail',
    `${command}${view.env.CC ? ' ($CC)' : ''} is not on PATH${launcherBuilt ? ': the launcher is already built, but a rebuild (npm rebuild islet) would fail' : ', and the launcher is not built'}`,
    'install one: sudo apt-get install gcc (Debian/Ubuntu), sudo dnf install gcc (Fedora), apk add build-base (Alpine); or set CC',
  )
}

export const checkLauncher: Check = (view) => {
  const found = findLauncher(view)
  if ('path' in found) return result('launcher', 'native launcher built', 'ok', found.path)
  const hasCompiler = view.which(compilerCommand(view)) !== null
  return result(
    'launcher', 'native launcher built', 'fail', found.problem,
    hasCompiler ? 'build it: npm rebuild islet (in a checkout of islet: npm run build)' : 'install a C compiler (see "C compiler"), then npm rebuild islet',
  )
}
