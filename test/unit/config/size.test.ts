import { describe, expect, it } from 'vitest'
import { formatBytes, parseSize } from '../../../src/config/size.js'

describe('parseSize', () => {
  it.each([
    ['64M', 64 * 2 ** 20], ['64m', 64 * 2 ** 20], ['64MiB', 64 * 2 ** 20], ['64MB', 64 * 2 ** 20],
    ['1.5G', 1.5 * 2 ** 30], ['512k', 512 * 1024], ['1048576', 1048576], [' 2 G ', 2 * 2 ** 30], ['100b', 100], [4096, 4096],
  ])('reads %j', (input, bytes) => {
    expect(parseSize(input, 'memory')).toBe(bytes)
  })

  it.each(['', 'lots', '-1M', '64X', '1..5G', '0', 0, -5, 1.5, null, {}, 'M'])('refuses %j naming the option and the value', (input) => {
    expect(() => parseSize(input, 'memory')).toThrow(/invalid memory: .* is not a size/)
    try {
      parseSize(input, 'memory')
    } catch (error) {
      expect(error).toMatchObject({ code: 'ERR_ISLET_OPTION', hint: expect.stringContaining('memory=64M') })
    }
  })
})

describe('formatBytes', () => {
  it.each([[64 * 2 ** 20, '64 MiB'], [1.5 * 2 ** 30, '1.5 GiB'], [512, '512 B'], [1536, '1.5 KiB'], [67_000_000, '63.9 MiB']])('%d → %s', (n, text) => {
    expect(formatBytes(n)).toBe(text)
  })
})
