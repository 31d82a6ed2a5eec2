/**
 * The break-glass controls on a gradual rollback started from the command line: --detach returns
 * after the first traffic change, then pause, resume and abort act through the engine's control,
 * status and history answer as JSON, and the incident is resolved — each audited and noted in the
 * thread as done from the command line, nothing sent to Slack.
 */
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigDoc } from '../support/config-doc.ts';
import { LEAD, MALLORY, VS_PATH, startRig, type Rig } from './break-glass-rig.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const OS_USER = os.userInfo().username;
const FROM_CLI = `<@${LEAD}> (from the command line, as OS user ${OS_USER})`;

/** Routed by weight through Istio; phases watched for 10 minutes, so nothing moves on its own during the test. */
const weighted = {
  config: (c: ConfigDoc) => {
    c.services['prompt-service'].router = { kind: 'istio', virtualService: 'prompt-service', route: 0 };
    c.rollback.gradual.phases = [{ weight: 25, observe: '10m' }, { weight: 5, observe: '10m' }, { weight: 0 }];
  },
};

/** The weights the stand-in was sent, per PUT of the VirtualService. */
function weights(r: Rig): string[] {
  return r.kube
    .writes()
    .filter((w) => w.path === VS_PATH && w.method === 'PUT')
    .map((w) =>
      (
        w.body as { spec: { http: { route: { destination: { subset: string }; weight: number }[] }[] } }
      ).spec.http[0]?.route
        .map((d) => `${d.destination.subset}=${d.weight}`)
        .join(' '),
    ) as string[];
}

function queuedNotes(r: Rig): string[] {
  return (
    r.store.db
      .prepare(`SELECT payload FROM outbox WHERE kind = 'thread' AND sent_at IS NULL ORDER BY id`)
      .all() as Array<{ payload: string }>
  ).map((row) => (JSON.parse(row.payload) as { text: string }).text);
}

interface StatusJson {
  services: Array<{
    service: string;
    servingVersion: string | null;
    incident: { id: string; status: string } | null;
    rollback: { id: string; status: string; newVersionWeight: number | null; approvals: { by: string[] } } | null;
  }>;
}

describe('break-glass controls of a gradual rollback', () => {
  it(
    'detaches after the first change; pause, resume, abort; status and history; resolve',
    { timeout: 60_000 },
    async () => {
      rig = await startRig(weighted);
      const started = await rig.run(['rollback', 'gradual', 'prompt-service', '--as', LEAD, '--yes', '--detach']);
      expect(started.err).toBe('');
      expect(started.code).toBe(0);
      expect(started.out).toContain(
        'change: v2.0.0 keeps 25% for 10m, then 5% for 10m, then 0%, v1.5.0 taking the rest (straight to 0% if ' +
          'error_rate > 5% holds)',
      );
      expect(started.out).toContain('now: v2.0.0 has 100% (read from the cluster)');
      expect(started.out).toContain('step 2/8 set 25%: succeeded');
      // Detached: it says where the steps run until it returns, not that Ctrl-C stops waiting.
      expect(started.out).toContain('Its steps run here until the first traffic change is written; then the bot');
      expect(started.out).not.toContain('Ctrl-C');
      expect(started.out).toMatch(
        /Detached after the first traffic change\. The rest of RB-\d{8}-\d{3} runs in the bot/,
      );
      expect(weights(rig)).toEqual(['v2-0-0=25 v1-5-0=75 v1-0-0=0']);
      const [rollback] = rig.store.rollbacks.history();
      const id = rollback?.id ?? '';
      const incidentId = rollback?.incidentId ?? '';

      const status = await rig.run(['status', 'prompt-service', '--json']);
      expect(status.code).toBe(0);
      const parsed = JSON.parse(status.out) as StatusJson;
      expect(parsed.services).toHaveLength(1);
      expect(parsed.services[0]).toMatchObject({
        service: 'prompt-service',
        servingVersion: 'v2.0.0',
        traffic: { source: 'cluster', split: { 'v2.0.0': 25, 'v1.5.0': 75 } },
        incident: { id: incidentId, status: 'rolling_back' },
        rollback: { id, status: 'running', newVersionWeight: 25, approvals: { by: [LEAD] } },
      });

      const paused = await rig.run(['pause', 'prompt-service', '--as', LEAD, '--yes']);
      expect(paused.code).toBe(0);
      expect(paused.out).toContain(
        `Pause ${id} prompt-service gradual v2.0.0 → v1.5.0: running, phase 1/3, v2.0.0 25%`,
      );
      expect(paused.out).toContain(`Paused ${id} as ${LEAD}: now paused.`);
      expect(rig.store.rollbacks.get(id)?.status).toBe('paused');

      // Paused already: one line that says so, nothing asked, nothing recorded.
      const timelineBefore = rig.store.incidents.timeline(incidentId).length;
      const pausedAgain = await rig.run(['pause', 'prompt-service', '--as', LEAD, '--yes']);
      expect([pausedAgain.code, pausedAgain.out, pausedAgain.err]).toEqual([
        1,
        '',
        `rewind pause: ${id} is already paused`,
      ]);
      expect(rig.store.incidents.timeline(incidentId)).toHaveLength(timelineBefore);

      const text = await rig.run(['status', 'prompt-service']);
      expect(text.out).toContain(`  rollback: ${id} prompt-service gradual v2.0.0 → v1.5.0: paused, phase 1/3`);

      const resumed = await rig.run(['resume', 'prompt-service', '--as', LEAD, '--yes', '--detach']);
      expect(resumed.code).toBe(0);
      expect(resumed.out).toContain(`Resumed ${id} as ${LEAD}: now running.`);
      expect(rig.store.rollbacks.get(id)?.status).toBe('running');
      const resumedAgain = await rig.run(['resume', 'prompt-service', '--as', LEAD, '--yes', '--detach']);
      expect([resumedAgain.code, resumedAgain.out, resumedAgain.err]).toEqual([
        1,
        '',
        `rewind resume: ${id} is not paused`,
      ]);

      const refused = await rig.run(['abort', 'prompt-service', '--as', MALLORY, '--yes']);
      expect(refused.code).toBe(1);
      expect(refused.err).toBe(
        'rewind abort: only approvers may abort a rollback (approvers: S0SRE, U0LEAD); the attempt was recorded',
      );
      expect(refused.out).toBe('');
      expect(rig.store.rollbacks.get(id)?.status).toBe('running');

      const aborted = await rig.run(['abort', 'prompt-service', '--as', LEAD, '--yes']);
      expect(aborted.code).toBe(0);
      expect(aborted.out).toContain(`Aborted ${id} as ${LEAD}: now aborted.`);
      expect(rig.store.rollbacks.get(id)?.status).toBe('aborted');
      // Aborting stops where traffic is: nothing more was sent.
      expect(weights(rig)).toEqual(['v2-0-0=25 v1-5-0=75 v1-0-0=0']);
      // Status shows the split the router has, not the version the incident was about.
      const afterAbort = await rig.run(['status', 'prompt-service']);
      expect(afterAbort.out).toContain('  serving: v2.0.0 25% / v1.5.0 75% (read from the cluster just now)');
      expect(afterAbort.out).toContain('  rollback: none in progress');

      const history = JSON.parse((await rig.run(['history', 'prompt-service', '--json'])).out) as {
        service: string;
        rollbacks: Array<{ id: string; status: string; startedBy: string }>;
      };
      expect(history).toMatchObject({
        service: 'prompt-service',
        rollbacks: [{ id, status: 'aborted', startedBy: LEAD }],
      });

      const resolved = await rig.run(['incident', 'resolve', incidentId, '--as', LEAD, '--yes']);
      expect(resolved.code).toBe(0);
      expect(resolved.out).toContain(`Resolve ${incidentId} (prompt-service, awaiting_decision, warning, since `);
      expect(resolved.out).toContain(`Resolved ${incidentId} as ${LEAD}.`);
      expect(rig.store.incidents.get(incidentId)?.status).toBe('resolved');
      const again = await rig.run(['incident', 'resolve', incidentId, '--as', LEAD, '--yes']);
      expect([again.code, again.err]).toEqual([
        1,
        `rewind incident: incident ${incidentId} is already resolved; nothing was changed`,
      ]);

      // Audited as Slack's buttons are, with the command line beside the person; the refusal too.
      const audited = rig.store.audit
        .list({ limit: 20 })
        .reverse()
        .filter((a) => a.action !== 'rollback.gradual')
        .map((a) => [a.action, a.actor.id, a.outcome, a.actor.via?.osUser]);
      expect(audited).toEqual([
        ['rollback.pause', LEAD, 'allowed', OS_USER],
        ['rollback.resume', LEAD, 'allowed', OS_USER],
        ['rollback.abort', MALLORY, 'refused', OS_USER],
        ['rollback.abort', LEAD, 'allowed', OS_USER],
        ['incident.resolve', LEAD, 'allowed', OS_USER],
      ]);
      const timeline = rig.store.incidents.timeline(incidentId);
      for (const kind of ['rollback_pause', 'rollback_resume', 'rollback_abort'] as const)
        expect(timeline.find((e) => e.kind === kind)?.actor).toEqual({
          kind: 'user',
          id: LEAD,
          via: { kind: 'cli', osUser: OS_USER },
        });

      // The thread is told, in the order it happened, once the bot reaches Slack; nothing was sent yet.
      expect(rig.slack.callsTo('chat.postMessage')).toEqual([]);
      const notes = queuedNotes(rig);
      const said = (start: string) => notes.findIndex((n) => n.startsWith(start));
      const order = [
        said(`🔁 ${FROM_CLI} started a gradual rollback of *prompt-service*`),
        said(`⏸ ${FROM_CLI} paused the gradual rollback of *prompt-service*.`),
        said(`▶️ ${FROM_CLI} resumed the gradual rollback of *prompt-service*.`),
        said(`⏹ ${FROM_CLI} aborted the gradual rollback of *prompt-service*.`),
        said(`✅ ${FROM_CLI} resolved the incident.`),
      ];
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);

      // With Kubernetes down, status says so and shows where the rollback last set traffic.
      await rig.kube.close();
      const down = await rig.run(['status', 'prompt-service']);
      expect(down.code).toBe(0);
      expect(down.out).toContain(
        `  serving: v2.0.0 25% / v1.5.0 75% as ${id} last set it (the router could not be read: read VirtualService ` +
          'prompts/prompt-service failed: the API server could not be reached (ECONNREFUSED))',
      );
      const downJson = JSON.parse((await rig.run(['status', 'prompt-service', '--json'])).out) as {
        services: Array<{ traffic: unknown }>;
      };
      expect(downJson.services[0]?.traffic).toMatchObject({
        source: 'stored',
        lastSet: { split: { 'v2.0.0': 25, 'v1.5.0': 75 }, rollbackId: id },
      });
    },
  );
});
