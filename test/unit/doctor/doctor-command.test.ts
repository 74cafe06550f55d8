import { afterEach, describe, expect, it, vi } from 'vitest'
import { doctorCommand } from '../../../src/cli/doctor-command.js'

describe('doctorCommand arguments', () => {
  afterEach(() => vi.restoreAllMocks())

  it('prints its usage for --help and exits 0', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    expect(await doctorCommand(['--help'])).toBe(0)
    expect(String(stdout.mock.calls[0]?.[0])).toContain('usage: islet doctor [--json]')
  })

  it('rejects an unknown option with exit 2, naming it', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    expect(await doctorCommand(['--jsn'])).toBe(2)
    expect(String(stderr.mock.calls[0]?.[0])).toContain('unknown option "--jsn"')
  })
})
