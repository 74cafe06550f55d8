/**
 * Skips that say why, and CI that refuses them (as bubblewrap's BWRAP_MUST_WORK).
 *
 * A test that needs something from the host (root, a cgroup hierarchy, user
 * namespaces) computes a reason it cannot run, or null when it can:
 *
 *   const host = hostSkip(whyCannotCgroupV1())
 *   requireHost(host)                       // fails under ISLET_MUST_WORK=1 instead of skipping
 *   describe.skipIf(host.skip)(host.title('CgroupV1 on a real kernel'), () => { ... })
 *
 * Without ISLET_MUST_WORK=1 the suite is skipped and its title carries the
 * reason; with it, the suite runs anyway and one extra test fails with the reason.
 */
import { it } from 'vitest'

/** True when ISLET_MUST_WORK=1: every host-dependent test must run and pass. */
export function mustWork(): boolean {
  return process.env.ISLET_MUST_WORK === '1'
}

export interface HostSkip {
  /** Skip the suite: the host cannot run it and ISLET_MUST_WORK is not set. */
  skip: boolean
  /** Why the host cannot run it, or null when it can. */
  reason: string | null
  /** `name`, with "(skipped: reason)" appended when skipping, so reporters show why. */
  title(name: string): string
}

export function hostSkip(reason: string | null): HostSkip {
  const skip = reason !== null && !mustWork()
  return { skip, reason, title: (name) => (skip ? `${name} (skipped: ${reason})` : name) }
}

/**
 * Register a test that fails when the host cannot run this file but
 * ISLET_MUST_WORK=1 demands it. Call at the top level of a test file or in a describe.
 */
export function requireHost(host: HostSkip | string | null): void {
  const reason = typeof host === 'object' && host !== null ? host.reason : host
  it.runIf(reason !== null && mustWork())('host can run the host-dependent tests (ISLET_MUST_WORK=1)', () => {
    throw new Error(`ISLET_MUST_WORK=1 but this host cannot run these tests: ${reason}`)
  })
}

/**
 * A suite for another kind of host (the cgroup v2 backend's real-kernel tests on
 * a v1 host, and the reverse): skipped with the reason even under
 * ISLET_MUST_WORK=1, because no host is both, and CI runs the other kind in the
 * cgroup2 lane (npm run test:cgroup2). Null when the suite applies here.
 */
export function notApplicable(reason: string | null): HostSkip {
  return { skip: reason !== null, reason: null, title: (name) => (reason ? `${name} (not applicable here: ${reason})` : name) }
}

/** Null when running as root, else why not. */
export function whyNotRoot(): string | null {
  return process.getuid?.() === 0 ? null : 'requires root'
}
