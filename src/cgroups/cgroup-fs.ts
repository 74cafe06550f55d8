/**
 * File operations on cgroupfs shared by both versions, with the errors islet
 * reports when they fail. cgroupfs is not a normal filesystem: directories are
 * removed with rmdir even though they list files, rmdir says EBUSY while tasks
 * are still leaving, and writes are how the kernel is told things. Every failure
 * becomes an IsletError naming the path, the errno and what to do about it.
 */
import { mkdir, readdir, readFile, rmdir, stat, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { describeErrno, IsletError } from '../errors.js'

/** How long killAll waits for the cgroup to empty: SIGKILL is immediate, exit is not (it may be flushing pages). */
export const KILL_TIMEOUT_MS = 1000
/** How long destroy retries rmdir on EBUSY: tasks leave a cgroup asynchronously after they exit. */
export const RMDIR_TIMEOUT_MS = 1000
/** Longest pause between polls of cgroup.procs / rmdir retries. */
export const POLL_INTERVAL_MS = 10

/** 1, 2, 4, 8, 10, 10 ms...: a task usually leaves within a millisecond, so the first polls come soon. */
function pollDelay(attempt: number): number {
  return Math.min(2 ** attempt, POLL_INTERVAL_MS)
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

const PERMISSION_HINT =
  'managing cgroups needs root (or CAP_SYS_ADMIN over a cgroup delegated to you); run islet as root, or check that the cgroup filesystem is mounted read-write'

/** A hint for an errno from a cgroupfs call; `subject` says what the call was about. */
export function hintForErrno(error: unknown, subject: string): string | undefined {
  switch (errnoOf(error)) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return PERMISSION_HINT
    case 'ENOENT':
      return `${subject} does not exist: the kernel does not offer it here (controller not mounted, not enabled in the parent's cgroup.subtree_control, or too old a kernel)`
    case 'EINVAL':
      return `the kernel rejected the value for ${subject}; check the limit is within what this kernel accepts`
    case 'ENOSPC':
    case 'EAGAIN':
      return 'the kernel refused another cgroup: check cgroup.max.descendants / cgroup.max.depth of the parent and remove stale cgroups'
    case 'EBUSY':
      return `${subject} is busy: processes are still inside, or child cgroups exist`
    default:
      return undefined
  }
}

/** Contents of a cgroup file, or null when the kernel does not offer it (ENOENT). */
export async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return null
    throw new IsletError('ERR_ISLET_CGROUP', `cannot read ${path}: ${describeErrno(error)}`, {
      path,
      cause: error,
      hint: hintForErrno(error, path),
    })
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false
    throw new IsletError('ERR_ISLET_CGROUP', `cannot stat ${path}: ${describeErrno(error)}`, {
      path,
      cause: error,
      hint: hintForErrno(error, path),
    })
  }
}

/**
 * Write `value` to a cgroup file. Opened with O_CREAT like `echo >`: on cgroupfs
 * the file already exists, and on the temp-dir fakes unit tests use it is created.
 */
export async function writeCgroupFile(path: string, value: string): Promise<void> {
  try {
    await writeFile(path, value)
  } catch (error) {
    throw new IsletError('ERR_ISLET_CGROUP', `cannot write "${value}" to ${path}: ${describeErrno(error)}`, {
      path,
      cause: error,
      hint: hintForErrno(error, path),
    })
  }
}

/** mkdir a cgroup; returns false when it already existed and `existOk` allows that. */
export async function makeCgroupDirectory(path: string, existOk: boolean): Promise<boolean> {
  try {
    await mkdir(path)
    return true
  } catch (error) {
    if (existOk && errnoOf(error) === 'EEXIST') return false
    const code = errnoOf(error)
    const hint =
      code === 'EEXIST'
        ? 'a cgroup with this name already exists; a crashed run may have left it (islet removes those at start) or two pools picked the same name'
        : code === 'ENOENT'
          ? `the directory above ${path} is missing: is that cgroup hierarchy still mounted (see /proc/self/mountinfo)?`
          : hintForErrno(error, path)
    throw new IsletError('ERR_ISLET_CGROUP', `cannot create cgroup ${path}: ${describeErrno(error)}`, {
      path,
      cause: error,
      hint,
    })
  }
}

/** Pids listed in the cgroup.procs files (deduplicated); a missing file lists none. */
export async function readPids(procsFiles: readonly string[]): Promise<number[]> {
  const pids = new Set<number>()
  for (const file of procsFiles) {
    const text = await readOptional(file)
    for (const token of (text ?? '').split(/\s+/)) {
      if (/^\d+$/.test(token)) pids.add(Number(token))
    }
  }
  return [...pids]
}

/** SIGKILL one pid; a pid that already exited (ESRCH) is fine. */
function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch (error) {
    if (errnoOf(error) !== 'ESRCH') throw error
  }
}

/**
 * Wait until every cgroup.procs is empty, SIGKILLing what is listed on each
 * pass when `killEach` is set (a task may fork between read and kill, so one
 * pass is not enough). Throws after KILL_TIMEOUT_MS naming what is left.
 */
export async function emptyCgroup(procsFiles: readonly string[], killEach: boolean): Promise<void> {
  const deadline = Date.now() + KILL_TIMEOUT_MS
  for (let attempt = 0; ; attempt++) {
    const pids = await readPids(procsFiles)
    if (pids.length === 0) return
    if (Date.now() >= deadline) {
      throw new IsletError(
        'ERR_ISLET_CGROUP',
        `processes ${pids.join(', ')} are still in ${procsFiles.join(', ')} ${KILL_TIMEOUT_MS} ms after SIGKILL`,
        {
          path: procsFiles[0],
          hint: 'a task in uninterruptible sleep (state D in /proc/<pid>/stat, often stuck I/O or a FUSE mount) dies only when that call returns; see /proc/<pid>/stack',
        },
      )
    }
    if (killEach) {
      for (const pid of pids) killPid(pid)
    }
    await sleep(pollDelay(attempt))
  }
}

/** Child cgroups of `path` (a test may create its own below islet's leaf), deepest first. */
async function childDirectories(path: string): Promise<string[]> {
  let entries
  try {
    entries = await readdir(path, { withFileTypes: true })
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return []
    throw error
  }
  const result: string[] = []
  for (const entry of entries) {
    if (!entry.isDirectory()) continue
    const child = `${path}/${entry.name}`
    result.push(...(await childDirectories(child)), child)
  }
  return result
}

/**
 * rmdir islet's parent cgroup if it is empty, so an idle host keeps nothing of
 * islet's. Best effort: the kernel refuses (EBUSY, ENOTEMPTY) while another run's
 * leaf is inside, and that run removes it later.
 */
export async function removeParentIfEmpty(path: string): Promise<void> {
  try {
    await rmdir(path)
  } catch {
    // Still in use, already gone, or not ours to remove: all fine.
  }
}

/** Whether a cgroupfs failure is ENOENT: a directory vanished under us (another run removed islet's empty parent). */
export function isVanished(error: unknown): boolean {
  return errnoOf(error) === 'ENOENT' || errnoOf((error as { cause?: unknown } | undefined)?.cause) === 'ENOENT'
}

/** Tries a creation again when another run removed islet's parent in the middle of it. */
export async function retryIfVanished<T>(create: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create()
    } catch (error) {
      if (attempt >= attempts || !isVanished(error)) throw error
    }
  }
}

/**
 * rmdir a cgroup and any cgroups below it. EBUSY is retried for RMDIR_TIMEOUT_MS
 * because exited tasks leave the cgroup asynchronously; ENOENT means done.
 */
export async function removeCgroupDirectory(path: string): Promise<void> {
  const deadline = Date.now() + RMDIR_TIMEOUT_MS
  for (const directory of [...(await childDirectories(path)), path]) {
    for (let attempt = 0; ; attempt++) {
      try {
        await rmdir(directory)
        break
      } catch (error) {
        const code = errnoOf(error)
        if (code === 'ENOENT') break
        if (code === 'EBUSY' && Date.now() < deadline) {
          await sleep(pollDelay(attempt))
          continue
        }
        throw new IsletError('ERR_ISLET_CGROUP', `cannot remove cgroup ${directory}: ${describeErrno(error)}`, {
          path: directory,
          cause: error,
          hint: hintForErrno(error, directory),
        })
      }
    }
  }
}

/** Subdirectory names of `path`; none when it does not exist. */
export async function listDirectories(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true })
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name)
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return []
    throw new IsletError('ERR_ISLET_CGROUP', `cannot list ${path}: ${describeErrno(error)}`, {
      path,
      cause: error,
      hint: hintForErrno(error, path),
    })
  }
}
