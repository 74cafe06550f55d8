/**
 * The cgroup filesystem: is it there and writable, which backend islet picks
 * (detectCgroups, so the doctor and the engine never disagree), and whether each
 * controller islet limits can really be used: as root a probe cgroup is created
 * and removed under islet's parent; as non-root, cgroup v2 delegation is read.
 */
import { detectCgroupMode, detectCgroups } from '../cgroups/detect.js'
import type { CgroupManager } from '../cgroups/manager.js'
import type { MountInfoEntry } from '../cgroups/mountinfo.js'
import { ISLET_PARENT } from '../cgroups/naming.js'
import { CgroupV1 } from '../cgroups/v1/cgroup-v1.js'
import { V1_CONTROLLERS } from '../cgroups/v1/files.js'
import { CgroupV2 } from '../cgroups/v2/cgroup-v2.js'
import { CONTROLLERS_FILE, parseControllerList, SUBTREE_CONTROL_FILE, V2_REQUIRED_CONTROLLERS } from '../cgroups/v2/files.js'
import { IsletError } from '../errors.js'
import { isRoot, result, type Check, type CheckResult } from './check.js'
import { CAP_SYS_ADMIN, detectContainer, hasCapability, NESTED_FIX, readEffectiveCapabilities, readMounts } from './container.js'
import type { HostView } from './host-view.js'

const CGROUP_FS_TYPES = new Set(['cgroup', 'cgroup2'])

/** What each controller's absence costs, for the table. */
const CONTROLLER_USE: Record<string, string> = {
  memory: 'memory limits and OOM reports',
  cpu: 'cpu limits',
  cpuacct: 'cpu time in run stats',
  pids: 'pids limits',
}

/** How a user gets cgroup v2 controllers delegated by systemd (as rootless podman and docker document it). */
const DELEGATION_FIX =
  'sudo mkdir -p /etc/systemd/system/user@.service.d && printf "[Service]\\nDelegate=cpu cpuset io memory pids\\n" | sudo tee /etc/systemd/system/user@.service.d/delegate.conf && sudo systemctl daemon-reload, then log in again'

function cgroupMounts(mounts: MountInfoEntry[]): MountInfoEntry[] {
  return mounts.filter((m) => CGROUP_FS_TYPES.has(m.fsType))
}

/** The longest directory all mount points share ("/sys/fs/cgroup"), for a short summary. */
function commonParent(entries: MountInfoEntry[]): string {
  const split = entries.map((m) => m.mountPoint.split('/'))
  const shared: string[] = []
  for (let i = 0; split.every((parts) => i < parts.length - 1 && parts[i] === split[0]![i]); i++) shared.push(split[0]![i]!)
  return shared.join('/') || '/'
}

export const checkContainer: Check = (view) => {
  const container = detectContainer(view, readMounts(view))
  return result('container', 'nested in a container', 'ok', container === null ? 'no container detected' : `inside ${container}`)
}

/** root needs CAP_SYS_ADMIN for mounts and cgroups; a container often drops it. */
export const checkCapabilities: Check = (view) => {
  const title = 'CAP_SYS_ADMIN'
  if (!isRoot(view)) return result('capabilities', title, 'skip', 'not root: rootless mode gets its capabilities inside its own user namespace')
  const mask = readEffectiveCapabilities(view)
  if (mask === null) return result('capabilities', title, 'warn', 'cannot read CapEff from /proc/self/status', 'check that /proc is mounted')
  if (hasCapability(mask, CAP_SYS_ADMIN)) return result('capabilities', title, 'ok', `in CapEff (${mask.toString(16)})`)
  const container = detectContainer(view, readMounts(view))
  return result(
    'capabilities', title, 'fail',
    `root without CAP_SYS_ADMIN (CapEff ${mask.toString(16)}): mount, pivot_root and cgroup writes will fail with EPERM${container ? `; islet runs inside ${container}` : ''}`,
    container ? NESTED_FIX : 'run islet with full root capabilities (not under a capability-dropping wrapper such as capsh or a systemd unit with CapabilityBoundingSet)',
  )
}

/** The cgroup filesystem is mounted, and read-write. */
export const checkCgroupFs: Check = (view) => {
  const title = 'cgroup filesystem'
  const mounts = readMounts(view)
  if (mounts === null) return result('cgroup-fs', title, 'fail', 'cannot read /proc/self/mountinfo', 'mount /proc (mount -t proc proc /proc)')
  const container = detectContainer(view, mounts)
  const inside = container ? ` (islet runs inside ${container})` : ''
  const cgroups = cgroupMounts(mounts)
  if (cgroups.length === 0) {
    const where = view.exists('/sys/fs/cgroup') ? '/sys/fs/cgroup exists but nothing is mounted as cgroup or cgroup2' : '/sys/fs/cgroup does not exist'
    return result('cgroup-fs', title, 'fail', `no cgroup mount in /proc/self/mountinfo: ${where}${inside}`, container ? NESTED_FIX : 'mount it: sudo mount -t cgroup2 none /sys/fs/cgroup')
  }
  const readOnly = cgroups.filter((m) => m.mountOptions.includes('ro'))
  const list = (entries: MountInfoEntry[]) => entries.map((m) => `${m.mountPoint} (${m.fsType})`).join(', ')
  if (readOnly.length === cgroups.length) {
    return result('cgroup-fs', title, 'fail', `every cgroup mount is read-only: ${list(readOnly)}${inside}`, container ? NESTED_FIX : 'remount it read-write, e.g. sudo mount -o remount,rw /sys/fs/cgroup')
  }
  if (readOnly.length > 0) {
    return result('cgroup-fs', title, 'warn', `read-write: ${list(cgroups.filter((m) => !readOnly.includes(m)))}; read-only: ${list(readOnly)}${inside}`, container ? NESTED_FIX : 'remount the read-only ones read-write if islet needs their controllers')
  }
  return result('cgroup-fs', title, 'ok', cgroups.length === 1 ? `read-write: ${list(cgroups)}` : `all ${cgroups.length} cgroup mounts read-write (under ${commonParent(cgroups)})`)
}

/** The backend islet would pick, or the IsletError that says why there is none. */
async function pickBackend(view: HostView, mountinfo: string): Promise<CgroupManager | IsletError> {
  try {
    return await detectCgroups({ mountinfo, root: view.root })
  } catch (error) {
    if (error instanceof IsletError) return error
    return new IsletError('ERR_ISLET_HOST', `cgroup detection failed: ${(error as Error)?.message ?? String(error)}`, { cause: error })
  }
}

/** Cached per run: checkCgroupMode and checkCgroupControllers ask for the same backend. */
const backends = new WeakMap<HostView, Promise<CgroupManager | IsletError | null>>()

function backendFor(view: HostView): Promise<CgroupManager | IsletError | null> {
  let backend = backends.get(view)
  if (backend === undefined) {
    const mountinfo = view.readFile('/proc/self/mountinfo')
    backend = mountinfo === null ? Promise.resolve(null) : pickBackend(view, mountinfo)
    backends.set(view, backend)
  }
  return backend
}

export const checkCgroupMode: Check = async (view) => {
  const title = 'cgroup mode'
  const mountinfo = view.readFile('/proc/self/mountinfo')
  if (mountinfo === null) return result('cgroup-mode', title, 'fail', 'cannot read /proc/self/mountinfo', 'mount /proc (mount -t proc proc /proc)')
  const mode = detectCgroupMode({ mountinfo })
  const backend = await backendFor(view)
  if (backend instanceof IsletError || backend === null) {
    return result('cgroup-mode', title, 'fail', `${mode}: ${backend?.shortMessage ?? 'no mountinfo'}`, backend?.hint)
  }
  return result('cgroup-mode', title, 'ok', `${mode}: islet uses ${view.root === '' ? backend.describe() : backend.describe().replaceAll(view.root, '')}`)
}

/** A host path (without the view's root prefix) for a path detectCgroups built. */
function hostPath(view: HostView, file: string): string {
  return view.root !== '' && file.startsWith(view.root) ? file.slice(view.root.length) : file
}

function probeDirectory(view: HostView, mount: string): string {
  return `${mount}/${ISLET_PARENT}/doctor-${view.pid}`
}

function v1Rows(view: HostView, manager: CgroupV1): CheckResult[] {
  const probed = new Map<string, string | null>()
  return V1_CONTROLLERS.map((controller) => {
    const id = `cgroup-${controller}`
    const title = `cgroup v1 ${controller}`
    const required = controller === 'memory' && isRoot(view)
    const prefixed = manager.hierarchies[controller]
    if (!prefixed) {
      return result(id, title, 'warn', `no v1 ${controller} hierarchy mounted: no ${CONTROLLER_USE[controller]}`, `sudo mkdir -p /sys/fs/cgroup/${controller} && sudo mount -t cgroup -o ${controller} cgroup /sys/fs/cgroup/${controller}`)
    }
    const mount = hostPath(view, prefixed)
    const probe = probeDirectory(view, mount)
    if (!probed.has(mount)) probed.set(mount, view.probeCgroup(probe))
    const problem = probed.get(mount)!
    if (problem === null) return result(id, title, 'ok', `writable: created and removed ${probe}`)
    const status = required ? 'fail' : 'warn'
    const fix = isRoot(view)
      ? `check that ${mount} is mounted read-write and not managed by another tool that forbids subgroups`
      : 'cgroup v1 is not delegated to ordinary users: run islet as root for limits, or boot with systemd.unified_cgroup_hierarchy=1 and delegate cgroup v2 controllers'
    return result(id, title, status, `cannot create ${probe}: ${problem}: no ${CONTROLLER_USE[controller]}`, fix)
  })
}

function v2RootRows(view: HostView, manager: CgroupV2): CheckResult[] {
  const mount = hostPath(view, manager.mount)
  const offered = parseControllerList(view.readFile(`${mount}/${CONTROLLERS_FILE}`))
  const enabled = parseControllerList(view.readFile(`${mount}/${SUBTREE_CONTROL_FILE}`))
  const probe = probeDirectory(view, mount)
  let probeResult: string | null | undefined
  return V2_REQUIRED_CONTROLLERS.map((controller) => {
    const id = `cgroup-${controller}`
    const title = `cgroup v2 ${controller}`
    if (!offered.includes(controller)) {
      return result(id, title, 'fail', `${mount}/${CONTROLLERS_FILE} does not list ${controller} ("${offered.join(' ')}"): no ${CONTROLLER_USE[controller]}`, 'a controller bound to a cgroup v1 hierarchy is not available on cgroup2; boot with systemd.unified_cgroup_hierarchy=1')
    }
    if (!enabled.includes(controller)) {
      return result(id, title, 'fail', `${controller} is not enabled in ${mount}/${SUBTREE_CONTROL_FILE} ("${enabled.join(' ')}"), and islet never writes into cgroups it did not create`, `echo "+${controller}" | sudo tee ${mount}/${SUBTREE_CONTROL_FILE} (in a container whose root cgroup holds processes, move them to a child cgroup first)`)
    }
    probeResult ??= view.probeCgroup(probe)
    if (probeResult !== null) {
      return result(id, title, 'fail', `offered and enabled, but cannot create ${probe}: ${probeResult}`, `check that ${mount} is mounted read-write`)
    }
    return result(id, title, 'ok', `enabled in ${SUBTREE_CONTROL_FILE}; created and removed ${probe}`)
  })
}

/** The process's own cgroup v2 path ("0::/user.slice/...") from /proc/self/cgroup, or null. */
export function ownCgroupV2Path(view: HostView): string | null {
  const line = (view.readFile('/proc/self/cgroup') ?? '').split('\n').find((l) => l.startsWith('0::'))
  return line === undefined ? null : line.slice(3).trim()
}

function v2DelegationRows(view: HostView, manager: CgroupV2): CheckResult[] {
  const mount = hostPath(view, manager.mount)
  const own = ownCgroupV2Path(view)
  const directory = own === null ? null : `${mount}${own === '/' ? '' : own}`
  const writable = directory !== null && view.isWritable(directory)
  const offered = directory === null ? [] : parseControllerList(view.readFile(`${directory}/${CONTROLLERS_FILE}`))
  return V2_REQUIRED_CONTROLLERS.map((controller) => {
    const id = `cgroup-${controller}`
    const title = `cgroup v2 ${controller} (delegated)`
    if (directory === null) return result(id, title, 'warn', 'no "0::" line in /proc/self/cgroup: cannot find your own cgroup', DELEGATION_FIX)
    if (!writable) return result(id, title, 'warn', `your cgroup ${directory} is not writable by euid ${view.euid}: no ${CONTROLLER_USE[controller]} in rootless mode`, DELEGATION_FIX)
    if (!offered.includes(controller)) return result(id, title, 'warn', `${directory}/${CONTROLLERS_FILE} does not list ${controller} ("${offered.join(' ')}"): no ${CONTROLLER_USE[controller]} in rootless mode`, DELEGATION_FIX)
    return result(id, title, 'ok', `delegated: ${directory} is writable and offers ${controller}`)
  })
}

/** One row per controller islet limits. */
export const checkCgroupControllers: Check = async (view) => {
  const backend = await backendFor(view)
  if (backend instanceof IsletError || backend === null) {
    return result('cgroup-controllers', 'cgroup controllers', 'skip', 'no usable cgroup backend (see cgroup mode)')
  }
  if (backend instanceof CgroupV1) return v1Rows(view, backend)
  if (backend instanceof CgroupV2) return isRoot(view) ? v2RootRows(view, backend) : v2DelegationRows(view, backend)
  return result('cgroup-controllers', 'cgroup controllers', 'skip', `unknown backend: ${backend.describe()}`)
}
