/**
 * Three Alertmanager webhooks of just under the 1 MiB body limit, at once, to the real bot process,
 * with signed slash commands beside them every 50 ms. Slack gives up on a command not answered
 * within 3 s, so that is the ceiling each command is held to — generous next to the benchmark's
 * target (bench/big-webhooks.ts), but a bot whose event loop stalls on big bodies breaks it. Every
 * webhook is answered 202 and stores all of its alerts; nothing is unhandled; the outbox drains.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND } from '../../src/adapters/slack/ids.ts';
import { bigAlertmanagerBody } from '../support/big-alerts.ts';
import { settleAndCheck } from './support/checks.ts';
import { format } from './support/invariants.ts';
import { ackText, ALERT_TOKEN, ALICE, IN_FAULT_SUITE, Rig, type Answer } from './support/rig.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

/** Slack's limit for answering a slash command. */
const SLACK_ANSWER_LIMIT_MS = 3_000;
const COMMAND_INTERVAL_MS = 50;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t };
}

describe.skipIf(!IN_FAULT_SUITE)('three 1 MiB webhooks beside slash commands', () => {
  it('every command is answered 200 within 3 s, every webhook 202 with all its alerts stored', async () => {
    rig = await Rig.start({ scale: 60 });
    const r = rig;
    const bodies = ['a', 'b', 'c'].map((tag) => bigAlertmanagerBody({ services: ['prompt-service'], tag }));
    // The bot warmed up by the kind of traffic it is about to get, so a cold start is not what is judged.
    expect((await r.command(ALICE, COMMAND.rollback, 'help')).status).toBe(200);

    const commands: Array<Promise<{ value: Answer; ms: number; text: string }>> = [];
    let sending = true;
    const ticker = (async () => {
      for (let i = 0; sending; i++) {
        const text = i % 2 ? 'status prompt-service' : 'help';
        commands.push(timed(() => r.command(ALICE, COMMAND.rollback, text)).then((c) => ({ ...c, text })));
        await new Promise((resolve) => setTimeout(resolve, COMMAND_INTERVAL_MS));
      }
    })();
    const webhooks = await Promise.all(
      bodies.map((b) =>
        fetch(`${r.bot.url}/alerts/alertmanager`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERT_TOKEN}` },
          body: b.json,
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as unknown })),
      ),
    );
    // A few more commands after the last answer: the bot is still delivering what the alerts caused.
    await new Promise((resolve) => setTimeout(resolve, 10 * COMMAND_INTERVAL_MS));
    sending = false;
    await ticker;
    const answered = await Promise.all(commands);

    expect(webhooks).toEqual(bodies.map((b) => ({ status: 202, body: { accepted: b.alerts, unknownServices: [] } })));
    expect(answered.length).toBeGreaterThan(5);
    const late = answered.filter((c) => c.value.status !== 200 || c.ms >= SLACK_ANSWER_LIMIT_MS);
    expect(late.map((c) => `${c.text}: ${c.value.status} after ${c.ms.toFixed(0)} ms`)).toEqual([]);
    // The answers are the commands' own, not empty acks.
    const wrong = answered.filter(
      (c) => !String(ackText(c.value)).includes(c.text === 'help' ? '/rollback' : 'prompt-service'),
    );
    expect(wrong.map((c) => `${c.text}: ${JSON.stringify(c.value.body).slice(0, 200)}`)).toEqual([]);

    const fingerprints = bodies.flatMap((b) => b.fingerprints);
    const stored = r.read((db) => {
      const rows = db
        .prepare(`SELECT fingerprint, incident_id FROM alerts WHERE source = 'alertmanager'`)
        .all() as Array<{ fingerprint: string; incident_id: string | null }>;
      return new Map(rows.map((row) => [row.fingerprint, row.incident_id]));
    });
    expect(fingerprints.filter((fp) => !stored.has(fp))).toEqual([]);
    const incidents = r.read(
      (db) =>
        db.prepare(`SELECT id, service FROM incidents WHERE status != 'resolved'`).all() as Array<{
          id: string;
          service: string;
        }>,
    );
    expect(incidents.map((i) => i.service)).toEqual(['prompt-service']);
    expect(new Set(fingerprints.map((fp) => stored.get(fp)))).toEqual(new Set([incidents[0]?.id]));

    const { violations } = await settleAndCheck(r);
    expect(violations, format(violations)).toEqual([]);
  });
});
