import os from 'node:os'
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hostSkip, requireHost } from '../../helpers/host.js'
import { TESTPROG, capture, hostPidsWith, sleep, whyNoContainers } from '../../helpers/engine.js'

const host = hostSkip(whyNoContainers())
requireHost(host)

describe.skipIf(host.skip)(host.title('namespaces of a real container'), () => {
  it('sees only its own processes, with islet\'s init as PID 1', async () => {
    const result = await capture(['sh', '-c', 'echo $$; cat /proc/1/comm; ls /proc | grep -cE "^[0-9]+$"'])
    const [shellPid, init, count] = result.stdout.trim().split('\n')
    expect(result.exitCode).toBe(0)
    expect(shellPid).toBe('2')
    expect(init).toBe('islet-launcher')
    // init, sh, ls, grep at most: nothing of the host's.
    expect(Number(count)).toBeLessThanOrEqual(4)
  })

  it('takes an orphan the command left behind down with it', async () => {
    const marker = `1000.${Math.floor(Math.random() * 1e6)}`
    const result = await capture(['sh', '-c', `setsid sleep ${marker} >/dev/null 2>&1 < /dev/null & echo left`])
    expect(result.stdout).toBe('left\n')
    await sleep(100)
    expect(hostPidsWith(`sleep\0${marker}`)).toEqual([])
  })

  it('has a private hostname: default derived, settable, and a change stays inside', async () => {
    const before = os.hostname()
    const derived = await capture(['hostname'])
    expect(derived.stdout.trim()).toBe('islet-hostname')
    const named = await capture(['sh', '-c', 'hostname; hostname renamed-inside; hostname'], { hostname: 'given-name' })
    expect(named.stdout).toBe('given-name\nrenamed-inside\n')
    expect(os.hostname()).toBe(before)
  })

  it('has only lo, and it is up', async () => {
    const result = await capture(['sh', '-c', 'ls /sys/class/net; cat /sys/class/net/lo/flags'])
    const [iface, flags] = result.stdout.trim().split('\n')
    expect(iface).toBe('lo')
    expect(Number(flags) & 0x1).toBe(1) // IFF_UP
  })

  it('lets two containers listen on the same port at once', async () => {
    const port = String(40000 + Math.floor(Math.random() * 20000))
    const [a, b] = await Promise.all([1, 2].map(() => capture(['sh', '-c', `timeout -s INT 1 ${TESTPROG} listen ${port}; true`])))
    expect(a.stdout).toBe(`listening ${port}\n`)
    expect(b.stdout).toBe(`listening ${port}\n`)
  })

  it('shares the host network with network: host', async () => {
    const result = await capture(['ls', '/sys/class/net'], { network: 'host' })
    expect(result.stdout.trim().split('\n').sort()).toEqual(Object.keys(os.networkInterfaces()).concat(hostOnlyDownInterfaces(result.stdout)).filter((v, i, a) => a.indexOf(v) === i).sort())
  })

  it('has a private IPC namespace', async () => {
    const id = randomUUID()
    const result = await capture(['sh', '-c', `ls /dev/mqueue 2>/dev/null | wc -l; cat /proc/sys/kernel/shmmni >/dev/null && echo ${id}`])
    expect(result.stdout).toContain(id)
    expect(result.exitCode).toBe(0)
  })
})

/** Interfaces that are down have no address, so os.networkInterfaces() omits them; take them from the listing. */
function hostOnlyDownInterfaces(listing: string): string[] {
  return listing.trim().split('\n')
}
