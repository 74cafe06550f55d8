import { describe, expect, it } from 'vitest'
import { computeIdMaps, idMapArgs, parseSubidRange } from '../../../src/rootless/id-maps.js'

const SUBUID = 'alice:100000:65536\n1001:165536:65536\nbroken:line\n'

describe('id maps', () => {
  it('parses /etc/subuid ranges by name or by uid', () => {
    expect(parseSubidRange(SUBUID, 'alice', 1000)).toEqual({ start: 100000, count: 65536 })
    expect(parseSubidRange(SUBUID, 'bob', 1001)).toEqual({ start: 165536, count: 65536 })
    expect(parseSubidRange(SUBUID, 'carol', 1002)).toBeNull()
  })

  it('maps 0 to the user and 1..N to its subordinate range when the helpers exist', () => {
    const maps = computeIdMaps({ uid: 1000, gid: 1000, userName: 'alice', subuid: SUBUID, subgid: SUBUID, haveHelpers: true })
    expect(maps).toEqual({ uidMap: '0 1000 1 1 100000 65536', gidMap: '0 1000 1 1 100000 65536', subordinate: true })
    expect(idMapArgs(maps)).toEqual(['--uid-map', '0 1000 1 1 100000 65536', '--gid-map', '0 1000 1 1 100000 65536'])
  })

  it('falls back to the single-id map without helpers or ranges (the launcher\'s default)', () => {
    const noHelpers = computeIdMaps({ uid: 1000, gid: 1000, userName: 'alice', subuid: SUBUID, subgid: SUBUID, haveHelpers: false })
    expect(noHelpers).toEqual({ uidMap: '0 1000 1', gidMap: '0 1000 1', subordinate: false })
    expect(idMapArgs(noHelpers)).toEqual([])
    expect(computeIdMaps({ uid: 1002, gid: 1002, userName: 'carol', subuid: SUBUID, subgid: SUBUID, haveHelpers: true }).subordinate).toBe(false)
  })
})
