import { describe, expect, it } from 'vitest'
import { matchesGlob } from '../../../src/pool/glob.js'

describe('matchesGlob', () => {
  it.each([
    ['test/heavy/a.test.ts', 'test/heavy/**', true],
    ['test/heavy/deep/a.test.ts', 'test/heavy/**', true],
    ['test/light/a.test.ts', 'test/heavy/**', false],
    ['test/a.test.ts', '**/*.test.ts', true],
    ['a.test.ts', '**/*.test.ts', true],
    ['test/a.spec.ts', 'test/*.{test,spec}.ts', true],
    ['test/sub/a.spec.ts', 'test/*.{test,spec}.ts', false],
    ['test/a1.ts', 'test/a?.ts', true],
    ['test/a.ts', './test/a.ts', true],
    ['test/a+b.ts', 'test/a+b.ts', true],
  ])('%s against %s → %s', (file, glob, expected) => {
    expect(matchesGlob(file, glob)).toBe(expected)
  })

  it('takes a list of globs', () => {
    expect(matchesGlob('e2e/x.test.ts', ['unit/**', 'e2e/**'])).toBe(true)
  })
})
