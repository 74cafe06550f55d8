import type { ChildProcess } from 'node:child_process'
import type { Cgroup, CgroupLimits } from '../cgroups/manager.js'
import type { Writable } from 'node:stream'
import { validateHostname } from '../config/resolve.js'
import { IsletError } from '../errors.js'
import { diagnose, signalName } from './diagnose.js'
import type { RunStats } from './run-stats.js'
import { createLineParser, type StatusEvent } from './status-protocol.js'

/** Grace between SIGTERM and SIGKILL when islet stops a container (Vitest's forks pool uses the same). */
export const STOP_TIMEOUT_MS = 500

const RUSAGE_PEAK_SOURCE = 'rusage maxrss (largest single process: no cgroup memory peak was available)'

/**
 * One running container: the launcher's child process plus the cgroup the host made
 * for it. `ready` settles as soon as the command's exec succeeded or the launcher
 * reported why it could not start; `finished` settles after the cgroup was read and removed.
 */
export class Container {
  readonly ready: Promise<void>
  readonly finished: Promise<RunStats>
  /** Lines the launcher reported as degraded-but-running (e.g. a mount that fell back to read-only). */
  readonly warnings: string[] = []
  /** Host pid of the container's init (PID 1 inside). */
  initPid: number | undefined
  private stopRequested = false
  private killTimer: NodeJS.Timeout | undefined

  constructor(
    readonly child: ChildProcess,
    statusFd: number,
    private readonly cgroup: Cgroup,
    private readonly limits: CgroupLimits,
    private readonly command: string[],
    private startedAt: number,
    /** Turns a launcher error line into a better hint where the host knows more (rootless mode's clone errors). */
    explainError?: (message: string, hint: string | undefined) => string | undefined,
    /** With `deferred`: the pipe on which go() tells init to start the command. */
    private readonly goFd?: number,
  ) {
    let settleReady!: { resolve: () => void; reject: (e: Error) => void }
    this.ready = new Promise((resolve, reject) => { settleReady = { resolve, reject } })
    const events: StatusEvent[] = []
    let startError: IsletError | undefined
    const status = child.stdio[statusFd]
    status?.on('data', createLineParser((event) => {
      events.push(event)
      if (event.type === 'pid') this.initPid = event.pid
      else if (event.type === 'warning') this.warnings.push(event.text)
      else if (event.type === 'ready') settleReady.resolve()
      else if (event.type === 'error') {
        startError = new IsletError('ERR_ISLET_START', `container for \`${command.join(' ')}\` did not start: ${event.message}`, { hint: explainError?.(event.message, event.hint) ?? event.hint })
        settleReady.reject(startError)
      }
    }))
    this.finished = new Promise<RunStats>((resolve, reject) => {
      child.once('error', (error) => {
        startError ??= new IsletError('ERR_ISLET_LAUNCHER', `cannot spawn the launcher: ${error.message}`, { cause: error })
        settleReady.reject(startError)
      })
      child.once('close', (code, signal) => {
        clearTimeout(this.killTimer)
        if (!events.some((e) => e.type === 'ready')) {
          startError ??= new IsletError('ERR_ISLET_START',
            `container for \`${command.join(' ')}\` did not start: the launcher ended (${signal ?? `exit code ${code}`}) before the command ran`,
            { hint: 'run `islet doctor` to check this host' })
          settleReady.reject(startError)
        }
        this.collect(events, this.startedAt, code, signal).then(
          (stats) => (startError ? reject(startError) : resolve(stats)),
          (error) => reject(startError ?? error),
        )
      })
    })
    // Callers often await only one of the two; the other must not become an unhandled rejection.
    this.ready.catch(() => {})
    this.finished.catch(() => {})
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  /**
   * Starts the command of a container made with `deferred`, everything else
   * being in place already; `hostname` replaces the one it was built with.
   */
  go(hostname?: string): void {
    const pipe = this.goPipe()
    if (hostname !== undefined) validateHostname(hostname)
    this.startedAt = Date.now()
    pipe.end(hostname ? `go ${hostname}\n` : 'go\n')
  }

  /**
   * Whether this container keeps the host's event loop alive. A spare container
   * waiting for a test file must not keep Vitest from exiting (`vitest list` has
   * no end-of-run event to discard it by); if Vitest exits, the launcher sees its
   * parent die and removes everything.
   */
  keepAlive(keep: boolean): void {
    const handles = [this.child, this.child.channel, ...this.child.stdio] as Array<{ ref?: () => void; unref?: () => void } | null | undefined>
    for (const handle of handles) (keep ? handle?.ref : handle?.unref)?.call(handle)
  }

  /** A `deferred` container that is not needed after all ends without running its command. */
  discard(): void {
    this.goPipe().end()
  }

  private goPipe(): Writable {
    const pipe = this.goFd === undefined ? undefined : (this.child.stdio[this.goFd] as Writable | null)
    if (!pipe || pipe.writableEnded) {
      throw new IsletError('ERR_ISLET_LAUNCHER', 'go()/discard() need a container started with { deferred: true }, once')
    }
    return pipe
  }

  /** SIGTERM reaches the command through init; whatever is still there after STOP_TIMEOUT_MS is SIGKILLed. */
  stop(timeoutMs = STOP_TIMEOUT_MS): Promise<RunStats> {
    if (this.child.exitCode === null && this.child.signalCode === null && !this.stopRequested) {
      this.stopRequested = true
      this.child.kill('SIGTERM')
      this.killTimer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs)
      this.killTimer.unref()
    }
    return this.finished
  }

  private async collect(events: StatusEvent[], startedAt: number, code: number | null, launcherSignal: NodeJS.Signals | null): Promise<RunStats> {
    const durationMs = Date.now() - startedAt
    const stats = await this.cgroup.stats().finally(() => this.cgroup.destroy())
    const end = events.findLast((e) => e.type === 'exit' || e.type === 'signal')
    const rusage = events.find((e) => e.type === 'rusage')
    let exitCode: number | null = null
    let signal: string | null = null
    if (end?.type === 'exit') exitCode = end.code
    else if (end?.type === 'signal') signal = signalName(end.signal)
    else if (launcherSignal) signal = launcherSignal
    else exitCode = code
    let memoryPeakBytes = stats.memoryPeakBytes
    let memoryPeakSource = stats.memoryPeakSource
    if (memoryPeakBytes === null && rusage?.type === 'rusage') {
      memoryPeakBytes = rusage.maxRssKb * 1024
      memoryPeakSource = RUSAGE_PEAK_SOURCE
    }
    return {
      exitCode,
      signal,
      oomKilled: stats.oomKilled,
      memoryPeakBytes,
      cpuUsageUsec: stats.cpuUsageUsec,
      pidsPeak: stats.pidsPeak,
      durationMs,
      cpuThrottledUsec: stats.cpuThrottledUsec,
      memoryPeakSource,
      diagnosis: diagnose({ limits: this.limits, stats, memoryPeakBytes, signal, stoppedByIslet: this.stopRequested }),
    }
  }
}
