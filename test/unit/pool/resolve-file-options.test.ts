import { describe, expect, it } from 'vitest'
import { validatePoolOptions } from '../../../src/pool/pool-options.js'
import { resolveFileOptions } from '../../../src/pool/resolve-file-options.js'

const ROOT = '/project'

describe('per-file options', () => {
  const pool = validatePoolOptions({
    memory: '512M', cpu: 1, report: true, fallback: 'forks',
    files: [{ include: 'test/heavy/**', memory: '2G' }, { include: ['test/heavy/net-*.test.ts'], network: 'host' }],
  })

  it('starts from the pool options, without the pool-only keys', () => {
    expect(resolveFileOptions(pool, ROOT, '/project/test/a.test.ts', '')).toEqual({ memory: '512M', cpu: 1 })
  })

  it('applies matching files entries in order', () => {
    expect(resolveFileOptions(pool, ROOT, '/project/test/heavy/net-1.test.ts', '')).toEqual({ memory: '2G', cpu: 1, network: 'host' })
  })

  it('lets the file\'s docblock have the last word', () => {
    expect(resolveFileOptions(pool, ROOT, '/project/test/heavy/x.test.ts', '/** @islet memory=64M */')).toEqual({ memory: '64M', cpu: 1 })
  })

  it('names the file when a docblock value is bad', () => {
    expect(() => resolveFileOptions(pool, ROOT, '/project/test/x.test.ts', '/** @islet cpu=lots */')).toThrow(/^test\/x\.test\.ts: invalid cpu: "lots"/)
  })
})

describe('islet({...}) validation at config load', () => {
  it.each([
    [{ memory: 'lots' }, 'invalid memory: "lots"'],
    [{ fallback: 'threads' }, 'invalid fallback in islet({...}): "threads"'],
    [{ report: 3 }, 'invalid report in islet({...}): 3'],
    [{ files: 'x' }, 'invalid files in islet({...})'],
    [{ files: [{ memory: '1G' }] }, 'invalid files[0].include'],
    [{ files: [{ include: 'x/**', cpu: -1 }] }, 'invalid cpu: -1'],
    [{ memroy: '1G' }, 'unknown option "memroy" in islet({...})'],
  ])('refuses %j', (options, message) => {
    expect(() => validatePoolOptions(options as never)).toThrow(message)
  })
})
