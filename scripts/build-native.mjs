#!/usr/bin/env node
// Builds islet's native helpers: build/islet-launcher and build/islet-testprog.
// Runs from `npm install` (the package's "install" script) and `npm run build`,
// so it has no dependencies and explains every failure in one message.
//
//   CC=clang node scripts/build-native.mjs     pick the compiler ($CC, default cc)
//   ISLET_SKIP_NATIVE_BUILD=1                  skip, e.g. for a prebuilt launcher

import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_DIR = join(ROOT, 'build');
const CFLAGS = ['-O2', '-Wall', '-Wextra', '-Werror', '-std=gnu11'];

const TARGETS = [
  {
    output: 'islet-launcher',
    sources: ['native/launcher.c', 'native/mount.c', 'native/userns.c', 'native/utils.c'],
    headers: ['native/mount.h', 'native/userns.h', 'native/utils.h'],
    ldflagVariants: [[]],
  },
  {
    output: 'islet-testprog',
    sources: ['native/testprog.c', 'native/utils.c'],
    headers: ['native/utils.h'],
    // Static when the C library allows it, so it also runs on rootfs layers
    // without a matching libc; dynamic otherwise.
    ldflagVariants: [['-static'], []],
  },
];

function log(message) {
  console.log(`islet: ${message}`);
}

function fail(message) {
  console.error(`islet: ${message}`);
  process.exit(1);
}

function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** An output is up to date when it is newer than every input, this script included. */
function isUpToDate(target) {
  const outputTime = mtimeMs(join(BUILD_DIR, target.output));
  if (outputTime === undefined) return false;
  const inputs = [...target.sources, ...target.headers, relative(ROOT, fileURLToPath(import.meta.url))];
  return inputs.every((input) => {
    const inputTime = mtimeMs(join(ROOT, input));
    if (inputTime === undefined) fail(`cannot build ${target.output}: source ${input} is missing`);
    return inputTime < outputTime;
  });
}

/** $CC may carry arguments ("ccache gcc"), as in make. */
function compilerCommand() {
  const words = (process.env.CC ?? '').trim().split(/\s+/).filter(Boolean);
  return words.length > 0 ? words : ['cc'];
}

function compile(target) {
  const [compiler, ...compilerArgs] = compilerCommand();
  const output = join(BUILD_DIR, target.output);
  // Build beside the output and rename: a running launcher keeps its old
  // binary (no ETXTBSY), and a failed build never leaves a fresh-looking file.
  const temporary = `${output}.tmp-${process.pid}`;
  let lastResult;

  for (const ldflags of target.ldflagVariants) {
    const args = [...compilerArgs, ...CFLAGS, '-o', temporary, ...target.sources, ...ldflags];
    const result = spawnSync(compiler, args, { cwd: ROOT, encoding: 'utf8' });

    if (result.error?.code === 'ENOENT') {
      fail(
        `cannot build the native launcher: C compiler "${compiler}" not found (spawn ${compiler} ENOENT).\n` +
          '  Install one (Debian/Ubuntu: `apt-get install gcc`, Fedora/RHEL: `dnf install gcc`) or set $CC.',
      );
    }
    if (result.error) {
      fail(`cannot build ${target.output}: running ${compiler} failed: ${result.error.message}`);
    }
    if (result.status === 0) {
      renameSync(temporary, output);
      return;
    }
    rmSync(temporary, { force: true });
    lastResult = { args, result };
  }

  const { args, result } = lastResult;
  const how = result.signal ? `was killed by ${result.signal}` : `exited with ${result.status}`;
  fail(
    `cannot build ${target.output}: ${compiler} ${how}\n` +
      `  command: ${[compiler, ...args].join(' ')}\n` +
      `${result.stdout}${result.stderr}`.trimEnd(),
  );
}

if (process.env.ISLET_SKIP_NATIVE_BUILD === '1') {
  log('ISLET_SKIP_NATIVE_BUILD=1: skipping the native build');
  process.exit(0);
}

mkdirSync(BUILD_DIR, { recursive: true });
for (const target of TARGETS) {
  if (isUpToDate(target)) continue;
  compile(target);
  log(`built build/${target.output}`);
}
