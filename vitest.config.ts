import { defineConfig } from 'vitest/config'

/**
 * islet's own tests, in layers: unit (no root), integration (real namespaces,
 * mounts and cgroups; they skip with a reason unless ISLET_MUST_WORK=1), and
 * e2e (real Vitest runs on the projects in fixtures/).
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Limits are measured from the kernel's own counters: other files' load would blur them.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
