import fs from 'node:fs'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import type { RunStats } from '../launcher/run-stats.js'
import type { IsletPoolOptions } from './pool-options.js'
import { resolveFileOptions } from './resolve-file-options.js'
import { formatReport, reportJson, type FileStats } from './stats-report.js'

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

  constructor(readonly options: IsletPoolOptions) {}

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

  /** Vitest reads its reporter list at every event, so the summary can join it from here. */
  private addReporter(project: TestProject): void {
    if (this.reporterAdded || !this.options.report) return
    this.reporterAdded = true
    const vitest = project.vitest
    const report = this.options.report
    // `reporters` is not in Vitest's public types, but report() reads this very array.
    ;(vitest as unknown as { reporters: Array<Record<string, unknown>> }).reporters.push({
      onTestRunStart: () => { this.stats = [] },
      onTestRunEnd: async () => {
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
