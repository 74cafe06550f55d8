/**
 * The uid and gid maps of rootless mode. The user is root inside and itself
 * outside; with newuidmap/newgidmap and a range in /etc/subuid and /etc/subgid,
 * ids 1..N inside map to that range, so programs that chown to other users work.
 * Without them, the single-id map "0 <uid> 1" is all the kernel lets us write.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface SubidRange {
  start: number
  count: number
}

export interface IdMaps {
  /** "INSIDE OUTSIDE COUNT ..." for the launcher's --uid-map. */
  uidMap: string
  gidMap: string
  /** Whether the maps go beyond the user's own id (and so need the helpers). */
  subordinate: boolean
}

/** The first range of `name` or `id` in an /etc/subuid-style text ("name:start:count" lines). */
export function parseSubidRange(text: string, name: string, id: number): SubidRange | null {
  for (const line of text.split('\n')) {
    const [owner, start, count] = line.trim().split(':')
    if (owner === undefined || start === undefined || count === undefined) continue
    if (owner !== name && owner !== String(id)) continue
    const range = { start: Number(start), count: Number(count) }
    if (Number.isSafeInteger(range.start) && Number.isSafeInteger(range.count) && range.count > 0) return range
  }
  return null
}

/** Where newuidmap/newgidmap are looked up besides $PATH (sbin is often missing from a user's PATH). */
const HELPER_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin']

export function findHelper(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = [...(env.PATH ?? '').split(':').filter(Boolean), ...HELPER_DIRS]
  for (const dir of dirs) {
    const file = path.join(dir, name)
    try {
      fs.accessSync(file, fs.constants.X_OK)
      return file
    } catch {}
  }
  return null
}

function readOptional(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

export interface IdMapInput {
  uid: number
  gid: number
  userName: string
  subuid: string
  subgid: string
  haveHelpers: boolean
}

export function computeIdMaps(input: IdMapInput): IdMaps {
  const single = { uidMap: `0 ${input.uid} 1`, gidMap: `0 ${input.gid} 1`, subordinate: false }
  if (!input.haveHelpers) return single
  const subuid = parseSubidRange(input.subuid, input.userName, input.uid)
  const subgid = parseSubidRange(input.subgid, input.userName, input.uid)
  if (!subuid || !subgid) return single
  return {
    uidMap: `0 ${input.uid} 1 1 ${subuid.start} ${subuid.count}`,
    gidMap: `0 ${input.gid} 1 1 ${subgid.start} ${subgid.count}`,
    subordinate: true,
  }
}

/** This process's maps, from the real /etc/subuid, /etc/subgid and helpers. */
export function hostIdMaps(env: NodeJS.ProcessEnv = process.env): IdMaps {
  const uid = process.geteuid!()
  const gid = process.getegid!()
  let userName = String(uid)
  try {
    userName = os.userInfo().username
  } catch {}
  return computeIdMaps({
    uid, gid, userName,
    subuid: readOptional('/etc/subuid'),
    subgid: readOptional('/etc/subgid'),
    haveHelpers: findHelper('newuidmap', env) !== null && findHelper('newgidmap', env) !== null,
  })
}

/** The launcher's arguments for these maps; a single-id map is its default and needs none. */
export function idMapArgs(maps: IdMaps): string[] {
  return maps.subordinate ? ['--uid-map', maps.uidMap, '--gid-map', maps.gidMap] : []
}
