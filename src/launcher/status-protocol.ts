/**
 * The launcher's status lines (native/launcher.c writes them on --status-fd):
 * `pid N`, `warning TEXT`, `ready`, `error MESSAGE[\tHINT]`, `rusage MAXRSS_KB UTIME_US STIME_US`,
 * and last `exit CODE` or `signal N`.
 */
export type StatusEvent =
  | { type: 'pid'; pid: number }
  | { type: 'warning'; text: string }
  | { type: 'ready' }
  | { type: 'error'; message: string; hint?: string }
  | { type: 'rusage'; maxRssKb: number; userUsec: number; systemUsec: number }
  | { type: 'exit'; code: number }
  | { type: 'signal'; signal: number }

export function parseStatusLine(line: string): StatusEvent | null {
  const space = line.indexOf(' ')
  const word = space === -1 ? line : line.slice(0, space)
  const rest = space === -1 ? '' : line.slice(space + 1)
  switch (word) {
    case 'pid': return { type: 'pid', pid: Number(rest) }
    case 'warning': return { type: 'warning', text: rest }
    case 'ready': return { type: 'ready' }
    case 'error': {
      const [message, hint] = rest.split('\t')
      return hint ? { type: 'error', message, hint } : { type: 'error', message }
    }
    case 'rusage': {
      const [maxRssKb, userUsec, systemUsec] = rest.split(' ').map(Number)
      return { type: 'rusage', maxRssKb, userUsec, systemUsec }
    }
    case 'exit': return { type: 'exit', code: Number(rest) }
    case 'signal': return { type: 'signal', signal: Number(rest) }
    default: return null
  }
}

/** Splits a byte stream into lines and hands each parsed event on; unknown lines are ignored. */
export function createLineParser(onEvent: (event: StatusEvent) => void): (chunk: Buffer | string) => void {
  let pending = ''
  return (chunk) => {
    pending += chunk.toString()
    let newline: number
    while ((newline = pending.indexOf('\n')) !== -1) {
      const event = parseStatusLine(pending.slice(0, newline))
      pending = pending.slice(newline + 1)
      if (event) onEvent(event)
    }
  }
}
