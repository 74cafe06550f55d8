/**
 * Temp dirs laid out like the kernel's cgroupfs. A fake cannot make files appear
 * in a directory on mkdir as the kernel does, so tests pre-create the files the
 * kernel would offer in islet's parent (which the backends probe) and write the
 * leaf's stat files after create().
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function makeTempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'islet-cgroups-'))
}

export function removeTempRoot(root: string): void {
  rmSync(root, { recursive: true, force: true })
}

/** Write `files` (name → content) into `dir`, creating it. */
export function layOut(dir: string, files: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true })
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
}

/** What the kernel does on rmdir of a cgroup: its interface files vanish with it. Removes regular files only. */
export function dropInterfaceFiles(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) unlinkSync(join(dir, entry.name))
  }
}
