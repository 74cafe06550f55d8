/**
 * Checks on what callers pass to a manager, before anything touches cgroupfs:
 * a bad name could escape islet's parent ("../x"), a bad limit would reach the
 * kernel as EINVAL with no word on which option was wrong.
 */
import { IsletError } from '../errors.js'
import type { CgroupLimits } from './manager.js'

/** A single path component: the leaf (or parent) name must stay inside its directory. */
export function validateCgroupName(name: string, what = 'cgroup name'): void {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\0\n]/.test(name)) {
    throw new IsletError('ERR_ISLET_CGROUP', `invalid ${what} ${JSON.stringify(name)}`, {
      hint: `a ${what} is one directory name: not empty, not "." or "..", no "/"`,
    })
  }
}

function validatePositive(option: keyof CgroupLimits, value: number | undefined, integer: boolean): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isSafeInteger(value))) {
    throw new IsletError('ERR_ISLET_CGROUP', `invalid cgroup limit ${option}: ${String(value)}`, {
      hint: `${option} must be a positive ${integer ? 'integer' : 'number'}, or undefined for no limit`,
    })
  }
}

export function validateLimits(limits: CgroupLimits): void {
  validatePositive('memoryBytes', limits.memoryBytes, true)
  validatePositive('cpuCores', limits.cpuCores, false)
  validatePositive('pids', limits.pids, true)
}
