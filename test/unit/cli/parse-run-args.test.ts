import { describe, expect, it } from 'vitest'
import { parseRunArgs } from '../../../src/cli/parse-run-args.js'

describe('islet run arguments', () => {
  it('reads options up to -- and passes the rest untouched', () => {
    expect(parseRunArgs(['--memory', '64M', '--cpu=0.25', '--layer', 'a.tar', '--layer=b', '--stats', 's.json', '--', 'node', '-e', '1'])).toEqual({
      command: ['node', '-e', '1'], help: false,
      options: { memory: '64M', cpu: '0.25', layers: ['a.tar', 'b'], statsFile: 's.json' },
    })
  })

  it('stops at the first word that is not an option', () => {
    expect(parseRunArgs(['--pids', '32', 'sh', '-c', 'echo --memory']).command).toEqual(['sh', '-c', 'echo --memory'])
  })

  it.each([
    [['--memroy', '1G', 'x'], 'unknown option --memroy'],
    [['--memory'], 'option --memory needs a value'],
    [['--memory', '1G'], 'no command given'],
    [[], 'no command given'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseRunArgs(argv)).toThrow(message)
  })

  it('asks for help', () => {
    expect(parseRunArgs(['--help']).help).toBe(true)
  })
})
