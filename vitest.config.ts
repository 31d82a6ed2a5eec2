import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end suite needs Prometheus and Alertmanager, and the fault suite runs the bot as
    // separate processes for minutes; .ci/run runs each separately (npm run test:e2e, test:faults).
    exclude: ['test/e2e/**', 'test/faults/**', 'node_modules/**'],
    testTimeout: 20_000,
    pool: 'forks',
  },
});
