/**
 * Every failure islet reports is an IsletError: a stable `code` for programs,
 * a one-line `shortMessage` for terminals, and a `hint` that says how to fix it.
 * The original error (an errno from fs, a launcher report) stays in `cause`.
 */
export type IsletErrorCode =
  | 'ERR_ISLET_OPTION'
  | 'ERR_ISLET_HOST'
  | 'ERR_ISLET_CGROUP'
  | 'ERR_ISLET_LAUNCHER'
  | 'ERR_ISLET_START'
  | 'ERR_ISLET_LAYER'
  | 'ERR_ISLET_POOL'

export interface IsletErrorDetails {
  hint?: string
  cause?: unknown
  /** The file, path or syscall the failure is about, when there is one. */
  path?: string
}

export class IsletError extends Error {
  readonly code: IsletErrorCode
  readonly shortMessage: string
  declare readonly hint?: string
  declare readonly path?: string

  constructor(code: IsletErrorCode, shortMessage: string, details: IsletErrorDetails = {}) {
    const full = details.hint ? `${shortMessage}\n  hint: ${details.hint}` : shortMessage
    super(full, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = 'IsletError'
    this.code = code
    this.shortMessage = shortMessage
    // Absent rather than undefined: Vitest prints every own property of an error it reports.
    if (details.hint !== undefined) Object.assign(this, { hint: details.hint })
    if (details.path !== undefined) Object.assign(this, { path: details.path })
  }
}

/** "EACCES: permission denied" style text for an fs/syscall error, without Node's path noise. */
export function describeErrno(error: unknown): string {
  const e = error as NodeJS.ErrnoException
  if (e && typeof e === 'object' && typeof e.code === 'string') {
    const text = (e.message || '').replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')
    return `${text} (${e.code})`
  }
  return String((e as Error)?.message ?? e)
}
