/**
 * Webhook bodies at the 1 MiB limit, through the running app: stored whole (every alert, one
 * incident per service) or, when any alert in them is wrong, not at all; answered while a slash
 * command sent meanwhile gets its own answer; and resolved in bulk without the incident offering to
 * resolve before its last alert has. How quickly is the benchmark's business (bench/big-webhooks.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ALERT_BODY_BYTES } from '../../src/adapters/alerts/routes.ts';
import { ACTION, COMMAND } from '../../src/adapters/slack/ids.ts';
import { bigAlertmanagerBody, type BigBody } from '../support/big-alerts.ts';
import { ALICE, actionIds, startWorld, textOf, type World } from '../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

const SERVICES = ['prompt-service', 'prompt-service-staging'];

/** Every alert of the body stored, each linked to the open incident of its service. */
function expectStored(w: World, bodies: BigBody[]): void {
  const open = w.rewind.store.incidents.listOpen();
  expect(open.map((i) => i.service).sort()).toEqual([...SERVICES].sort());
  const incidentOf = new Map(open.map((i) => [i.service, i.id]));
  for (const body of bodies) {
    const missing = body.fingerprints.filter((fp) => w.rewind.store.alerts.get('alertmanager', fp) === null);
    expect(missing).toEqual([]);
    const wrongIncident = body.fingerprints.filter((fp) => {
      const a = w.rewind.store.alerts.get('alertmanager', fp);
      return a?.incidentId !== incidentOf.get(a?.service ?? '');
    });
    expect(wrongIncident).toEqual([]);
  }
  for (const service of SERVICES) {
    const expected = bodies.reduce((n, b) => n + (b.perService.get(service) ?? 0), 0);
    expect(w.rewind.store.alerts.listForIncident(incidentOf.get(service) ?? '')).toHaveLength(expected);
  }
}

describe('alert webhooks at the body limit', () => {
  it('a 1 MiB body is stored whole and answered 202; a slash command sent meanwhile gets its answer', async () => {
    world = await startWorld();
    const body = bigAlertmanagerBody({ services: SERVICES, tag: 'one' });
    // The test is about bodies at the limit: close to it, and still under it.
    expect(body.bytes).toBeGreaterThan(DEFAULT_MAX_ALERT_BODY_BYTES - 16 * 1024);
    expect(body.bytes).toBeLessThanOrEqual(DEFAULT_MAX_ALERT_BODY_BYTES);

    const webhook = world.postAlert('alertmanager', body.json);
    const command = world.command(ALICE, COMMAND.rollback, 'help');
    const [alerts, help] = await Promise.all([webhook, command]);

    expect(alerts).toEqual({ status: 202, body: { accepted: body.alerts, unknownServices: [] } });
    expect(help.status).toBe(200);
    expect(String(help.body.text)).toContain('/rollback');
    expectStored(world, [body]);
  });

  it('three 1 MiB bodies at once: each gets 202 with its own count, all stored, one incident per service', async () => {
    world = await startWorld();
    const bodies = ['x', 'y', 'z'].map((tag) => bigAlertmanagerBody({ services: SERVICES, tag }));

    const answers = await Promise.all(bodies.map((b) => world.postAlert('alertmanager', b.json)));

    expect(answers).toEqual(bodies.map((b) => ({ status: 202, body: { accepted: b.alerts, unknownServices: [] } })));
    expectStored(world, bodies);
  });

  it('one wrong alert at the end of a 1 MiB body refuses all of it, naming the alert; nothing is stored', async () => {
    world = await startWorld();
    const body = bigAlertmanagerBody({ services: SERVICES, tag: 'bad' });
    const parsed = JSON.parse(body.json) as { alerts: Array<Record<string, unknown>> };
    const last = parsed.alerts.length - 1;
    (parsed.alerts[last] as { status: string }).status = 'pending';

    const answer = await world.postAlert('alertmanager', JSON.stringify(parsed));

    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe(
      `invalid alertmanager payload: alerts[${last}].status must be "firing" or "resolved", got the string "pending"`,
    );
    // The alerts before it were read (in slices) but none was stored, and no incident opened.
    expect(body.fingerprints.filter((fp) => world.rewind.store.alerts.get('alertmanager', fp) !== null)).toEqual([]);
    expect(world.rewind.store.incidents.listOpen()).toEqual([]);
    expect(world.slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('a 1 MiB resolution: the incident offers to resolve once its last alert has, not before', async () => {
    world = await startWorld();
    const firing = bigAlertmanagerBody({ services: ['prompt-service'], tag: 'res' });
    const resolved = JSON.parse(
      bigAlertmanagerBody({ services: ['prompt-service'], tag: 'res', status: 'resolved' }).json,
    ) as { alerts: unknown[] };
    const lastOne = { ...resolved, alerts: resolved.alerts.slice(-1) };
    const allButLast = { ...resolved, alerts: resolved.alerts.slice(0, -1) };
    expect(resolved.alerts).toHaveLength(firing.alerts);
    expect((await world.postAlert('alertmanager', firing.json)).status).toBe(202);
    const [incident] = world.rewind.store.incidents.listOpen();
    const offers = () =>
      world.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === incident?.slackTs && actionIds(c).includes(ACTION.resolve));

    expect(await world.postAlert('alertmanager', allButLast)).toEqual({
      status: 202,
      body: { accepted: firing.alerts - 1, unknownServices: [] },
    });
    expect(offers()).toEqual([]);
    const statuses = world.rewind.store.alerts.listForIncident(incident?.id ?? '').map((a) => a.status);
    expect(statuses.filter((s) => s === 'firing')).toHaveLength(1);

    expect((await world.postAlert('alertmanager', lastOne)).status).toBe(202);
    expect(offers()).toHaveLength(1);
    // The last alert's note (joined in memory within its commit) comes before the offer it caused.
    const thread = world.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === incident?.slackTs);
    const lastNote = thread.findLastIndex(
      (c) => !actionIds(c).includes(ACTION.resolve) && textOf(c).includes('resolved'),
    );
    expect(lastNote).toBeGreaterThanOrEqual(0);
    expect(lastNote).toBeLessThan(thread.indexOf(offers()[0]!));
    expect(textOf(offers()[0])).toContain('Every alert of this incident is resolved');
    expect(world.rewind.store.alerts.listForIncident(incident?.id ?? '').every((a) => a.status === 'resolved')).toBe(
      true,
    );
  });

  it(
    'an alert still firing in an earlier, resolved incident of the service does not hold back the offer in the new ' +
      'one',
    async () => {
      world = await startWorld();
      const one = (fingerprint: string, status: 'firing' | 'resolved') =>
        JSON.parse(
          bigAlertmanagerBody({ services: ['prompt-service'], tag: fingerprint, maxBytes: 4_000, status }).json,
        ) as { alerts: unknown[] };
      const earlier = one('early', 'firing');
      expect(earlier.alerts).toHaveLength(1);
      await world.postAlert('alertmanager', earlier);
      const [first] = world.rewind.store.incidents.listOpen();
      // Closed by hand while its alert still fires.
      world.rewind.services.incidents.resolve(first?.id ?? '', { kind: 'user', id: ALICE });
      await world.postAlert('alertmanager', one('later', 'firing'));
      const [second] = world.rewind.store.incidents.listOpen();
      expect(second?.id).not.toBe(first?.id);

      await world.postAlert('alertmanager', one('later', 'resolved'));

      const offers = world.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === second?.slackTs && actionIds(c).includes(ACTION.resolve));
      expect(offers).toHaveLength(1);
      expect(world.rewind.store.alerts.listFiringForService('prompt-service').map((a) => a.incidentId)).toEqual([
        first?.id,
      ]);
    },
  );
});
