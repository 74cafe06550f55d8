import { IsletError } from '../errors.js'

/** The smallest quota the kernel's CFS bandwidth control accepts is 1 ms per 100 ms period. */
export const MIN_CPU_CORES = 0.01

/** Parses cores: 0.25, "0.25", "2", or Kubernetes-style millicores "250m". */
export function parseCpu(value: unknown, option = 'cpu'): number {
  let cores: number
  if (typeof value === 'number') cores = value
  else if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) cores = Number(value)
  else if (typeof value === 'string' && /^\s*\d+\s*m\s*$/.test(value)) cores = Number.parseInt(value, 10) / 1000
  else cores = Number.NaN
  if (!Number.isFinite(cores) || cores < MIN_CPU_CORES) {
    throw new IsletError('ERR_ISLET_OPTION', `invalid ${option}: ${JSON.stringify(value)} is not a number of cores of at least ${MIN_CPU_CORES}`, {
      hint: `use a decimal number of cores such as ${option}=0.25 or ${option}=2, or millicores such as 250m`,
    })
  }
  return cores
}
