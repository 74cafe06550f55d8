import { describe, expect, it } from 'vitest'
import { parseCpu } from '../../../src/config/cpu.js'

describe('parseCpu', () => {
  it.each([[0.25, 0.25], ['0.25', 0.25], ['2', 2], ['250m', 0.25], [' 1.5 ', 1.5], [0.01, 0.01]])('reads %j', (input, cores) => {
    expect(parseCpu(input)).toBe(cores)
  })

  it.each([0, -1, '0.001', 'fast', '1.5.2', NaN, Infinity, null, '5m'])('refuses %j with the option name and a hint', (input) => {
    expect(() => parseCpu(input)).toThrow(expect.objectContaining({
      code: 'ERR_ISLET_OPTION',
      message: expect.stringMatching(/^invalid cpu: .* is not a number of cores/),
      hint: expect.stringContaining('cpu=0.25'),
    }))
  })
})
