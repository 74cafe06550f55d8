import type { StdioOptions } from 'node:child_process'

/** The container options shared by `islet run`, `run()` and the Vitest pool (CLI flags in camelCase). */
export interface ContainerOptions {
  /** Memory limit, swap included where the kernel allows: "64M", "1.5G" or bytes. */
  memory?: string | number
  /** CPU bandwidth in cores: 0.25, "2", "250m". */
  cpu?: string | number
  /** The most processes and threads at once, islet's init included. */
  pids?: string | number
  /** Hostname inside the container; default derived from what runs. */
  hostname?: string
  /** `loopback` (default): a private network with only `lo` up. `host`: the host's network. */
  network?: 'loopback' | 'host'
  /** Read-only layers over the host tree, lowest first: directories or .tar/.tar.gz files. */
  layers?: string[]
  /** Cap of the private scratch layer that receives every write (default 25% of RAM). */
  scratchSize?: string | number
  /**
   * What to do when a limit cannot be applied (rootless without a delegated cgroup):
   * `strict` (default) refuses to run; `best-effort` runs without it and warns once.
   */
  limits?: 'strict' | 'best-effort'
}

/** Options of `run()`/`startContainer()` beyond the container itself. */
export interface RunOptions extends ContainerOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Passed to child_process.spawn; the launcher adds its status pipe after these. */
  stdio?: StdioOptions
  serialization?: 'json' | 'advanced'
  /** Host paths hidden by the fresh /tmp that must stay visible (copy-on-write) inside. */
  keepPaths?: string[]
  /** Host paths bound read-only and live: what the host writes there later shows inside. */
  readonlyPaths?: string[]
  /** Host paths bound read-write: what is written there reaches the host. */
  writablePaths?: string[]
  /**
   * Build the container now but start the command only on `container.go()`:
   * the Vitest pool keeps one ready for the next test file.
   */
  deferred?: boolean
  /** Write the stats JSON here after exit (the CLI's --stats). */
  statsFile?: string
}

/** Options after validation: numbers in kernel units, every default filled in. */
export interface ResolvedContainerOptions {
  memoryBytes?: number
  cpuCores?: number
  pids?: number
  hostname?: string
  network: 'loopback' | 'host'
  layers: string[]
  scratchBytes: number
  limits: 'strict' | 'best-effort'
}
