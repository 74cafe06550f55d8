/**
 * Where an ordinary user may create cgroups: a cgroup v2 subtree delegated to it,
 * as systemd gives a user's own slice (`systemd-run --user --scope -p Delegate=yes`,
 * or user@UID.service). The user's cgroup, from /proc/self/cgroup, must be owned by
 * the user and writable. Everything takes a fake `root` prefix for unit tests.
 */
import fs from 'node:fs'
import { readOptional, writeCgroupFile, makeCgroupDirectory } from '../cgroups/cgroup-fs.js'
import { parseMountInfo } from '../cgroups/mountinfo.js'
import {
  CONTROLLERS_FILE, formatSubtreeControl, parseControllerList, PROCS_FILE, SUBTREE_CONTROL_FILE, V2_REQUIRED_CONTROLLERS,
} from '../cgroups/v2/files.js'

/** The leaf islet moves the user's own processes into, so their cgroup may enable controllers for children (cgroup v2's "no internal processes" rule). */
export const HOST_LEAF = 'islet-host'

export const DELEGATION_HINT =
  'run islet in a cgroup v2 scope delegated to you, e.g. `systemd-run --user --scope -p Delegate=yes islet run ...` ' +
  '(needs a systemd user session on a cgroup v2 host: boot with systemd.unified_cgroup_hierarchy=1 on a hybrid one); ' +
  'or run as root; or pass --limits best-effort (islet({ limits: \'best-effort\' })) to run without the limits, with a warning'

export type DelegationResult =
  | { delegated: true; directory: string }
  | { delegated: false; why: string }

export interface DelegationInput {
  uid: number
  /** Prefix put before every path, for fake roots in tests. */
  root?: string
  mountinfo?: string
  procSelfCgroup?: string
}

/** The user's own cgroup v2 directory, if it is delegated to the user with the controllers islet needs. */
export function findDelegatedCgroup(input: DelegationInput): DelegationResult {
  const root = input.root ?? ''
  const cgroupText = input.procSelfCgroup ?? fs.readFileSync(`${root}/proc/self/cgroup`, 'utf8')
  const unified = cgroupText.split('\n').find((line) => line.startsWith('0::'))
  if (!unified) return { delegated: false, why: 'this process is in no cgroup v2 hierarchy (/proc/self/cgroup has no "0::" line)' }
  const own = unified.slice(3).trim()
  const mounts = parseMountInfo(input.mountinfo ?? fs.readFileSync(`${root}/proc/self/mountinfo`, 'utf8'))
  const v2 = mounts.find((m) => m.fsType === 'cgroup2')
  if (!v2) return { delegated: false, why: 'no cgroup2 filesystem is mounted' }
  // A cgroup namespace shows the mount's root as "/": paths in /proc/self/cgroup are relative to it.
  const directory = `${root}${v2.mountPoint}${own === '/' ? '' : own}`
  let st: fs.Stats
  try {
    st = fs.statSync(directory)
  } catch {
    return { delegated: false, why: `your cgroup ${directory} (from /proc/self/cgroup) does not exist in this mount namespace` }
  }
  if (st.uid !== input.uid) {
    return { delegated: false, why: `your cgroup ${directory} (from /proc/self/cgroup) belongs to uid ${st.uid}, not to you (uid ${input.uid}): it is not delegated` }
  }
  for (const file of [directory, `${directory}/${PROCS_FILE}`, `${directory}/${SUBTREE_CONTROL_FILE}`]) {
    try {
      fs.accessSync(file, fs.constants.W_OK)
    } catch {
      return { delegated: false, why: `${file} is not writable by you: your cgroup is not fully delegated` }
    }
  }
  const offered = parseControllerList(safeRead(`${directory}/${CONTROLLERS_FILE}`))
  const missing = V2_REQUIRED_CONTROLLERS.filter((c) => !offered.includes(c))
  if (missing.length > 0) {
    return { delegated: false, why: `your delegated cgroup ${directory} is not given the ${missing.join(', ')} controller${missing.length > 1 ? 's' : ''} (${CONTROLLERS_FILE}: ${offered.join(' ') || 'empty'})` }
  }
  return { delegated: true, directory }
}

function safeRead(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return null
  }
}

/**
 * Lets the delegated cgroup hand memory, cpu and pids to islet's children. cgroup v2
 * allows that only in a cgroup without processes of its own, so the user's processes
 * in it (this Node among them) first move to a leaf beside islet's, as crun and podman do.
 */
export async function prepareDelegatedCgroup(directory: string): Promise<void> {
  const subtreeFile = `${directory}/${SUBTREE_CONTROL_FILE}`
  const enabled = parseControllerList(await readOptional(subtreeFile))
  const missing = V2_REQUIRED_CONTROLLERS.filter((c) => !enabled.includes(c))
  if (missing.length === 0) return
  const pids = (await readOptional(`${directory}/${PROCS_FILE}`) ?? '').split(/\s+/).filter((p) => /^\d+$/.test(p))
  if (pids.length > 0) {
    await makeCgroupDirectory(`${directory}/${HOST_LEAF}`, true)
    for (const pid of pids) {
      try {
        await writeCgroupFile(`${directory}/${HOST_LEAF}/${PROCS_FILE}`, pid)
      } catch (error) {
        // A process that ended meanwhile (ESRCH) is no obstacle.
        if ((error as { cause?: NodeJS.ErrnoException }).cause?.code !== 'ESRCH') throw error
      }
    }
  }
  await writeCgroupFile(subtreeFile, formatSubtreeControl(missing))
}
