import { defineConfig } from 'vitest/config';

// The fault-injection suite: the real bot as a separate process against the Slack and Kubernetes
// stand-ins, killed with SIGKILL and fed failures (test/faults/README.md). Files run one after
// another: each starts bot processes of its own, and the machine's cores are better spent on the
// bot than on a second file. Timeouts are ceilings for a stuck bot, not budgets for a slow one.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.faults.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    // Tells the files they run here (the default config matches them too, and skips them).
    env: { REWIND_FAULTS: '1' },
  },
});
