import type { ContainerOptions } from '../config/options.js'
import { resolveContainerOptions } from '../config/resolve.js'
import { IsletError } from '../errors.js'

/** Settings for the files a glob matches; later entries override earlier ones. */
export interface FileOverride extends ContainerOptions {
  include: string | string[]
}

export interface IsletPoolOptions extends ContainerOptions {
  /** Per-file settings by glob, relative to the project root. */
  files?: FileOverride[]
  /** Print a per-file summary at the end; a string also writes the JSON there (relative to the root). */
  report?: boolean | string
  /** When this host cannot isolate: 'error' (default) fails the run, 'forks' runs unisolated with one warning. */
  fallback?: 'error' | 'forks'
}

const POOL_ONLY_KEYS = ['files', 'report', 'fallback'] as const

/** Checks everything islet({...}) was given at config load, so mistakes surface before any test. */
export function validatePoolOptions(options: IsletPoolOptions): IsletPoolOptions {
  if (options === null || typeof options !== 'object') {
    throw new IsletError('ERR_ISLET_OPTION', `islet(): options must be an object, got ${JSON.stringify(options)}`)
  }
  const { files, report, fallback, ...container } = options
  resolveContainerOptions(container, 'islet({...})')
  if (fallback !== undefined && fallback !== 'error' && fallback !== 'forks') {
    throw new IsletError('ERR_ISLET_OPTION', `invalid fallback in islet({...}): ${JSON.stringify(fallback)}`, { hint: "use fallback: 'forks' or 'error'" })
  }
  if (report !== undefined && typeof report !== 'boolean' && (typeof report !== 'string' || report === '')) {
    throw new IsletError('ERR_ISLET_OPTION', `invalid report in islet({...}): ${JSON.stringify(report)}`, { hint: "use report: true, or a path such as report: 'islet-stats.json'" })
  }
  if (files !== undefined && !Array.isArray(files)) {
    throw new IsletError('ERR_ISLET_OPTION', `invalid files in islet({...}): ${JSON.stringify(files)}`, { hint: "files is a list like [{ include: 'test/heavy/**', memory: '2G' }]" })
  }
  files?.forEach((entry, i) => {
    const { include, ...rest } = entry ?? ({} as FileOverride)
    const includes = Array.isArray(include) ? include : [include]
    if (includes.length === 0 || includes.some((g) => typeof g !== 'string' || g === '')) {
      throw new IsletError('ERR_ISLET_OPTION', `invalid files[${i}].include in islet({...}): ${JSON.stringify(include)}`, { hint: "give a glob relative to the project root, e.g. include: 'test/heavy/**'" })
    }
    resolveContainerOptions(rest, `islet({ files[${i}] })`)
  })
  return options
}

export function containerPart(options: IsletPoolOptions): ContainerOptions {
  const rest: Record<string, unknown> = { ...options }
  for (const key of POOL_ONLY_KEYS) delete rest[key]
  return rest as ContainerOptions
}
