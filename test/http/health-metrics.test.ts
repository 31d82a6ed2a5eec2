/**
 * GET /metrics of a running bot says how Rewind itself is doing, the figures deploy/monitoring.yaml
 * alerts on and dashboards draw: timers overdue, rollbacks by strategy, trigger and outcome,
 * incidents prevented and how long rollbacks take — read from the database, so a restart keeps
 * them — and the Slack and Kubernetes API errors the clients met since start. Driven through a
 * critical alert (the automatic rollback on the Kubernetes stand-in) and a rollback a person
 * confirms in Slack.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, VIEW } from '../../src/adapters/slack/ids.ts';
import { LEAD, T0, startWorld, type ConfigDoc, type World } from '../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

async function scrape(w: World): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${w.rewind.port}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The sample lines of `name` (with its labels, if any), `# HELP` and `# TYPE` left out. */
const samples = (text: string, name: string) =>
  text.split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));

describe('rewind_timers_overdue', () => {
  it('counts pending timers more than a minute past their due time, and no sooner', async () => {
    world = await startWorld();
    const overdue = async () => samples(await scrape(world), 'rewind_timers_overdue');
    expect(await overdue()).toEqual(['rewind_timers_overdue 0']);
    // The first evaluation rounds and the next quarterly drill's timers. Jumping the clock wakes no
    // sleeper: the loop has not run, as when it is stuck or the database refuses its claims.
    const due = world.rewind.store.timers
      .list({ status: 'pending' })
      .map((t) => t.dueAt)
      .sort((a, b) => a - b);
    expect(due.length).toBeGreaterThanOrEqual(3);
    const first = due[0]!;
    const last = due.at(-1)!;
    expect(first).toBeGreaterThan(T0);
    world.clock.jumpTo(first + 60_000);
    expect(await overdue()).toEqual(['rewind_timers_overdue 0']);
    world.clock.jumpTo(first + 61_000);
    expect(await overdue()).toEqual([`rewind_timers_overdue ${due.filter((d) => d < first + 1_000).length}`]);
    world.clock.jumpTo(last + 61_000);
    expect(await overdue()).toEqual([`rewind_timers_overdue ${due.length}`]);
  });
});

/** The shipped routing of prompt-service: a Service selector (blue-green). */
const blueGreen = (c: ConfigDoc) =>
  (c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' });
const SELECTOR_PATCH = { method: 'PATCH', path: '/api/v1/namespaces/prompts/services/prompt-service' };
const TARGET_DEPLOYMENT = { method: 'GET', path: '/apis/apps/v1/namespaces/prompts/deployments/prompt-service-v1-5-0' };
const ended = (w: World, n: number) => () =>
  w.rewind.store.rollbacks.history().filter((r) => ['succeeded', 'failed', 'aborted'].includes(r.status)).length >= n;

function criticalAlert() {
  return {
    service: 'prompt-service',
    severity: 'critical',
    summary: 'error rate above 10%',
    labels: { version: 'v2.0.0' },
    startsAt: new Date(T0).toISOString(),
  };
}

describe('rollbacks, incidents prevented and API errors', () => {
  it('are counted by strategy, trigger and outcome from the database, and kept across a restart', async () => {
    world = await startWorld({ kube: {}, config: blueGreen });
    const kube = world.kube!;
    // The staging service too, so that no read answers 404 (its evaluation rounds read its router).
    kube.seedPromptService({
      versions: ['v2.0.0', 'v1.5.0', 'v1.0.0'],
      namespace: 'prompts-staging',
      name: 'prompt-service-staging',
    });
    let text = await scrape(world);
    expect(samples(text, 'rewind_rollbacks_total')).toEqual([]);
    expect(samples(text, 'rewind_incidents_prevented_total')).toEqual(['rewind_incidents_prevented_total 0']);
    expect(text).toContain('# TYPE rewind_rollback_duration_seconds histogram');

    // The automatic rollback's switch meets one 500 (retried); its first thread message one 429.
    kube.failNext(SELECTOR_PATCH, { status: 500 });
    world.slack.failNext('chat.postMessage', { retryAfter: 1 });
    expect((await world.postAlert('generic', criticalAlert())).status).toBe(202);
    await world.runUntil(ended(world, 1), { maxMs: 20 * 60_000 });
    const [automatic] = world.rewind.store.rollbacks.history();
    expect([automatic?.strategy, automatic?.startedBy, automatic?.status]).toEqual([
      'immediate',
      'rewind',
      'succeeded',
    ]);
    const steps = world.rewind.store.rollbacks.steps(automatic!.id);
    const seconds = (automatic!.finishedAt! - Math.min(...steps.map((s) => s.startedAt!))) / 1000;
    expect(seconds).toBeGreaterThan(5 * 60); // the verify window is in it

    text = await scrape(world);
    expect(samples(text, 'rewind_rollbacks_total')).toEqual([
      'rewind_rollbacks_total{strategy="immediate",trigger="automatic",outcome="succeeded"} 1',
    ]);
    expect(samples(text, 'rewind_incidents_prevented_total')).toEqual(['rewind_incidents_prevented_total 1']);
    expect(samples(text, 'rewind_rollback_duration_seconds_count')).toEqual([
      'rewind_rollback_duration_seconds_count{strategy="immediate"} 1',
    ]);
    expect(samples(text, 'rewind_rollback_duration_seconds_sum')).toEqual([
      `rewind_rollback_duration_seconds_sum{strategy="immediate"} ${seconds}`,
    ]);
    expect(text).toContain('rewind_rollback_duration_seconds_bucket{le="600",strategy="immediate"} 1');
    expect(text).toContain('rewind_rollback_duration_seconds_bucket{le="300",strategy="immediate"} 0');
    expect(samples(text, 'rewind_kube_api_errors_total')).toEqual(['rewind_kube_api_errors_total{code="500"} 1']);
    expect(samples(text, 'rewind_slack_api_errors_total')).toEqual([
      'rewind_slack_api_errors_total{method="chat.postMessage",error="ratelimited"} 1',
    ]);

    // A person's rollback that Kubernetes refuses (the target's Deployment may not be read): manual,
    // failed, no incident prevented.
    await world.restart();
    kube.failNext(TARGET_DEPLOYMENT, { status: 403 });
    const incident = await world.openIncident();
    await world.act({
      user: LEAD,
      actionId: ACTION.immediate,
      value: incident.id,
      blockId: BLOCK.decisions,
      messageTs: incident.slackTs ?? '',
    });
    const metadata = (world.slack.callsTo('views.open').at(-1)?.args.view as { private_metadata: string })
      .private_metadata;
    await world.submit(LEAD, VIEW.confirmRollback, metadata);
    await world.runUntil(ended(world, 2), { maxMs: 20 * 60_000 });

    text = await scrape(world);
    // Read from the database: the rollback before the restart is still there.
    expect(samples(text, 'rewind_rollbacks_total')).toEqual([
      'rewind_rollbacks_total{strategy="immediate",trigger="automatic",outcome="succeeded"} 1',
      'rewind_rollbacks_total{strategy="immediate",trigger="manual",outcome="failed"} 1',
    ]);
    expect(samples(text, 'rewind_incidents_prevented_total')).toEqual(['rewind_incidents_prevented_total 1']);
    expect(samples(text, 'rewind_rollback_duration_seconds_count')).toEqual([
      'rewind_rollback_duration_seconds_count{strategy="immediate"} 2',
    ]);
    // Counted since this start: the 500 and the 429 were the process before.
    expect(samples(text, 'rewind_kube_api_errors_total')).toEqual(['rewind_kube_api_errors_total{code="403"} 1']);
    expect(samples(text, 'rewind_slack_api_errors_total')).toEqual([]);
  });
});
