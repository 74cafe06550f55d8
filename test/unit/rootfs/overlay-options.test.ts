import { describe, expect, it } from 'vitest'
import { escapeOverlayPath, hostRelative, lowerdirOption } from '../../../src/rootfs/overlay-options.js'

describe('overlay options', () => {
  it('escapes the three characters overlayfs splits on', () => {
    expect(escapeOverlayPath('/data/a,b:c\\d')).toBe('/data/a\\,b\\:c\\\\d')
    expect(escapeOverlayPath('/plain/path with space')).toBe('/plain/path with space')
  })

  it('makes paths relative to the host root the launcher mounts from', () => {
    expect(hostRelative('/')).toBe('.')
    expect(hostRelative('/usr/lib/')).toBe('usr/lib')
    expect(hostRelative('//work')).toBe('work')
  })

  it('joins layers topmost first, each escaped', () => {
    expect(lowerdirOption(['/cache/l2,x', '/cache/l1', '/'])).toBe('cache/l2\\,x:cache/l1:.')
  })
})
