import { ForksPoolWorker, type PoolOptions } from 'vitest/node'
import { afterEach, describe, expect, it, vi } from 'vitest'

const host = vi.hoisted(() => ({ why: null as string | null }))
vi.mock('../../../src/launcher/host-check.js', () => ({ whyCannotIsolate: () => host.why }))

const { islet } = await import('../../../src/pool/islet-pool.js')
const { ContainerPoolWorker } = await import('../../../src/pool/container-worker.js')

function poolOptions(config: Record<string, unknown> = {}) {
  const warn = vi.fn()
  const options = {
    distPath: '/x/node_modules/vitest/dist', method: 'run', execArgv: [], env: {},
    environment: { name: 'node', options: null },
    project: { name: '', config: { root: '/x', isolate: true, ...config }, vitest: { logger: { warn, outputStream: process.stdout, errorStream: process.stderr } } },
  } as unknown as PoolOptions
  return { options, warn }
}

describe('islet()', () => {
  afterEach(() => { host.why = null })

  it('is a PoolRunnerInitializer named islet that makes container workers', () => {
    const pool = islet({ memory: '256M' })
    expect(pool.name).toBe('islet')
    const worker = pool.createPoolWorker(poolOptions().options)
    expect(worker).toBeInstanceOf(ContainerPoolWorker)
    expect(worker.name).toBe('islet')
  })

  it('checks its options at config load', () => {
    expect(() => islet({ memory: 'lots' })).toThrow('invalid memory: "lots"')
  })

  it('refuses isolate: false, saying why', () => {
    expect(() => islet().createPoolWorker(poolOptions({ isolate: false }).options)).toThrow(expect.objectContaining({
      code: 'ERR_ISLET_POOL', message: expect.stringContaining('the islet pool needs isolate: true'),
    }))
  })

  it('with fallback: forks, runs Vitest\'s forks worker where the host cannot isolate, warning once', () => {
    host.why = 'islet needs Linux namespaces, cgroups and overlayfs; this is darwin'
    const pool = islet({ fallback: 'forks' })
    const { options, warn } = poolOptions()
    const first = pool.createPoolWorker(options)
    pool.createPoolWorker(options)
    expect(first).toBeInstanceOf(ForksPoolWorker)
    expect(first.name).toBe('islet')
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0][0]).toContain('running test files under forks, without isolation')
  })

  it('without a fallback, leaves the refusal to the container start (a clear error per file)', () => {
    host.why = 'not Linux'
    expect(islet().createPoolWorker(poolOptions().options)).toBeInstanceOf(ContainerPoolWorker)
  })
})
