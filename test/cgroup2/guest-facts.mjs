// Checks, inside the cgroup-v2 VM (scripts/vm/run.sh), what islet's
// integration and e2e tests rely on: a cgroup2-only hierarchy with working
// memory/cpu/pids controllers, overlayfs stacked on the guest root,
// namespaces, a sane clock and host-invisible writes. Run by lane.mjs before
// the test suites so a broken VM fails with a named reason instead of as
// hundreds of confusing test failures. Exits 1 if any check fails.
//
// Usage (guest): node test/cgroup2/guest-facts.mjs <probe file to create>
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';
const ISLET_CGROUP = join(CGROUP_ROOT, 'islet-vm-facts');
const HOG_MEMORY_MAX = 64 * 1024 * 1024;
// Host and guest clocks are compared across a boot; allow for it.
const CLOCK_SKEW_LIMIT_MS = 60_000;

let checks = 0;
let failures = 0;
function check(name, fn) {
    checks++;
    try {
        const detail = fn();
        console.log(`ok   ${name}${detail ? `: ${detail}` : ''}`);
    } catch (error) {
        failures++;
        console.log(`FAIL ${name}: ${error.message}`);
    }
}
function assert(condition, message) {
    if (!condition) throw new Error(message);
}
const sh = (command) => execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', stdio: 'pipe' });

check('node runs', () => `${process.execPath} ${process.version}`);

check('only cgroup2 is mounted', () => {
    const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => / cgroup2? /.test(l));
    assert(mounts.length === 1 && mounts[0].startsWith(`cgroup2 ${CGROUP_ROOT} cgroup2 `), mounts.join('; '));
    return mounts[0];
});

check('cgroup v1 cannot be mounted', () => {
    mkdirSync('/tmp/v1', { recursive: true });
    const result = spawnSync('mount', ['-t', 'cgroup', '-o', 'memory', 'cgroup', '/tmp/v1']);
    if (result.status === 0) spawnSync('umount', ['/tmp/v1']);
    assert(result.status !== 0, 'mount -t cgroup -o memory succeeded');
});

check('root subtree_control', () => {
    const enabled = readFileSync(join(CGROUP_ROOT, 'cgroup.subtree_control'), 'utf8').trim();
    for (const c of ['memory', 'cpu', 'pids']) assert(enabled.split(' ').includes(c), `${c} missing in "${enabled}"`);
    return enabled;
});

check('memory limit OOM-kills a hog', () => {
    rmCgroup(ISLET_CGROUP);
    mkdirSync(ISLET_CGROUP);
    writeFileSync(join(ISLET_CGROUP, 'cgroup.subtree_control'), '+memory +cpu +pids');
    const hog = join(ISLET_CGROUP, 'hog');
    mkdirSync(hog);
    writeFileSync(join(hog, 'memory.max'), String(HOG_MEMORY_MAX));
    for (const file of ['cpu.max', 'pids.max', 'memory.events']) assert(existsSync(join(hog, file)), `${file} missing`);
    // The shell moves itself into the cgroup, then becomes a node that
    // touches memory until the kernel kills it.
    const result = spawnSync('/bin/sh', ['-c', `echo $$ > ${hog}/cgroup.procs && exec "${process.execPath}" -e '
        const chunks = [];
        for (;;) chunks.push(Buffer.alloc(8 << 20, 1));'`], { encoding: 'utf8' });
    const events = readFileSync(join(hog, 'memory.events'), 'utf8');
    const peakFile = join(hog, 'memory.peak');
    const peak = existsSync(peakFile) ? `memory.peak=${readFileSync(peakFile, 'utf8').trim()}` : 'memory.peak absent';
    rmCgroup(ISLET_CGROUP);
    assert(result.signal === 'SIGKILL', `hog ended with status ${result.status} signal ${result.signal}: ${result.stderr}`);
    assert(/^oom_kill 1$/m.test(events), `memory.events: ${events.replace(/\n/g, ' ')}`);
    return `SIGKILL, oom_kill 1, ${peak}`;
});

check('overlay with lowerdir=/ (on the guest root overlay)', () => {
    const base = '/tmp/ovl-check';
    mkdirSync(base, { recursive: true });
    sh(`mount -t tmpfs tmpfs ${base} && mkdir ${base}/upper ${base}/work ${base}/merged`);
    try {
        sh(`mount -t overlay -o lowerdir=/,upperdir=${base}/upper,workdir=${base}/work overlay ${base}/merged`);
        assert(existsSync(join(base, 'merged', process.execPath)), 'node not visible through the overlay');
        writeFileSync(join(base, 'merged/etc/islet-probe'), 'x');
        assert(existsSync(join(base, 'upper/etc/islet-probe')), 'write did not land in upper');
        sh(`umount ${base}/merged`);
    } finally {
        sh(`umount ${base}`);
    }
});

check('unshare --fork --pid --net --uts --ipc --mount', () => {
    sh('unshare --fork --pid --net --uts --ipc --mount /bin/true');
});

check('clock is sane', () => {
    const hostMs = Number(process.env.ISLET_VM_HOST_TIME_MS);
    assert(hostMs > 0, 'ISLET_VM_HOST_TIME_MS not passed');
    const skew = Date.now() - hostMs;
    assert(skew >= -1000 && skew < CLOCK_SKEW_LIMIT_MS, `guest is ${skew} ms after the host's launch time`);
    const t0 = performance.now();
    const d0 = Date.now();
    const until = d0 + 200;
    while (Date.now() < until);
    const elapsed = performance.now() - t0;
    assert(Math.abs(elapsed - 200) < 50, `200 ms of Date.now took ${elapsed} ms of performance.now`);
    return `${skew} ms after launch`;
});

check('repo writes stay in the guest', () => {
    const probe = process.argv[2];
    assert(probe, 'no probe path given');
    writeFileSync(probe, 'written in the VM\n');
    assert(readFileSync(probe, 'utf8') === 'written in the VM\n', 'read back differs');
    return `wrote ${probe} (lane.mjs checks the host does not see it)`;
});

// cgroup directories go with rmdir only (their files cannot be unlinked).
function rmCgroup(path) {
    if (existsSync(path)) sh(`rmdir ${path}/hog 2>/dev/null; rmdir ${path}`);
}

console.log(`${checks - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
