import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkCompiler, checkLauncher, compilerCommand } from '../../../src/doctor/build-checks.js'
import type { CheckResult } from '../../../src/doctor/check.js'
import { makeFakeHost, type FakeHost } from './fake-host.js'

describe('compiler and launcher checks', () => {
  let host: FakeHost
  beforeEach(() => {
    host = makeFakeHost()
  })
  afterEach(() => host.cleanup())

  it('finds cc on PATH, or the first word of $CC', async () => {
    expect(await checkCompiler(host.view())).toMatchObject({ status: 'ok', detail: '/usr/bin/cc' })
    expect(compilerCommand(host.view({ env: { CC: 'ccache gcc' } }))).toBe('ccache')
    const row = (await checkCompiler(host.view({ env: { CC: 'clang' } }))) as CheckResult
    expect(row.status).toBe('warn')
    expect(row.detail).toContain('clang ($CC) is not on PATH')
  })

  it('only warns about a missing compiler when the launcher is built', async () => {
    const row = (await checkCompiler(host.view({ env: { PATH: '' } }))) as CheckResult
    expect(row.status).toBe('warn')
    expect(row.fix).toContain('apt-get install gcc')
  })

  it('fails on a missing launcher, and with it a missing compiler', async () => {
    const env = { PATH: '', ISLET_LAUNCHER: join(host.root, 'nowhere/islet-launcher') }
    const launcher = (await checkLauncher(host.view({ env }))) as CheckResult
    expect(launcher.status).toBe('fail')
    expect(launcher.detail).toContain('the native launcher is missing')
    expect(launcher.fix).toContain('install a C compiler')
    expect(((await checkCompiler(host.view({ env }))) as CheckResult).status).toBe('fail')
  })

  it('says npm rebuild when only the launcher is missing', async () => {
    host.remove('/opt/islet/build/islet-launcher')
    const row = (await checkLauncher(host.view())) as CheckResult
    expect(row.status).toBe('fail')
    expect(row.fix).toContain('npm rebuild islet')
  })

  it('reports the launcher path when it is built', async () => {
    expect(await checkLauncher(host.view())).toMatchObject({ status: 'ok', detail: join(host.root, 'opt/islet/build/islet-launcher') })
  })
})
