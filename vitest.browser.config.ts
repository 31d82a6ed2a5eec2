import { defineConfig } from 'vitest/config';

// The browser suite: the playground served in the test process, the bot in its own process, and a
// real Chromium (Debian's /usr/bin/chromium) driven by playwright-core. Files run one after another:
// each starts a bot and a browser, and two cores are better spent on them than on a second file.
// Timeouts are ceilings for a stuck bot or browser, not budgets for a slow one.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    // A poll waits on what the page or a stand-in shows; on a loaded machine that can take seconds, not one.
    expect: { poll: { timeout: 60_000, interval: 100 } },
    // Tells the files they run here (the default config matches them too, and skips them).
    env: { REWIND_BROWSER: '1' },
  },
});
