import { describe, expect, it } from 'vitest'
import { parseIsletDocblock } from '../../../src/pool/docblock.js'

describe('@islet docblocks', () => {
  it('reads key=value pairs from the leading comment', () => {
    expect(parseIsletDocblock('/** @islet memory=64M cpu=0.25 network=host */\nimport x from "y"\n', 'a.test.ts'))
      .toEqual({ memory: '64M', cpu: '0.25', network: 'host' })
  })

  it('adds up several tags over several lines and comments; a later key wins', () => {
    const source = '#!/usr/bin/env node\n// @islet pids=32\n/**\n * Heavy file.\n * @islet memory=1G\n * @islet memory=2G scratch-size=512M\n */\nit()'
    expect(parseIsletDocblock(source, 'a.test.ts')).toEqual({ pids: '32', memory: '2G', scratchSize: '512M' })
  })

  it('ignores tags after the first line of code', () => {
    expect(parseIsletDocblock('import x from "y"\n/** @islet memory=64M */\n', 'a.test.ts')).toEqual({})
  })

  it('names the file, the key and the value of an unknown key', () => {
    expect(() => parseIsletDocblock('/** @islet memroy=64M */', 'test/x.test.ts')).toThrow(expect.objectContaining({
      code: 'ERR_ISLET_OPTION', message: expect.stringContaining('test/x.test.ts: unknown key "memroy" in its @islet docblock (value "64M")'),
    }))
  })

  it('refuses a key without a value', () => {
    expect(() => parseIsletDocblock('/** @islet memory */', 'x.test.ts')).toThrow('x.test.ts: @islet memory has no value')
  })
})
