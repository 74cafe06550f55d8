import type { ContainerOptions } from '../config/options.js'
import { IsletError } from '../errors.js'

/** Docblock keys as a user writes them, mapped to option names. */
const DOCBLOCK_KEYS: Record<string, keyof ContainerOptions> = {
  memory: 'memory', cpu: 'cpu', pids: 'pids', hostname: 'hostname', network: 'network', 'scratch-size': 'scratchSize', scratchSize: 'scratchSize',
}

/**
 * Reads `@islet key=value ...` tags from the comment block(s) at the top of a test
 * file, before any code, as Vitest reads `@vitest-environment`. Several tags add up;
 * a later key wins.
 */
export function parseIsletDocblock(source: string, file: string): ContainerOptions {
  const header = /^(?:\s*(?:\/\*[\s\S]*?\*\/|\/\/[^\n]*\n|#![^\n]*\n))*/.exec(source)?.[0] ?? ''
  const options: Record<string, string> = {}
  for (const tag of header.matchAll(/@islet\b([^\n]*)/g)) {
    const body = tag[1].replace(/\*\/.*$/, '').trim()
    for (const pair of body.split(/\s+/).filter(Boolean)) {
      const eq = pair.indexOf('=')
      const key = eq === -1 ? pair : pair.slice(0, eq)
      const value = eq === -1 ? '' : pair.slice(eq + 1)
      const option = DOCBLOCK_KEYS[key]
      if (!option) {
        throw new IsletError('ERR_ISLET_OPTION', `${file}: unknown key "${key}" in its @islet docblock (value ${JSON.stringify(value)})`, {
          path: file, hint: `known keys: ${Object.keys(DOCBLOCK_KEYS).filter((k) => k !== 'scratchSize').join(', ')}; write them as key=value`,
        })
      }
      if (value === '') {
        throw new IsletError('ERR_ISLET_OPTION', `${file}: @islet ${key} has no value`, { path: file, hint: `write it as ${key}=<value>, e.g. memory=64M` })
      }
      options[option] = value
    }
  }
  return options as ContainerOptions
}
