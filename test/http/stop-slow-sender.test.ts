/**
 * A stop does not wait for a sender trickling its body: Bolt's stop waits for the server to close,
 * which an open request would hold until its body deadline (15 s, past the point where an
 * orchestrator's grace period runs out beside the rest of the shutdown). What is still open a few
 * seconds into the stop is cut.
 */
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_ALERT_BODY_TIMEOUT_MS } from '../../src/adapters/alerts/routes.ts';
import { slowRequest, type SlowRequest } from '../support/slow-client.ts';
import { ALERT_TOKEN, startWorld, type World } from '../support/world.ts';

let world: World | undefined;
let slow: SlowRequest | undefined;
afterEach(async () => {
  slow?.stop();
  await world?.stop();
  world = undefined;
});

it('a stop cuts a webhook whose body is still trickling in, well before its body deadline', async () => {
  world = await startWorld({ processBeforeResponse: false });
  slow = slowRequest(world.rewind.port, {
    path: '/alerts/alertmanager',
    headers: {
      authorization: `Bearer ${ALERT_TOKEN}`,
      'content-type': 'application/json',
      'content-length': '5000',
    },
    first: '{"version":"4","alerts":[',
    trickle: { piece: ' ', everyMs: 200 },
  });
  await expect.poll(() => slow!.bodyBytesAtAnswer, { timeout: 30_000 }).toBeGreaterThan(30);
  const started = performance.now();
  await world.rewind.stop();
  const tookMs = performance.now() - started;
  await slow.ended;
  expect(slow.closed).toBe(true);
  // The deadline would have ended it 15 s after it began (about 13.5 s into the stop); the stop cuts it after 3 s.
  expect(tookMs).toBeLessThan(DEFAULT_ALERT_BODY_TIMEOUT_MS - 3_000);
}, 60_000);
