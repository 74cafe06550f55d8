import fs from 'node:fs'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import type { ContainerOptions } from '../config/options.js'
import type { Container } from '../launcher/container.js'
import type { RunStats } from '../launcher/run-stats.js'
import { containerPart, type IsletPoolOptions } from './pool-options.js'
import { resolveFileOptions } from './resolve-file-options.js'
import { formatReport, reportJson, type FileStats } from './stats-report.js'

/** Option objects compared by value, key order aside. */
function canonical(options: ContainerOptions): string {
  return JSON.stringify(Object.entries(options).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)))
}

/** How long the end-of-run report waits for the last containers to hand in their stats. */
const REPORT_WAIT_MS = 5_000

/**
 * What one `islet({...})` shares across its workers: the options, the per-project
 * check of every file's docblock (so a bad value fails the run before any test),
 * and the stats behind `report`.
 */
export class PoolSession {
  readonly name = 'islet'
  private readonly checked = new WeakMap<TestProject, Promise<void>>()
  private stats: FileStats[] = []
  /** Containers whose stats are not in yet: Vitest reports the run's end before its last workers are stopped. */
  private readonly pending = new Set<Promise<void>>()
  private reporterAdded = false

  /** The container options of a file with no `files` entry or docblock of its own. */
  readonly defaults: ContainerOptions
  readonly #defaultsKey: string
  /** Per project, a container built with the defaults and waiting for its test file. */
  private readonly spares = new Map<TestProject, Promise<Container | null>>()

  constructor(readonly options: IsletPoolOptions) {
    this.defaults = containerPart(options)
    this.#defaultsKey = canonical(this.defaults)
  }

  isDefault(options: ContainerOptions): boolean {
    return canonical(options) === this.#defaultsKey
  }

  /** The waiting container, if one is there and still alive; the slot is emptied either way. */
  async takeSpare(project: TestProject): Promise<Container | null> {
    const spare = this.spares.get(project)
    this.spares.delete(project)
    const container = await spare
    if (!container || container.child.exitCode !== null || container.child.signalCode !== null) return null
    container.keepAlive(true)
    return container
  }

  /** Starts building the next file's container unless one is already on its way. */
  prepareSpare(project: TestProject, start: () => Promise<Container>): void {
    if (this.spares.has(project)) return
    this.spares.set(project, start().then(
      (container) => {
        // Never started, never waited for: ending without 'ready' is its normal end.
        container.ready.catch(() => {})
        container.keepAlive(false)
        return container
      },
      () => null,
    ))
  }

  /** At the end of a run nothing more will come: the waiting containers end without running anything. */
  discardSpares(): void {
    for (const spare of this.spares.values()) spare.then((container) => container?.discard(), () => {})
    this.spares.clear()
  }

  /** Validates every test file's `@islet` docblock once per project. */
  checkProject(project: TestProject): Promise<void> {
    let check = this.checked.get(project)
    if (!check) {
      check = project.globTestFiles().then(({ testFiles }) => {
        for (const file of testFiles) resolveFileOptions(this.options, project.config.root, file)
      })
      this.checked.set(project, check)
    }
    this.addReporter(project)
    return check
  }

  private readonly warned = new Set<string>()

  /** One line per distinct warning per run, however many files hit it. */
  warnOnce(project: TestProject, message: string): void {
    if (this.warned.has(message)) return
    this.warned.add(message)
    project.vitest.logger.warn(message)
  }

  track(done: Promise<void>): void {
    this.pending.add(done)
    done.finally(() => this.pending.delete(done))
  }

  record(project: TestProject, file: string, stats: RunStats): void {
    this.stats.push({ project: project.name, file: path.relative(project.config.root, file), ...stats })
  }

  /**
   * Vitest reads its reporter list at every event, so islet can hear of the run's
   * end from there: to discard the spare containers, and for the summary.
   */
  private addReporter(project: TestProject): void {
    if (this.reporterAdded) return
    this.reporterAdded = true
    const vitest = project.vitest
    const report = this.options.report
    // `reporters` is not in Vitest's public types, but report() reads this very array.
    ;(vitest as unknown as { reporters: Array<Record<string, unknown>> }).reporters.push({
      onTestRunStart: () => { this.stats = [] },
      onTestRunEnd: async () => {
        this.discardSpares()
        if (!report) return
        await Promise.race([Promise.all(this.pending), new Promise((resolve) => setTimeout(resolve, REPORT_WAIT_MS).unref())])
        vitest.logger.log(formatReport(this.stats))
        if (typeof report === 'string') {
          const file = path.resolve(vitest.config.root, report)
          fs.mkdirSync(path.dirname(file), { recursive: true })
          fs.writeFileSync(file, reportJson(this.stats))
        }
      },
    })
  }
}
