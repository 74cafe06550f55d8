import { describe, expect, it } from 'vitest'
import { deriveHostname, resolveContainerOptions, validateHostname } from '../../../src/config/resolve.js'

describe('resolveContainerOptions', () => {
  it('fills defaults: loopback network, no limits, a scratch cap', () => {
    const resolved = resolveContainerOptions({})
    expect(resolved).toMatchObject({ network: 'loopback', layers: [], memoryBytes: undefined, cpuCores: undefined, pids: undefined })
    expect(resolved.scratchBytes).toBeGreaterThan(0)
  })

  it('converts every limit to kernel units', () => {
    expect(resolveContainerOptions({ memory: '64M', cpu: '0.5', pids: '32', network: 'host', scratchSize: '1G' })).toMatchObject({
      memoryBytes: 64 * 2 ** 20, cpuCores: 0.5, pids: 32, network: 'host', scratchBytes: 2 ** 30,
    })
  })

  it('names an unknown key and where it came from', () => {
    expect(() => resolveContainerOptions({ memroy: '1G' } as never, 'test/x.test.ts docblock')).toThrow('unknown option "memroy" in test/x.test.ts docblock')
  })

  it.each([
    [{ memory: '1M' }, /invalid memory: "1M" is below/],
    [{ pids: 1 }, /invalid pids: 1 is not a whole number of at least 2/],
    [{ pids: '3.5' }, /invalid pids: "3.5"/],
    [{ network: 'none' }, /invalid network: "none"/],
    [{ layers: 'a.tar' }, /invalid layers: "a.tar"/],
    [{ hostname: 'bad_name' }, /invalid hostname: "bad_name"/],
  ])('refuses %j', (options, message) => {
    expect(() => resolveContainerOptions(options as never)).toThrow(message)
  })
})

describe('hostnames', () => {
  it.each(['a', 'islet-1', 'x.y.z', 'a'.repeat(63)])('accepts %s', (name) => {
    expect(validateHostname(name)).toBe(name)
  })
  it.each(['', '-a', 'a-', 'a_b', 'a'.repeat(64) , `${'a'.repeat(40)}.${'b'.repeat(30)}`, 'a..b'])('refuses %j', (name) => {
    expect(() => validateHostname(name)).toThrow(/invalid hostname/)
  })
  it.each([
    ['node', 'islet-node'], ['/usr/bin/python3', 'islet-python3'], ['test/Math Utils.test.ts', 'islet-math-utils-test'],
    ['___', 'islet'], ['x'.repeat(100), 'islet-' + 'x'.repeat(57)],
  ])('derives a valid one from %s', (from, expected) => {
    const name = deriveHostname(from)
    expect(name).toBe(expected)
    expect(validateHostname(name)).toBe(name)
  })
})
