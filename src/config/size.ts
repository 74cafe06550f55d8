import { IsletError } from '../errors.js'

/** Binary multipliers, as docker and the kernel's own memparse read them: "64M" is 64 MiB. */
const UNITS: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }

/**
 * Parses "64M", "1.5G", "512KiB", "1048576" or a number of bytes.
 * `option` names the option in the error, so a user sees which value was wrong.
 */
export function parseSize(value: unknown, option: string): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value > 0) return value
    throw badSize(option, value)
  }
  if (typeof value !== 'string') throw badSize(option, value)
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(value) ?? /^\s*(\d+)\s*(b)\s*$/i.exec(value)
  if (!match) throw badSize(option, value)
  const bytes = Math.round(Number(match[1]) * UNITS[match[2].toLowerCase()])
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw badSize(option, value)
  return bytes
}

/** "64 MiB", "1.5 GiB": how limits are shown back to the user. */
export function formatBytes(bytes: number): string {
  const steps: Array<[number, string]> = [[2 ** 40, 'TiB'], [2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']]
  for (const [size, unit] of steps) {
    if (bytes >= size) {
      const n = bytes / size
      return `${Number.isInteger(n) ? n : n.toFixed(1).replace(/\.0$/, '')} ${unit}`
    }
  }
  return `${bytes} B`
}

function badSize(option: string, value: unknown): IsletError {
  return new IsletError('ERR_ISLET_OPTION', `invalid ${option}: ${JSON.stringify(value)} is not a size`, {
    hint: `use bytes or a number with a binary unit, e.g. ${option}=64M, 1.5G, 512K (K, M, G, T are powers of 1024)`,
  })
}
