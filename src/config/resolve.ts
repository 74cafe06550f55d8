import os from 'node:os'
import { IsletError } from '../errors.js'
import { parseCpu } from './cpu.js'
import type { ContainerOptions, ResolvedContainerOptions } from './options.js'
import { parseSize } from './size.js'

const KNOWN_KEYS = new Set(['memory', 'cpu', 'pids', 'hostname', 'network', 'layers', 'scratchSize', 'limits'])

/** Fewer than this and the kernel cannot start even islet's init. */
const MIN_MEMORY_BYTES = 4 * 2 ** 20
/** islet's init and the command itself are both counted. */
const MIN_PIDS = 2
/** HOST_NAME_MAX on Linux. */
const MAX_HOSTNAME_LENGTH = 64

/**
 * Validates and fills in container options in one place, one function per option,
 * so every message names the option and the value (execa's lib/arguments style).
 * `where` says where the options came from ("islet({...})", "test/x.test.ts docblock").
 */
export function resolveContainerOptions(options: ContainerOptions = {}, where = 'options'): ResolvedContainerOptions {
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.has(key) && (options as Record<string, unknown>)[key] !== undefined) {
      throw new IsletError('ERR_ISLET_OPTION', `unknown option "${key}" in ${where}`, {
        hint: `known options: ${[...KNOWN_KEYS].join(', ')}`,
      })
    }
  }
  return {
    memoryBytes: options.memory === undefined ? undefined : resolveMemory(options.memory),
    cpuCores: options.cpu === undefined ? undefined : parseCpu(options.cpu),
    pids: options.pids === undefined ? undefined : resolvePids(options.pids),
    hostname: options.hostname === undefined ? undefined : validateHostname(options.hostname),
    network: resolveNetwork(options.network),
    layers: resolveLayers(options.layers),
    scratchBytes: options.scratchSize === undefined ? defaultScratchBytes() : parseSize(options.scratchSize, 'scratchSize'),
    limits: resolveLimitsMode(options.limits),
  }
}

function resolveLimitsMode(value: unknown): 'strict' | 'best-effort' {
  if (value === undefined || value === 'strict' || value === 'best-effort') return value ?? 'strict'
  throw new IsletError('ERR_ISLET_OPTION', `invalid limits: ${JSON.stringify(value)}`, {
    hint: 'use limits=strict (refuse to run when a limit cannot be applied) or limits=best-effort (run without it, with a warning)',
  })
}

function resolveMemory(value: string | number): number {
  const bytes = parseSize(value, 'memory')
  if (bytes < MIN_MEMORY_BYTES) {
    throw new IsletError('ERR_ISLET_OPTION', `invalid memory: ${JSON.stringify(value)} is below the 4M that any container needs`, {
      hint: 'give at least memory=4M; a Node.js process needs about 40M',
    })
  }
  return bytes
}

function resolvePids(value: string | number): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < MIN_PIDS) {
    throw new IsletError('ERR_ISLET_OPTION', `invalid pids: ${JSON.stringify(value)} is not a whole number of at least ${MIN_PIDS}`, {
      hint: 'pids counts every process and thread, islet\'s init included; Node.js alone uses about 12',
    })
  }
  return n
}

function resolveNetwork(value: unknown): 'loopback' | 'host' {
  if (value === undefined || value === 'loopback' || value === 'host') return value ?? 'loopback'
  throw new IsletError('ERR_ISLET_OPTION', `invalid network: ${JSON.stringify(value)}`, {
    hint: 'use network=loopback (a private network with only lo) or network=host (share the host\'s network)',
  })
}

function resolveLayers(value: unknown): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.some((layer) => typeof layer !== 'string' || layer === '')) {
    throw new IsletError('ERR_ISLET_OPTION', `invalid layers: ${JSON.stringify(value)}`, {
      hint: 'layers is a list of directories or .tar/.tar.gz files, lowest first',
    })
  }
  return value
}

/** RFC 1123 labels: what sethostname accepts and what every resolver and tool agrees on. */
export function validateHostname(value: unknown): string {
  const ok = typeof value === 'string' && value.length > 0 && value.length <= MAX_HOSTNAME_LENGTH &&
    value.split('.').every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(label))
  if (!ok) {
    throw new IsletError('ERR_ISLET_OPTION', `invalid hostname: ${JSON.stringify(value)}`, {
      hint: 'use letters, digits and inner hyphens, at most 63 per dot-separated label and 64 in all',
    })
  }
  return value as string
}

/** A hostname derived from what runs ("islet-node", "islet-math-test"), always valid. */
export function deriveHostname(from: string): string {
  const base = from.split('/').pop() ?? ''
  const label = base.toLowerCase().replace(/\.[cm]?[jt]sx?$/, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
  return `islet${label ? '-' + label : ''}`.slice(0, 63).replace(/-+$/, '')
}

/** A quarter of RAM: writes are charged to the memory limit too, this only caps an unlimited run. */
function defaultScratchBytes(): number {
  return Math.floor(os.totalmem() / 4)
}
