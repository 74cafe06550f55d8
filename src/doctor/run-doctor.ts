/**
 * `islet doctor`: every check against one HostView, in the order the table
 * shows them, and the verdict. islet can run when no row failed: each check
 * already knows whether its problem blocks root or only rootless mode (an
 * AppArmor userns restriction is a warning as root, a failure otherwise).
 */
import { checkCompiler, checkLauncher } from './build-checks.js'
import { checkCapabilities, checkCgroupControllers, checkCgroupFs, checkCgroupMode, checkContainer } from './cgroup-checks.js'
import { isRoot, result, type Check, type CheckResult } from './check.js'
import { createHostView, type HostView } from './host-view.js'
import { checkKernel, checkOverlay, checkPlatform, checkPrivileges } from './kernel-checks.js'
import { checkAppArmorUserns, checkMaxUserNamespaces, checkRootless, checkSubordinateIds, checkUnprivilegedUsernsClone } from './userns-checks.js'

export interface DoctorReport {
  /** True when no check failed: `islet doctor` exits 0. */
  canRun: boolean
  /** How islet would run for this user: as root, or rootless (user namespaces). */
  runAs: 'root' | 'rootless'
  checks: CheckResult[]
}

/** Named, so a check that throws (a bug, not a host problem) still gets a row with a stable id. */
export const CHECKS: ReadonlyArray<readonly [string, Check]> = [
  ['kernel', checkKernel],
  ['privileges', checkPrivileges],
  ['container', checkContainer],
  ['capabilities', checkCapabilities],
  ['cgroup-fs', checkCgroupFs],
  ['cgroup-mode', checkCgroupMode],
  ['cgroup-controllers', checkCgroupControllers],
  ['overlayfs', checkOverlay],
  ['userns-apparmor', checkAppArmorUserns],
  ['userns-max', checkMaxUserNamespaces],
  ['userns-clone', checkUnprivilegedUsernsClone],
  ['userns-subid', checkSubordinateIds],
  ['rootless', checkRootless],
  ['compiler', checkCompiler],
  ['launcher', checkLauncher],
]

async function runCheck(view: HostView, id: string, check: Check): Promise<CheckResult[]> {
  try {
    const found = await check(view)
    return Array.isArray(found) ? found : [found]
  } catch (error) {
    return [result(id, id, 'fail', `the check itself failed: ${(error as Error)?.stack ?? String(error)}`, 'this is a bug in islet doctor; please report it with this output')]
  }
}

/** Whether islet can run, given the rows: none failed. */
export function decideCanRun(checks: readonly CheckResult[]): boolean {
  return checks.every((check) => check.status !== 'fail')
}

export async function runDoctor(view: HostView = createHostView()): Promise<DoctorReport> {
  const runAs = isRoot(view) ? 'root' : 'rootless'
  const platform = checkPlatform(view)
  if (platform.status !== 'ok') return { canRun: false, runAs, checks: [platform] }
  const checks: CheckResult[] = []
  // One at a time: the cgroup probe creates and removes a directory, and the rows keep their order.
  for (const [id, check] of CHECKS) checks.push(...(await runCheck(view, id, check)))
  return { canRun: decideCanRun(checks), runAs, checks }
}
