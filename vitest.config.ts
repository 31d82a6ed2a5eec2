import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end suite needs Prometheus and Alertmanager, and the fault suite runs the bot as
    // separate processes for minutes; .ci/run runs each separately (npm run test:e2e, test:faults).
    exclude: ['test/e2e/**', 'test/faults/**', 'node_modules/**'],
    // Ceilings for a stuck test on a busy machine, not budgets: a flow test that takes 4-8 s alone
    // takes three times that while the fault suite's bots share the two cores with it.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one file at a time on a 2-core machine. Many
    // files wait on child processes, sockets and PostgreSQL more than they compute, so two at a time
    // nearly halve the run there; the timeouts are ceilings for a busy machine, not budgets.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
