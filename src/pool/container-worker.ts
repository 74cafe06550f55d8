import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pc from 'picocolors'
import type { PoolOptions, PoolWorker, WorkerRequest } from 'vitest/node'
import { deriveHostname } from '../config/resolve.js'
import { IsletError } from '../errors.js'
import type { ContainerOptions, RunOptions } from '../config/options.js'
import type { Container } from '../launcher/container.js'
import type { RunStats } from '../launcher/run-stats.js'
import { startContainer } from '../launcher/start-container.js'
import type { PoolSession } from './pool-session.js'
import { reportFileFailure } from './file-failure.js'
import { resolveFileOptions } from './resolve-file-options.js'
import { isSnapshotMessage } from './snapshot-messages.js'
import { applySnapshotMessage } from './snapshot-writer.js'

/** Loaded by the worker inside the container: {@link file://./snapshot-environment.ts} */
const SNAPSHOT_ENVIRONMENT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'snapshot-environment.js')

type Message = WorkerRequest & { type?: string; context?: { files?: Array<{ filepath: string }>; config?: Record<string, unknown> } }

/**
 * Vitest's forks worker, one container per test file. Shaped like Vitest's own
 * ForksPoolWorker, with one difference: the container needs the file's settings,
 * and the file arrives only with the `run` message. So `start` is answered at once
 * and the container is spawned on `run`, with the original `start` sent first.
 */
export class ContainerPoolWorker implements PoolWorker {
  readonly name: string
  /**
   * Like forks, the worker reads transformed modules from the host's cache directory
   * (a live, read-only bind: the host keeps writing it) instead of receiving them over
   * IPC; without a known directory they travel over IPC.
   */
  readonly cacheFs: boolean
  private readonly cacheDir: string | undefined
  private readonly events = new EventEmitter()
  private readonly entrypoint: string
  private container: Container | undefined
  private startMessage: Message | undefined
  private file: string | undefined
  private stopping = false
  private launching: Promise<void> | undefined
  /** The container ended before Vitest asked it to; already reported as the file's error. */
  private endedEarly = false

  constructor(private readonly options: PoolOptions, private readonly session: PoolSession) {
    this.name = session.name
    /** Vitest's forks entry: {@link file://./../../node_modules/vitest/dist/workers/forks.js} */
    this.entrypoint = path.resolve(options.distPath, 'workers/forks.js')
    this.cacheDir = moduleCacheDir(options)
    this.cacheFs = this.cacheDir !== undefined
  }

  on(event: string, callback: (arg: any) => void): void {
    this.events.on(event, callback)
  }

  off(event: string, callback: (arg: any) => void): void {
    this.events.off(event, callback)
  }

  deserialize(data: unknown): unknown {
    return data
  }

  async start(): Promise<void> {
    await this.session.checkProject(this.options.project)
  }

  send(message: WorkerRequest): void {
    const m = message as Message
    // After `stop` the worker may leave on its own: that exit is no failure.
    if (m.type === 'stop') this.stopping = true
    if (this.container && !this.endedEarly) {
      this.container.child.send(m)
      return
    }
    if (m.type === 'start') {
      this.startMessage = m
      setImmediate(() => this.reply({ type: 'started' }))
    } else if (m.type === 'run' || m.type === 'collect') {
      this.launching = this.launch(m)
      this.launching.catch((error) => this.fail(this.aboutFile(error)))
    } else if (m.type === 'stop') {
      // Nothing runs (never started, or already ended): answer for it.
      setImmediate(() => this.reply({ type: 'stopped' }))
    }
  }

  async stop(): Promise<void> {
    this.stopping = true
    // A stop that overtakes the launch (a cancelled run) must still end the container it makes.
    await this.launching?.catch(() => {})
    const container = this.container
    if (!container) return
    const stats = await container.stop().catch(() => null)
    const { logger } = this.options.project.vitest
    container.child.stdout?.unpipe(logger.outputStream)
    container.child.stderr?.unpipe(logger.errorStream)
    if (!stats || !this.file || this.endedEarly) return
    // The file ran to its end, yet a limit got in its way (a refused fork, an OOM-killed child): say which.
    if (stats.diagnosis) logger.error(pc.red(`[islet] ${path.relative(this.options.project.config.root, this.file)}: ${stats.diagnosis}`))
  }

  private async launch(run: Message): Promise<void> {
    const files = run.context?.files ?? []
    if (files.length !== 1) {
      throw new IsletError('ERR_ISLET_POOL', `islet runs one test file per container but was given ${files.length}: ${files.map((f) => f.filepath).join(', ')}`, {
        hint: 'this happens with isolate: false and maxWorkers: 1; keep isolate: true with the islet pool',
      })
    }
    const file = (this.file = files[0].filepath)
    const project = this.options.project
    const root = project.config.root
    const options = resolveFileOptions(this.session.options, root, file)
    const logger = project.vitest.logger
    const hostname = options.hostname ?? deriveHostname(path.relative(root, file))
    // A file with the pool's own settings takes the container built ahead for it.
    const spare = this.session.isDefault(options) ? await this.session.takeSpare(project) : null
    let container: Container
    if (spare) {
      spare.go(hostname)
      container = spare
    } else {
      container = await startContainer(this.command(), { ...this.runOptions(options), hostname })
    }
    // Build the next file's container while this one runs: its setup (cgroup
    // migration waits for an RCU grace period, about 10 ms) leaves the critical path.
    this.session.prepareSpare(project, () => startContainer(this.command(), { ...this.runOptions(this.session.defaults), deferred: true }))
    this.container = container
    const { child } = container
    child.stdout?.pipe(logger.outputStream, { end: false })
    child.stderr?.pipe(logger.errorStream, { end: false })
    child.on('error', (error) => this.events.emit('error', error))
    child.on('message', (message: any) => {
      if (isSnapshotMessage(message)) {
        const problem = applySnapshotMessage(message, root)
        if (problem) logger.warn(`[islet] ${path.relative(root, file)}: ${problem}`)
      } else if (message?.__vitest_worker_response__ && message.type === 'started') {
        // Already answered in send(); a failed start inside still has to surface.
        if (message.error) this.fail(message.error)
        else child.send(run)
      } else {
        this.events.emit('message', message)
      }
    })
    // Queued in the IPC socket until Node inside reads it: no round trip is spent waiting for `ready`.
    // `run` follows the worker's own `started`, as Vitest's PoolRunner orders them.
    const start = this.withIsletSnapshots(this.startMessage)
    if (start) child.send(start)
    else child.send(run)
    await container.ready
    this.session.track(container.finished.then((stats) => this.session.record(project, file, stats), () => {}))
    container.finished.then(async (stats) => {
      if (this.stopping) return
      this.endedEarly = true
      const message = `${path.relative(root, file)}: ${unexpectedEnd(stats)}`
      // Best: the file fails in Vitest's own list, and the run goes on as after any failed file.
      if (await reportFileFailure(project, file, message).catch(() => false)) this.reply({ type: 'testfileFinished' })
      else this.fail(new IsletError('ERR_ISLET_POOL', message))
    }, (error) => this.fail(error))
  }

  private command(): string[] {
    return [process.execPath, ...this.options.execArgv, this.entrypoint]
  }

  /** What every container of this project's files gets, whatever its limits. */
  private runOptions(options: ContainerOptions): RunOptions {
    const root = this.options.project.config.root
    return {
      ...options,
      cwd: process.cwd(),
      env: this.options.env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      // Paths the worker must find at the same place even if they live under /tmp.
      keepPaths: [root, path.resolve(this.options.distPath, '..'), path.dirname(process.execPath), path.dirname(SNAPSHOT_ENVIRONMENT)],
      readonlyPaths: this.cacheDir ? [this.cacheDir] : [],
    }
  }

  /** The worker's snapshot writes must reach the host; unless the user brought their own environment. */
  private withIsletSnapshots(start: Message | undefined): Message | undefined {
    const config = start?.context?.config
    if (!start || !config) return start
    if (config.snapshotEnvironment) {
      this.session.warnOnce(this.options.project, `[islet] snapshotEnvironment ${config.snapshotEnvironment} is the project's own: snapshot files it writes stay in each test file's container and are not kept`)
      return start
    }
    return { ...start, context: { ...start.context, config: { ...config, snapshotEnvironment: SNAPSHOT_ENVIRONMENT } } } as Message
  }

  /** Errors name the test file first, so a user sees which of many files it is about. */
  private aboutFile(error: unknown): unknown {
    if (!this.file) return error
    const where = path.relative(this.options.project.config.root, this.file)
    const e = error as IsletError
    const text = e?.shortMessage ?? e?.message ?? String(error)
    if (text.startsWith(where)) return error
    return new IsletError('ERR_ISLET_POOL', `${where}: ${text}`, { hint: e?.hint, cause: error })
  }

  private reply(response: Record<string, unknown>): void {
    this.events.emit('message', { __vitest_worker_response__: true, ...response })
  }

  private fail(error: unknown): void {
    // Vitest listens for errors only while a file runs; an 'error' nobody hears would throw.
    if (this.stopping || this.events.listenerCount('error') === 0) return
    this.events.emit('error', error)
  }
}

/**
 * Where Vitest writes transformed modules for `cacheFs` workers: the project's
 * `tmpDir` (not in Vitest's public types). Made now, so it can be bound before
 * Vitest writes its first module there.
 */
function moduleCacheDir(options: PoolOptions): string | undefined {
  const dir = (options.project as unknown as { tmpDir?: unknown }).tmpDir
  if (typeof dir !== 'string' || !path.isAbsolute(dir)) return undefined
  try {
    fs.mkdirSync(dir, { recursive: true })
    return dir
  } catch {
    return undefined
  }
}

function unexpectedEnd(stats: RunStats): string {
  if (stats.diagnosis) return stats.diagnosis
  return stats.signal ? `the test worker was killed by ${stats.signal}` : `the test worker exited with code ${stats.exitCode} before the file finished`
}
