import { spawn, type StdioOptions } from 'node:child_process'
import fs from 'node:fs'
import type { Cgroup, CgroupLimits } from '../cgroups/manager.js'
import { readMountInfo } from '../cgroups/mountinfo.js'
import type { RunOptions } from '../config/options.js'
import { deriveHostname, resolveContainerOptions } from '../config/resolve.js'
import { IsletError, describeErrno } from '../errors.js'
import { layerCacheDir, resolveLayerDirs } from '../rootfs/layers.js'
import { mountArgs, planMounts } from '../rootfs/mount-plan.js'
import { explainCloneFailure } from '../rootless/explain-userns.js'
import { hostIdMaps, idMapArgs } from '../rootless/id-maps.js'
import { rootlessCgroup, type RootlessCgroup } from '../rootless/rootless-cgroup.js'
import { planForUserns, usernsMountArgs } from '../rootless/userns-mounts.js'
import { readUsernsFacts } from '../rootless/userns-facts.js'
import { Container } from './container.js'
import { assertCanIsolate, isRootless } from './host-check.js'
import { hostCgroups, nextCgroupName } from './host-cgroups.js'
import { launcherPath } from './launcher-path.js'

/**
 * Cgroups made for a launcher that is not spawned yet. A process that exits in
 * that window (Vitest ending while the pool builds a spare container) removes
 * them on its way out; after spawn, the launcher removes them if we die.
 */
const unspawned = new Set<Cgroup>()
process.once('exit', () => {
  for (const cgroup of unspawned) {
    for (const directory of [...cgroup.directories].reverse()) {
      try {
        fs.rmdirSync(directory)
      } catch {}
    }
  }
})

/** Rootless warnings said once per process, not once per container (a pool starts many). */
const warnedOnce = new Set<string>()

/**
 * Starts `command` in a fresh container and returns at once; `container.ready` says
 * whether it came up. The caller owns the child's stdio (`stdio`, default 'pipe'),
 * the launcher's status pipe is appended after them.
 */
export async function startContainer(command: string[], options: RunOptions = {}): Promise<Container> {
  if (!Array.isArray(command) || command.length === 0 || command.some((a) => typeof a !== 'string')) {
    throw new IsletError('ERR_ISLET_OPTION', `invalid command: ${JSON.stringify(command)}`, { hint: 'pass the program and its arguments as an array of strings, e.g. [\'node\', \'x.js\']' })
  }
  assertCanIsolate()
  const resolved = resolveContainerOptions(pickContainerOptions(options))
  const launcher = launcherPath()
  const cwd = options.cwd ?? process.cwd()
  const layers = await resolveLayerDirs(resolved.layers, layerCacheDir(options.env ?? process.env))
  const requested: CgroupLimits = { memoryBytes: resolved.memoryBytes, cpuCores: resolved.cpuCores, pids: resolved.pids }
  const rootless = isRootless()
  const { cgroup, limits, warning }: RootlessCgroup = rootless
    ? await rootlessCgroup(nextCgroupName(), requested, resolved.limits)
    : { cgroup: await (await hostCgroups()).create(nextCgroupName(), requested), limits: requested }
  unspawned.add(cgroup)
  try {
    const mounts = readMountInfo()
    const plan = planMounts({
      mounts,
      // The working directory must exist inside even when it lives under the fresh /tmp.
      keepPaths: [cwd, ...(options.keepPaths ?? [])],
      readonlyPaths: options.readonlyPaths ?? [],
      writablePaths: options.writablePaths ?? [],
    })
    const stdio = normalizeStdio(options.stdio)
    const statusFd = stdio.length
    const goFd = options.deferred ? statusFd + 1 : undefined
    const args = [
      '--status-fd', String(statusFd),
      '--host-pid', String(process.pid),
      ...(goFd === undefined ? [] : ['--go-fd', String(goFd)]),
      '--hostname', resolved.hostname ?? deriveHostname(command[0]),
      '--scratch-size', String(resolved.scratchBytes),
      '--cwd', cwd,
      ...(resolved.network === 'host' ? ['--share-net'] : []),
      ...cgroup.procsFiles.flatMap((file) => ['--cgroup-procs', file]),
      ...(rootless
        ? ['--userns', ...idMapArgs(hostIdMaps(options.env ?? process.env)),
            ...usernsMountArgs(planForUserns({ ops: plan, mountPoints: mounts.map((m) => m.mountPoint) }), layers)]
        : mountArgs(plan, layers)),
      '--', ...command,
    ]
    const startedAt = Date.now()
    // From here the launcher owns the cgroup's cleanup (it removes it if we die); until
    // spawn returns, a process that exits right now must remove it itself.
    const child = spawn(launcher, args, {
      cwd,
      env: options.env ?? process.env,
      stdio: [...stdio, 'pipe', ...(goFd === undefined ? [] : ['pipe' as const])],
      serialization: options.serialization,
    })
    unspawned.delete(cgroup)
    const explain = rootless ? (message: string) => explainCloneFailure(message, readUsernsFacts()) ?? undefined : undefined
    const container = new Container(child, statusFd, cgroup, limits, command, startedAt, explain, goFd)
    if (warning && !warnedOnce.has(warning)) {
      warnedOnce.add(warning)
      container.warnings.push(warning)
    }
    return container
  } catch (error) {
    unspawned.delete(cgroup)
    await cgroup.destroy()
    throw error instanceof IsletError ? error : new IsletError('ERR_ISLET_LAUNCHER', `cannot start the launcher: ${describeErrno(error)}`, { cause: error })
  }
}

function pickContainerOptions(options: RunOptions) {
  const { memory, cpu, pids, hostname, network, layers, scratchSize, limits } = options
  return { memory, cpu, pids, hostname, network, layers, scratchSize, limits }
}

/** 'inherit' → ['inherit','inherit','inherit'], so the status pipe can go after the caller's fds. */
function normalizeStdio(stdio: StdioOptions | undefined): Exclude<StdioOptions, string> {
  if (stdio === undefined) return ['pipe', 'pipe', 'pipe']
  if (typeof stdio === 'string') return [stdio, stdio, stdio]
  return [...stdio]
}

export type { Cgroup }
