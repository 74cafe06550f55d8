#!/usr/bin/env node
// `npm run test:cgroup2`: islet's integration and e2e suites on a cgroup-v2-only
// kernel, in the VM of scripts/vm/ (our hosts are hybrid and cannot switch).
//
//   node test/cgroup2/lane.mjs                 setup, facts check, vitest suites
//   node test/cgroup2/lane.mjs -- <command...> setup, facts check, <command>
//
// Exit: the guest command's code. 77 from the VM scripts (no usable VM here)
// becomes a skip with exit 0, unless ISLET_MUST_WORK=1 (CI), where a lane
// that could not run is a failure.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VM_DIR = join(REPO_ROOT, 'scripts/vm');
const EXIT_SKIP = 77;
const DEFAULT_COMMAND = ['npx', 'vitest', 'run', '--project', 'integration', '--project', 'e2e'];

const laneStart = performance.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (message) => console.error(`cgroup2 lane: ${message}`);

/** Runs a script with our stdio; resolves to its exit code. */
function run(command, args, options = {}) {
    return new Promise((resolvePromise, reject) => {
        const child = spawn(command, args, { cwd: REPO_ROOT, stdio: 'inherit', ...options });
        child.on('error', (error) => reject(new Error(`cgroup2 lane: cannot start ${command}`, { cause: error })));
        child.on('exit', (code, signal) => resolvePromise(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
    });
}

/**
 * Like run(), but forwards the VM's stdout itself to note when the guest's
 * first output arrives: that is boot plus the start of the first node process.
 */
function runVm(args, env) {
    return new Promise((resolvePromise, reject) => {
        const start = performance.now();
        let firstOutputMs;
        const child = spawn('bash', [join(VM_DIR, 'run.sh'), ...args], {
            cwd: REPO_ROOT,
            env,
            stdio: ['ignore', 'pipe', 'inherit'],
        });
        child.stdout.on('data', (chunk) => {
            firstOutputMs ??= performance.now() - start;
            process.stdout.write(chunk);
        });
        child.on('error', (error) => reject(new Error('cgroup2 lane: cannot start scripts/vm/run.sh', { cause: error })));
        child.on('close', (code, signal) =>
            resolvePromise({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), firstOutputMs, totalMs: performance.now() - start }),
        );
    });
}

function finish(code) {
    log(`lane wall time ${seconds(performance.now() - laneStart)}`);
    if (code === EXIT_SKIP) {
        if (process.env.ISLET_MUST_WORK === '1') {
            log('FAILED: the VM could not run here and ISLET_MUST_WORK=1 forbids skipping');
            process.exit(1);
        }
        log('skipped: the VM could not run here (reason above); set ISLET_MUST_WORK=1 to make this fail');
        process.exit(0);
    }
    process.exit(code);
}

const separator = process.argv.indexOf('--');
const command = separator === -1 ? DEFAULT_COMMAND : process.argv.slice(separator + 1);

const setupStart = performance.now();
const setupCode = await run('bash', [join(VM_DIR, 'setup.sh')]);
log(`setup ${seconds(performance.now() - setupStart)}`);
if (setupCode !== 0) finish(setupCode === EXIT_SKIP ? EXIT_SKIP : setupCode);

// The guest writes this file into its overlay; the host must never see it.
const probe = join(REPO_ROOT, `.islet-vm-probe-${process.pid}`);
rmSync(probe, { force: true });

const quote = (word) => `'${word.replaceAll("'", `'\\''`)}'`;
const guestScript = `node test/cgroup2/guest-facts.mjs ${quote(probe)} && exec ${command.map(quote).join(' ')}`;
const vm = await runVm(['--', 'sh', '-c', guestScript], {
    ...process.env,
    ISLET_VM_HOST_TIME_MS: String(Date.now()),
});
log(`VM ${seconds(vm.totalMs)}, first guest output after ${vm.firstOutputMs === undefined ? 'none' : seconds(vm.firstOutputMs)} (boot + node start)`);

if (existsSync(probe)) {
    rmSync(probe, { force: true });
    log(`FAILED: ${probe}, written in the guest, appeared on the host: the guest root is not an overlay`);
    finish(1);
}
finish(vm.code);
