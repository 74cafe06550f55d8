import { describe, expect, it } from 'vitest'
import { createLineParser, parseStatusLine, type StatusEvent } from '../../../src/launcher/status-protocol.js'

describe('status protocol', () => {
  it.each([
    ['pid 4242', { type: 'pid', pid: 4242 }],
    ['ready', { type: 'ready' }],
    ['warning overlay of /data failed (EINVAL), read-only instead', { type: 'warning', text: 'overlay of /data failed (EINVAL), read-only instead' }],
    ['error mount overlay on /: Invalid argument (EINVAL)\tis overlayfs loaded?', { type: 'error', message: 'mount overlay on /: Invalid argument (EINVAL)', hint: 'is overlayfs loaded?' }],
    ['error exec nope: No such file or directory (ENOENT)', { type: 'error', message: 'exec nope: No such file or directory (ENOENT)' }],
    ['rusage 2048 1500 300', { type: 'rusage', maxRssKb: 2048, userUsec: 1500, systemUsec: 300 }],
    ['exit 7', { type: 'exit', code: 7 }],
    ['signal 9', { type: 'signal', signal: 9 }],
  ])('parses %j', (line, event) => {
    expect(parseStatusLine(line)).toEqual(event)
  })

  it('ignores lines it does not know, for forward compatibility', () => {
    expect(parseStatusLine('hello there')).toBeNull()
  })

  it('reassembles lines split across chunks', () => {
    const events: StatusEvent[] = []
    const feed = createLineParser((e) => events.push(e))
    feed('pid 1')
    feed('2\nrea')
    feed(Buffer.from('dy\nexit 0\n'))
    expect(events).toEqual([{ type: 'pid', pid: 12 }, { type: 'ready' }, { type: 'exit', code: 0 }])
  })
})
