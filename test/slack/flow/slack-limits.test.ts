/**
 * Outside text of any length never makes a message Slack would refuse or cut: a webhook carrying a
 * 200 KB summary, a 50 KB label and a 10,000-character service name runs through the whole flow
 * — the head message, the thread, the automatic rollback on the cluster stand-in, the stakeholder
 * notice, the unknown-service announcement, escalation, App Home and the slash-command answers —
 * and so does a drill whose fault the cluster refuses with a 200 KB answer; every call that reached
 * Slack is within SLACK_LIMITS, clipped with "…".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SLACK_LIMITS } from '../../../src/adapters/slack/blocks/limits.ts';
import { allSlackLimitViolations } from '../../support/slack-limits.ts';
import { LEAD, T0, startWorld, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

const MIN = 60_000;
/** Characters mrkdwn escaping lengthens (`<` → `&lt;`) and a ping that must stay text, repeated to 200 KB. */
const HUGE_SUMMARY = '<!channel> error rate 7.2% > 5% & climbing on <every> pod; '.repeat(3_400).slice(0, 200_000);
const LONG_SERVICE = `ghost-${'<&>'.repeat(3_332)}`.slice(0, 10_000);

function webhook() {
  const alert = (service: string, severity: string) => ({
    status: 'firing',
    labels: { alertname: 'PromptErrorRate', service, version: 'v2.0.0', severity, pod: `pod-${'p'.repeat(50_000)}` },
    annotations: { summary: HUGE_SUMMARY, description: HUGE_SUMMARY },
    startsAt: '2026-01-05T08:58:00Z',
  });
  return {
    version: '4',
    status: 'firing',
    receiver: 'rewind',
    groupKey: '{}:{alertname="PromptErrorRate"}',
    truncatedAlerts: 0,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: [alert('prompt-service', 'critical'), alert(LONG_SERVICE, 'critical')],
  };
}

describe("every text Rewind sends fits Slack's limits", () => {
  it('a 200 KB summary and a 10,000-character service name: every recorded Slack call is within limits', async () => {
    world = await startWorld({ kube: {} });
    expect(HUGE_SUMMARY).toHaveLength(200_000);
    expect(LONG_SERVICE).toHaveLength(10_000);

    const answer = await world.postAlert('alertmanager', webhook());
    expect(answer.status).toBe(202);
    expect(answer.body.unknownServices).toEqual([LONG_SERVICE]);

    const [incident] = world.rewind.store.incidents.listOpen();
    expect(incident?.title).toBe(HUGE_SUMMARY);
    const stakeholders = () =>
      world.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === world.rewind.config.slack.stakeholderChannel);
    const done = () =>
      ['succeeded', 'failed', 'aborted'].includes(world.rewind.store.rollbacks.history()[0]?.status ?? '') &&
      stakeholders().length > 0;
    await world.runUntil(done, { maxMs: 20 * MIN });
    // Past both escalation levels, in case the incident is still open.
    await world.runUntil(() => world.clock.now() >= T0 + 35 * MIN, { stepMs: 30_000 });
    await world.homeOpened(LEAD);
    const list = await world.command(LEAD, '/incident', 'list');
    const timeline = await world.command(LEAD, '/incident', `timeline ${incident?.id}`);

    // Each surface was reached, and the outside text in it was clipped rather than refused.
    const posts = world.slack.callsTo('chat.postMessage');
    const unknown = posts.find((c) => String(c.args.text).includes('names the service *ghost-'));
    expect(String(unknown?.args.text)).toMatch(
      /names the service \*ghost-(&lt;|&amp;|&gt;)+…\*, which is not configured in Rewind: "&lt;!channel&gt; error rate/,
    );
    const head = posts.find(
      (c) =>
        c.args.ts === undefined &&
        c.args.blocks !== undefined &&
        c.args.channel === world.rewind.config.slack.incidentChannel,
    );
    expect(JSON.stringify(head?.args.blocks)).toContain('…');
    const headTs = world.rewind.store.incidents.get(incident?.id ?? '')?.slackTs;
    expect(headTs).toBeTruthy();
    expect(posts.filter((c) => c.args.thread_ts === headTs).length).toBeGreaterThan(2);
    // The stakeholder notice tells in its own words: the alert's summary is not copied there at all.
    expect(String(stakeholders()[0]?.args.text)).toContain(`📣 *${incident?.id}* · prompt-service\n*What users saw*: `);
    expect(String(stakeholders()[0]?.args.text)).not.toContain('&lt;!channel&gt;');
    expect(world.slack.callsTo('views.publish')).toHaveLength(1);

    const answers = [list, timeline].map((r, i) => ({
      method: `/incident answer ${i}`,
      args: r.body as Record<string, unknown>,
    }));
    expect(answers.map((a) => typeof a.args.text)).toEqual(['string', 'string']);
    const calls = [
      ...world.slack.calls,
      ...world.slack.responses.map((r) => ({ method: `response ${r.id}`, args: r.body })),
      ...answers,
    ];
    expect(allSlackLimitViolations(calls)).toEqual([]);
    // Nothing anywhere carries the summary whole: every copy was cut.
    const longest = Math.max(...calls.map((c) => JSON.stringify(c.args).length));
    expect(longest).toBeLessThan(SLACK_LIMITS.messageText);
  });
});

describe('drill messages', () => {
  it(
    "a drill whose fault the cluster refuses with a 200 KB answer: the drill channel's messages are within the " +
      'limits',
    async () => {
      world = await startWorld({
        kube: {},
        config: (c) => {
          c.services['prompt-service'].drill = 'allowed';
          c.drills.service = 'prompt-service';
          c.drills.injector = { kind: 'istio-fault', virtualService: 'prompt-service' };
          c.triggers.autoRollback = 'off';
        },
      });
      const VS = '/apis/networking.istio.io/v1/namespaces/prompts/virtualservices/prompt-service';
      world.kube!.failNext({ method: 'PUT', path: VS }, { status: 422, times: 1, message: HUGE_SUMMARY });
      await world.command(LEAD, '/drill', 'run high-error-rate');
      await world.runUntil(() => false, { stepMs: 30_000, maxMs: 5 * MIN }).catch(() => undefined);
      const [drill] = world.rewind.store.drills.list({ status: 'failed', limit: 1 });
      // kept whole in the database
      expect(drill?.ending?.kind === 'apply_failed' && drill.ending.message.length).toBeGreaterThan(200_000);
      const drillPosts = world.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === world.rewind.config.slack.drillChannel);
      const ended = drillPosts.find(
        (c) => String(c.args.text).includes(drill?.id ?? '?') && String(c.args.text).includes('&lt;!channel&gt;'),
      );
      expect(String(ended?.args.text)).toContain('…');
      expect(String(world.slack.responses.at(-1)?.body.text)).toContain('…');
      expect(
        allSlackLimitViolations([
          ...world.slack.calls,
          ...world.slack.responses.map((r) => ({ method: `response ${r.id}`, args: r.body })),
        ]),
      ).toEqual([]);
    },
  );
});
