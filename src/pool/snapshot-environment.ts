/**
 * Runs inside the container, loaded by Vitest as `snapshotEnvironment` (the pool sets
 * it in the worker's config). Writes go to the container's own view as usual, so the
 * file reads back its snapshots, and are also sent to the host, which keeps them.
 * Host-side twin: snapshot-writer.ts.
 */
import { VitestSnapshotEnvironment } from 'vitest/runtime'
import { SNAPSHOT_MESSAGE_KEY, type SnapshotMessage } from './snapshot-messages.js'

function tellHost(message: SnapshotMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('[islet] snapshot environment: no IPC channel to the host; was this file started by the islet pool?'))
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()))
  })
}

class IsletSnapshotEnvironment extends VitestSnapshotEnvironment {
  override async saveSnapshotFile(filepath: string, snapshot: string): Promise<void> {
    await super.saveSnapshotFile(filepath, snapshot)
    await tellHost({ [SNAPSHOT_MESSAGE_KEY]: true, op: 'write', path: filepath, content: snapshot })
  }

  override async removeSnapshotFile(filepath: string): Promise<void> {
    await super.removeSnapshotFile(filepath)
    await tellHost({ [SNAPSHOT_MESSAGE_KEY]: true, op: 'remove', path: filepath })
  }
}

export default new IsletSnapshotEnvironment()
