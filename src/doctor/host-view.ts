/**
 * The host as the doctor sees it: files under /proc, /sys and /etc, the
 * process's ids and environment, commands on PATH. Every path goes through a
 * `root` prefix, so unit tests lay out a fake /proc and /sys in a temp dir and
 * run the very checks the CLI runs. The few things that are not files (the
 * launcher lookup, the cgroup mkdir probe) are plain functions on the object,
 * so a test can replace one with `{ ...view, probeCgroup: () => 'EROFS' }`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describeErrno } from '../errors.js'
import { whyCannotIsolate } from '../launcher/host-check.js'
import { launcherPath } from '../launcher/launcher-path.js'

export interface HostView {
  /** Prefix before every path below, "" on the real host; handed to detectCgroups. */
  root: string
  platform: NodeJS.Platform
  euid: number
  pid: number
  env: NodeJS.ProcessEnv
  /** Why the engine refuses to start containers for this process (host-check.ts), or null. */
  isolationRefusal: string | null
  /** File contents, or null when absent or unreadable. */
  readFile(file: string): string | null
  exists(file: string): boolean
  /** access(W_OK): root passes it on anything but a read-only mount. */
  isWritable(file: string): boolean
  /** Host path of `command` on env.PATH (or `command` itself when it has a slash), or null. */
  which(command: string): string | null
  /** The launcher's path, or an IsletError saying it is missing (launcherPath()). */
  launcher(): string
  /**
   * mkdir `dir` (and any missing parents), then rmdir what was made, deepest
   * first. Null when that worked, else the errno text of the failing step.
   */
  probeCgroup(dir: string): string | null
}

export interface HostViewOptions {
  root?: string
  platform?: NodeJS.Platform
  euid?: number
  pid?: number
  env?: NodeJS.ProcessEnv
  isolationRefusal?: string | null
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

function probe(dir: string, shown: (file: string) => string): string | null {
  const made: string[] = []
  let problem: string | null = null
  try {
    for (let current = dir; !fs.existsSync(current); current = path.dirname(current)) made.unshift(current)
    for (const directory of made) fs.mkdirSync(directory)
  } catch (error) {
    problem = describeErrno(error)
  }
  for (const directory of made.reverse()) {
    try {
      fs.rmdirSync(directory)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOENT') return `${problem ?? 'created'}, but cannot remove ${shown(directory)}: ${describeErrno(error)} (rmdir it by hand)`
    }
  }
  return problem
}

/** The real host by default; every field can be overridden, `root` moves all paths under a temp dir. */
export function createHostView(options: HostViewOptions = {}): HostView {
  const root = options.root ?? ''
  const env = options.env ?? process.env
  const at = (file: string) => `${root}${file}`
  return {
    root,
    platform: options.platform ?? process.platform,
    euid: options.euid ?? process.geteuid?.() ?? -1,
    pid: options.pid ?? process.pid,
    env,
    isolationRefusal: options.isolationRefusal !== undefined ? options.isolationRefusal : whyCannotIsolate(),
    readFile(file) {
      try {
        return fs.readFileSync(at(file), 'utf8')
      } catch {
        return null
      }
    },
    exists: (file) => fs.existsSync(at(file)),
    isWritable(file) {
      try {
        fs.accessSync(at(file), fs.constants.W_OK)
        return true
      } catch {
        return false
      }
    },
    which(command) {
      if (command.includes('/')) return isExecutableFile(at(command)) ? command : null
      for (const directory of (env.PATH ?? '').split(':').filter(Boolean)) {
        const candidate = path.posix.join(directory, command)
        if (isExecutableFile(at(candidate))) return candidate
      }
      return null
    },
    launcher: () => launcherPath(env),
    probeCgroup: (dir) => probe(at(dir), (file) => file.slice(root.length)),
  }
}
