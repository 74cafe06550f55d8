import fs from 'node:fs'
import path from 'node:path'
import type { SnapshotMessage } from './snapshot-messages.js'

/**
 * Applies a container's snapshot change to the host's file. Only paths inside the
 * project root and outside node_modules are accepted: the channel exists for
 * snapshots, not as a way around the copy-on-write rootfs. Synchronous on purpose:
 * the write must land before the messages behind it (the file's result) are handled.
 * Worker-side twin: snapshot-environment.ts.
 */
export function applySnapshotMessage(message: SnapshotMessage, root: string): string | null {
  const target = path.resolve(message.path)
  const relative = path.relative(root, target)
  if (relative.startsWith('..') || path.isAbsolute(relative) || relative.split(path.sep).includes('node_modules')) {
    return `refused to write snapshot outside the project root: ${target}`
  }
  if (message.op === 'write') {
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.writeFileSync(target, message.content, 'utf8')
  } else {
    fs.rmSync(target, { force: true })
  }
  return null
}
