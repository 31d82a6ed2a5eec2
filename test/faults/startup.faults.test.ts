/**
 * A start that fails must end the process: a bot that cannot listen (the port is taken) or cannot
 * connect (Socket Mode refused) prints why and exits non-zero, instead of lingering half-dead —
 * alive, perhaps answering /healthz, handling nothing, holding the database — where a supervisor
 * would leave it forever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { BotProcess } from './support/bot-process.ts';
import { IN_FAULT_SUITE, Rig } from './support/rig.ts';

let rig: Rig | undefined;
let second: BotProcess | undefined;
afterEach(async () => {
  await second?.kill9();
  await rig?.stop();
  rig = undefined;
  second = undefined;
});

/** Long enough for a loaded machine to load the code and fail; a half-dead process is still there after it. */
const EXIT_CEILING_MS = 30_000;

describe.skipIf(!IN_FAULT_SUITE)('a start that fails', () => {
  it('the port is taken: the second bot says so and exits 1', async () => {
    rig = await Rig.start({ scale: 60 });
    const env = { ...rig.bot.options.env, PORT: String(rig.bot.port), REWIND_DB: join(rig.dir, 'second.db') };
    second = new BotProcess({ ...rig.bot.options, env });
    const exit = await second.startExpectingExit(EXIT_CEILING_MS);
    expect(
      exit,
      `the second bot was still running ${EXIT_CEILING_MS} ms after it failed to start:\n${second.output()}`,
    ).not.toBeNull();
    expect(exit?.code).toBe(1);
    expect(second.output()).toContain(`Cannot listen on port ${rig.bot.port}`);
    expect(second.unhandled()).toEqual([]);
    // The first bot is not disturbed.
    expect((await fetch(`${rig.bot.url}/healthz`)).status).toBe(200);
  });

  it('Socket Mode refused (apps.connections.open: invalid_auth): the bot says so and exits 1', async () => {
    rig = await Rig.start({ scale: 60, startBot: false });
    rig.slack.failNext('apps.connections.open', { error: 'invalid_auth', times: Infinity });
    const { SLACK_SIGNING_SECRET: _http, ...env } = rig.bot.options.env;
    second = new BotProcess({ ...rig.bot.options, env: { ...env, SLACK_APP_TOKEN: 'xapp-1-A0REWIND-faults' } });
    const exit = await second.startExpectingExit(EXIT_CEILING_MS);
    const listening = second.lines.find((l) => typeof l.port === 'number' && /listening|ready/.test(String(l.msg)));
    expect(
      exit,
      `the bot was still running ${EXIT_CEILING_MS} ms after Socket Mode was ` +
        `refused${listening ? ` (and had logged ${JSON.stringify(listening.msg)})` : ''}:\n${second.output()}`,
    ).not.toBeNull();
    expect(exit?.code).toBe(1);
    expect(second.output()).toMatch(/invalid_auth|Socket Mode|app.level token|SLACK_APP_TOKEN/i);
    expect(second.unhandled()).toEqual([]);
  });
});
