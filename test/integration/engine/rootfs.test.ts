import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import * as tar from 'tar'
import { afterAll, describe, expect, it } from 'vitest'
import { hostSkip, requireHost } from '../../helpers/host.js'
import { REPO, ROOTLESS, capture, whyNoContainers } from '../../helpers/engine.js'

const host = hostSkip(whyNoContainers())
requireHost(host)

describe.skipIf(host.skip)(host.title('copy-on-write rootfs of a real container'), () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'islet-rootfs-test-'))
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }))

  it('keeps writes to /etc, the project and /tmp away from the host', async () => {
    const id = randomUUID()
    // Rootless, the project and /etc belong to host ids outside the user namespace: write where the user may.
    const inProject = path.join(ROOTLESS ? scratch : REPO, `written-by-container-${id}.txt`)
    const inEtc = ROOTLESS ? path.join(os.homedir(), `.islet-${id}`) : `/etc/islet-${id}`
    const result = await capture(['sh', '-c', `echo a > ${inEtc} && echo b > ${inProject} && echo c > /tmp/${id} && cat ${inEtc} ${inProject} /tmp/${id}`], { cwd: ROOTLESS ? scratch : REPO })
    expect(result.stdout).toBe('a\nb\nc\n')
    expect(fs.existsSync(inEtc)).toBe(false)
    expect(fs.existsSync(inProject)).toBe(false)
    expect(fs.existsSync(`/tmp/${id}`)).toBe(false)
  })

  it('lets a deletion inside leave the host file in place', async () => {
    const file = path.join(scratch, 'keep-me')
    fs.writeFileSync(file, 'still here')
    const result = await capture(['sh', '-c', `rm ${file} && test ! -e ${file} && echo gone`], { cwd: scratch })
    expect(result.stdout).toBe('gone\n')
    expect(fs.readFileSync(file, 'utf8')).toBe('still here')
  })

  it('starts with a fresh /tmp, yet keeps a working directory that lives under it', async () => {
    fs.writeFileSync(path.join(os.tmpdir(), `islet-host-only-${process.pid}`), 'x')
    const result = await capture(['sh', '-c', 'pwd; ls -A /tmp | grep -c islet-host-only; ls'], { cwd: scratch })
    const [pwd, hostFiles] = result.stdout.split('\n')
    expect(pwd).toBe(scratch)
    expect(hostFiles).toBe('0')
    fs.rmSync(path.join(os.tmpdir(), `islet-host-only-${process.pid}`))
  })

  it('gives a minimal /dev and a read-only /sys', async () => {
    const result = await capture(['sh', '-c', 'ls /dev | sort | tr "\\n" " "; echo; echo x > /sys/kernel/mm/ksm/run 2>/dev/null && echo writable || echo read-only; head -c 4 /dev/urandom | wc -c'])
    const [devices, sys, random] = result.stdout.trim().split('\n')
    for (const dev of ['full', 'null', 'ptmx', 'pts', 'random', 'shm', 'tty', 'urandom', 'zero']) expect(devices.split(' ')).toContain(dev)
    expect(devices.split(' ')).not.toContain('vda')
    expect(sys).toBe('read-only')
    expect(random.trim()).toBe('4')
  })

  it('stacks directory and tarball layers over the host, lowest first', async () => {
    const low = path.join(scratch, 'layer-low')
    const high = path.join(scratch, 'layer-high-src')
    fs.mkdirSync(path.join(low, 'opt', 'islet-test'), { recursive: true })
    fs.writeFileSync(path.join(low, 'opt', 'islet-test', 'a'), 'low a\n')
    fs.writeFileSync(path.join(low, 'opt', 'islet-test', 'b'), 'low b\n')
    fs.mkdirSync(path.join(high, 'opt', 'islet-test'), { recursive: true })
    fs.writeFileSync(path.join(high, 'opt', 'islet-test', 'b'), 'high b\n')
    const tarball = path.join(scratch, 'high.tar.gz')
    await tar.c({ gzip: true, file: tarball, cwd: high }, ['opt'])
    const result = await capture(['sh', '-c', 'cat /opt/islet-test/a /opt/islet-test/b; echo changed > /opt/islet-test/a; cat /opt/islet-test/a'], {
      layers: [low, tarball], env: { ...process.env, ISLET_CACHE_DIR: path.join(scratch, 'cache') },
    })
    expect(result.stdout).toBe('low a\nhigh b\nchanged\n')
    expect(fs.readFileSync(path.join(low, 'opt', 'islet-test', 'a'), 'utf8')).toBe('low a\n')
    expect(fs.existsSync('/opt/islet-test')).toBe(false)
  })
})
