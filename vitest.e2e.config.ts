import { defineConfig } from 'vitest/config';

// The end-to-end suite runs the real Prometheus and Alertmanager (bash scripts/e2e-deps.sh
// installs them). Files run one after another: each starts its own daemons on free ports, and
// their timing assertions (scrapes every second) should not compete for the CPU.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
