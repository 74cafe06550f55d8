import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SNAPSHOT_MESSAGE_KEY, isSnapshotMessage } from '../../../src/pool/snapshot-messages.js'
import { applySnapshotMessage } from '../../../src/pool/snapshot-writer.js'

describe('snapshot writes from the container', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'islet-snap-'))
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

  it('writes and removes snapshot files inside the project', () => {
    const file = path.join(root, 'test/__snapshots__/a.test.ts.snap')
    expect(applySnapshotMessage({ [SNAPSHOT_MESSAGE_KEY]: true, op: 'write', path: file, content: 'exports[`a`] = 1' }, root)).toBeNull()
    expect(fs.readFileSync(file, 'utf8')).toBe('exports[`a`] = 1')
    expect(applySnapshotMessage({ [SNAPSHOT_MESSAGE_KEY]: true, op: 'remove', path: file }, root)).toBeNull()
    expect(fs.existsSync(file)).toBe(false)
  })

  it.each(['/etc/passwd', '../outside.snap', 'node_modules/x/y.snap'])('refuses %s', (target) => {
    const p = path.resolve(root, target)
    const problem = applySnapshotMessage({ [SNAPSHOT_MESSAGE_KEY]: true, op: 'write', path: p, content: 'x' }, root)
    expect(problem).toContain('refused to write snapshot outside the project root')
    expect(fs.existsSync(p) && fs.readFileSync(p, 'utf8') === 'x').toBe(false)
  })

  it('tells its messages apart from Vitest\'s', () => {
    expect(isSnapshotMessage({ [SNAPSHOT_MESSAGE_KEY]: true, op: 'remove', path: '/x' })).toBe(true)
    expect(isSnapshotMessage({ __vitest_worker_response__: true })).toBe(false)
    expect(isSnapshotMessage(null)).toBe(false)
  })
})
