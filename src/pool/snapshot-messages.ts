/**
 * Snapshot files are what Vitest itself must keep, while everything else a test
 * writes is thrown away with the container. The worker-side snapshot environment
 * (snapshot-environment.ts, inside the container) tells the host over the IPC
 * channel; the host (snapshot-writer.ts) applies the change to the real file.
 */
export const SNAPSHOT_MESSAGE_KEY = '__islet_snapshot__'

export type SnapshotMessage =
  | { [SNAPSHOT_MESSAGE_KEY]: true; op: 'write'; path: string; content: string }
  | { [SNAPSHOT_MESSAGE_KEY]: true; op: 'remove'; path: string }

export function isSnapshotMessage(message: unknown): message is SnapshotMessage {
  return typeof message === 'object' && message !== null && (message as Record<string, unknown>)[SNAPSHOT_MESSAGE_KEY] === true
}
