/**
 * Text Rewind did not write can never ping anyone. Per source — Alertmanager, Grafana and generic
 * alerts (labels and annotations), complaints, slash-command words echoed back, modal submissions
 * and button values, free text from the config (escalation labels, version names, drill scenario
 * titles), a fault endpoint's answer — hostile text goes in through the real entry point, and
 * every string Slack would parse as mrkdwn in every call that reached the stand-in (messages,
 * updates, ephemerals, DMs, views, response_url posts, acks) is checked: no `<!channel>`,
 * `<!here>`, `<!everyone>`, `<@U…>`, `<!subteam^S…>`, `<#C…>` or `<http…|…>` of the input
 * survives, and nothing is escaped twice.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, COMMAND, VIEW, drillRateActionId } from '../../../src/adapters/slack/ids.ts';
import { selectState } from '../../../src/demo/stand-ins/slack-signing.ts';
import {
  LEAD,
  T0,
  actionIds,
  startWorld,
  type ConfigDoc,
  type ShippedService,
  type World,
} from '../../support/world.ts';

const MIN = 60_000;
let world: World;
afterEach(async () => world?.stop());

/** Each use is tagged, so a test can tell which field's text reached Slack. */
const hostile = (tag: string) =>
  `${tag}: <!channel> <!here> <!everyone> <@U0HOSTILE> <!subteam^S0HOSTILE> <#C0HOSTILE> <http://evil.example|click> & co`;
/** How Slack's escaping (`&`, `<`, `>` as entities) writes the same text: what should arrive. */
const escaped = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
/** One word each, for slash commands (the parsers split on spaces). */
const WORDS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U0HOSTILE>',
  '<!subteam^S0HOSTILE>',
  '<#C0HOSTILE>',
  '<http://evil.example|click>',
];

/** What would notify or link if Slack parsed it; Rewind's own mentions never use these ids. */
const PINGS = [
  /<!channel/,
  /<!here/,
  /<!everyone/,
  /<@U0HOSTILE/,
  /<!subteam\^S0HOSTILE/,
  /<#C0HOSTILE/,
  /<https?:\/\/evil/,
];
const TWICE = /&amp;(?:amp|lt|gt);/;

/** Strings Slack never renders: ids, button values, metadata, routing. */
const NOT_RENDERED = new Set([
  'private_metadata',
  'value',
  'action_id',
  'block_id',
  'callback_id',
  'trigger_id',
  'external_id',
  'hash',
  'token',
  'type',
  'style',
  'channel',
  'channel_id',
  'ts',
  'thread_ts',
  'message_ts',
  'user',
  'users',
  'user_id',
  'usergroup',
  'response_type',
  'response_action',
]);

/**
 * Every string of a call Slack parses as mrkdwn, with where it is: the top-level `text` of a
 * message (the notification fallback) is parsed too. A plain_text object is shown verbatim, so it
 * cannot ping and is left out.
 */
function renderedStrings(value: unknown, path: string, out: Array<{ path: string; text: string }> = []) {
  if (typeof value === 'string') out.push({ path, text: value });
  else if (Array.isArray(value)) value.forEach((v, i) => renderedStrings(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object' && (value as { type?: unknown }).type !== 'plain_text') {
    for (const [key, v] of Object.entries(value)) if (!NOT_RENDERED.has(key)) renderedStrings(v, `${path}.${key}`, out);
  }
  return out;
}

/**
 * Asserts that nothing sent to Slack so far (Web API calls, response_url posts, the acks given)
 * pings or is escaped twice; returns all rendered text, for checking that the input did arrive.
 */
function expectNoPings(w: World, acks: ReadonlyArray<{ body: unknown }>): string {
  const sent = [
    ...w.slack.calls.map((c, i) => ({ where: `#${i} ${c.method}`, args: c.args })),
    ...w.slack.responses.map((r) => ({ where: `response_url ${r.id}`, args: r.body })),
    ...acks.map((a, i) => ({ where: `ack ${i}`, args: a.body })),
  ];
  const rendered = sent.flatMap((s) => renderedStrings(s.args, s.where));
  const bad = rendered
    .filter((r) => PINGS.some((p) => p.test(r.text)) || TWICE.test(r.text))
    .map((r) => `${r.path}: ${r.text}`);
  expect(bad).toEqual([]);
  return rendered.map((r) => r.text).join('\n');
}

/** A world plus the acks of every command and submission sent to it. */
async function open(options: Parameters<typeof startWorld>[0] = {}) {
  world = await startWorld(options);
  const w = world;
  const acks: Array<{ body: unknown }> = [];
  const command = async (command: string, text: string, user = LEAD) => {
    const answer = await w.command(user, command, text);
    acks.push(answer);
    return String(answer.body.text ?? '');
  };
  const submit = async (callbackId: string, metadata: string, values?: Parameters<World['submit']>[3]) => {
    const answer = await w.submit(LEAD, callbackId, metadata, values);
    acks.push(answer);
    return answer;
  };
  /** The surfaces that show an incident again: lists, timeline, status, App Home. */
  const lookAround = async () => {
    await command(COMMAND.incident, 'list');
    await command(COMMAND.incident, 'timeline');
    await command(COMMAND.rollback, 'status');
    await command(COMMAND.rollback, 'history');
    await w.homeOpened(LEAD);
  };
  return { w, acks, command, submit, lookAround, audit: () => expectNoPings(w, acks) };
}

const methods = (w: World) =>
  new Set([...w.slack.calls.map((c) => c.method), ...(w.slack.responses.length > 0 ? ['response_url'] : [])]);

describe('alerts from outside', () => {
  const wire = (
    fingerprint: string,
    labels: Record<string, string>,
    annotations: Record<string, string>,
    status = 'firing',
  ) => ({
    status,
    labels,
    annotations,
    startsAt: '2026-01-05T08:58:00Z',
    endsAt: status === 'resolved' ? '2026-01-05T09:10:00Z' : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph',
    fingerprint,
  });

  it('Alertmanager: summary, description, alertname, labels, version and an unknown service label', async () => {
    const { w, lookAround, audit } = await open();
    const alerts = (status: string) => [
      wire(
        'am-1',
        {
          alertname: 'PromptErrorRate',
          service: 'prompt-service',
          version: hostile('am-version'),
          team: hostile('am-team'),
        },
        { summary: hostile('am-summary'), description: hostile('am-hidden'), runbook_url: hostile('am-runbook') },
        status,
      ),
      wire(
        'am-2',
        { alertname: 'PromptLatency', service: 'prompt-service' },
        { description: hostile('am-description') },
        status,
      ),
      wire('am-3', { alertname: hostile('am-alertname'), service: 'prompt-service' }, {}, status),
      wire('am-4', { service: 'prompt-service', team: hostile('am-label') }, {}, status),
      wire('am-5', { service: hostile('am-service') }, { summary: hostile('am-unknown') }, status),
    ];
    const body = (status: string) => ({
      version: '4',
      status,
      receiver: 'rewind',
      groupKey: '{}',
      truncatedAlerts: 0,
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: { summary: hostile('am-common') },
      externalURL: 'http://alertmanager:9093',
      alerts: alerts(status),
    });
    expect((await w.postAlert('alertmanager', body('firing'))).status).toBe(202);
    await lookAround();
    expect((await w.postAlert('alertmanager', body('resolved'))).status).toBe(202);

    const all = audit();
    for (const tag of ['am-version', 'am-summary', 'am-description', 'am-alertname', 'am-service', 'am-unknown'])
      expect(all).toContain(escaped(hostile(tag)));
    expect(all).toContain(`team="${escaped(hostile('am-label'))}"`);
    const head = w.slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === 'C0INCIDENT' && c.args.thread_ts === undefined && c.args.blocks !== undefined);
    expect(String(head?.args.text)).toContain(escaped(hostile('am-summary'))); // the notification text too
    for (const m of ['chat.postMessage', 'chat.update', 'views.publish']) expect(methods(w).has(m)).toBe(true);
  });

  it('Grafana: the notification title, annotations, labels and an unknown service label', async () => {
    const { w, lookAround, audit } = await open();
    const body = {
      version: '1',
      orgId: 1,
      status: 'firing',
      state: 'alerting',
      receiver: 'rewind',
      groupKey: '{}',
      truncatedAlerts: 0,
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://grafana:3000/',
      title: hostile('gf-title'),
      message: hostile('gf-message'),
      alerts: [
        {
          ...wire(
            'gf-1',
            {
              alertname: 'x',
              service: 'prompt-service',
              version: hostile('gf-version'),
              grafana_folder: hostile('gf-folder'),
            },
            {},
          ),
          values: { B: 1 },
          valueString: hostile('gf-values'),
          silenceURL: 'http://grafana:3000/s',
        },
        wire(
          'gf-2',
          { alertname: 'y', service: 'prompt-service' },
          { summary: hostile('gf-summary'), description: hostile('gf-hidden') },
        ),
        wire('gf-3', { alertname: 'z', service: 'prompt-service' }, { description: hostile('gf-description') }),
        wire('gf-4', { service: hostile('gf-service') }, {}),
      ],
    };
    expect((await w.postAlert('grafana', body)).status).toBe(202);
    await lookAround();
    const all = audit();
    for (const tag of ['gf-title', 'gf-version', 'gf-summary', 'gf-service'])
      expect(all).toContain(escaped(hostile(tag)));
  });

  it(
    'generic webhook: summary, version label and an unknown service; a critical alert starts the automatic ' +
      'rollback',
    async () => {
      const { w, lookAround, audit } = await open();
      const alert = {
        service: 'prompt-service',
        severity: 'critical',
        summary: hostile('gen-summary'),
        labels: { version: hostile('gen-version'), team: hostile('gen-team') },
      };
      expect((await w.postAlert('generic', alert)).status).toBe(202);
      expect(
        (
          await w.postAlert('generic', {
            service: hostile('gen-service'),
            severity: 'warning',
            summary: hostile('gen-unknown'),
          })
        ).status,
      ).toBe(202);
      await lookAround();
      expect((await w.postAlert('generic', { ...alert, status: 'resolved' })).status).toBe(202);
      const all = audit();
      for (const tag of ['gen-summary', 'gen-version', 'gen-service', 'gen-unknown'])
        expect(all).toContain(escaped(hostile(tag)));
    },
  );
});

describe('text typed by people', () => {
  it(
    'a complaint is stored as typed and shown escaped on the timeline; as Slack delivers it (entities) it is escaped ' +
      'once',
    async () => {
      const { w, command, audit } = await open();
      await w.postAlert('generic', { service: 'prompt-service', severity: 'warning', summary: 'error rate above 5%' });
      expect(await command(COMMAND.rollback, `complaint prompt-service ${hostile('complaint')}`)).toContain(
        'Complaint about *prompt-service* recorded',
      );
      // Slack itself sends `&`, `<` and `>` as entities in command text; they are decoded, then escaped once.
      await command(COMMAND.rollback, `complaint prompt-service ${escaped(hostile('complaint-from-slack'))}`);
      expect(w.rewind.store.complaints.count('prompt-service', 0, w.clock.now() + 1)).toBe(2);
      const timeline = await command(COMMAND.incident, 'timeline');
      expect(timeline).toContain(escaped(hostile('complaint')));
      expect(timeline).toContain(escaped(hostile('complaint-from-slack')));
      audit();
    },
  );

  it('slash command words quoted in an error: subcommands, services, versions, times, ids, scenarios', async () => {
    const { command, audit } = await open();
    const [channel, here, everyone, user, group, room, link] = WORDS as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const cases: Array<[string, string, string]> = [
      [COMMAND.rollback, channel, channel],
      [COMMAND.rollback, `immediate ${user}`, user],
      [COMMAND.rollback, `immediate prompt-service to ${group}`, group],
      [COMMAND.rollback, `planned prompt-service at ${room}`, room],
      [COMMAND.rollback, `status prompt-service ${link}`, link],
      [COMMAND.rollback, `complaint ${here} users are unhappy`, here],
      [COMMAND.incident, everyone, everyone],
      [COMMAND.incident, `timeline ${here}`, here],
      [COMMAND.drill, `run ${everyone}`, everyone],
      [COMMAND.drill, `report ${user}`, user],
      [COMMAND.drill, link, link],
    ];
    for (const [name, text, echoed] of cases)
      expect(await command(name, text), `${name} ${text}`).toContain(escaped(echoed));
    audit();
  });

  it('modal submissions and button values that come back forged', async () => {
    const { w, submit, audit } = await open();
    const incident = await w.openIncident();
    const shown = {
      incidentId: incident.id,
      service: 'prompt-service',
      fromVersion: 'v1.5.0',
      steps: [1, 5, 25, 50, 100],
      requiredApprovals: 1,
      dryRun: false,
    };
    const refused = await submit(VIEW.canaryFix, JSON.stringify(shown), {
      [BLOCK.canaryVersion]: { version: selectState(hostile('canary-version')) },
    });
    expect(refused.body.response_action).toBe('errors');
    await submit(VIEW.canaryFix, JSON.stringify({ ...shown, incidentId: hostile('canary-incident') }), {
      [BLOCK.canaryVersion]: { version: selectState('v1.0.0') },
    });
    await submit(VIEW.canaryFix, JSON.stringify({ ...shown, service: hostile('canary-service') }), {
      [BLOCK.canaryVersion]: { version: selectState('v1.0.0') },
    });
    const confirm = {
      incidentId: null,
      service: hostile('confirm-service'),
      fromVersion: hostile('confirm-from'),
      toVersion: hostile('confirm-to'),
      strategy: 'immediate',
      phases: [],
      requiredApprovals: 1,
      dryRun: false,
      scheduledFor: null,
    };
    await submit(VIEW.confirmRollback, JSON.stringify(confirm));
    await submit(
      VIEW.confirmRollback,
      JSON.stringify({ ...confirm, service: 'prompt-service', incidentId: hostile('confirm-incident') }),
    );
    await w.act({
      user: LEAD,
      actionId: ACTION.immediate,
      value: hostile('button-incident'),
      blockId: BLOCK.decisions,
      messageTs: incident.slackTs ?? '',
    });
    await w.act({
      user: LEAD,
      actionId: ACTION.userImpact,
      selectedOption: { text: 'x', value: hostile('matrix-answer') },
      blockId: BLOCK.matrix,
      messageTs: incident.slackTs ?? '',
    });
    await w.act({
      user: LEAD,
      actionId: ACTION.drillAbort,
      value: hostile('drill-button'),
      blockId: 'drill_controls:x',
      messageTs: '1700000000.000009',
    });
    const all = audit();
    expect(w.slack.callsTo('chat.postEphemeral').length).toBeGreaterThanOrEqual(2);
    for (const tag of [
      'canary-incident',
      'canary-service',
      'confirm-service',
      'confirm-incident',
      'button-incident',
      'matrix-answer',
    ])
      expect(all).toContain(escaped(hostile(tag)));
  });
});

describe('free text from the config', () => {
  const V2 = `v2.0.0 ${hostile('cfg-v2')}`;
  const V15 = `v1.5.0 ${hostile('cfg-v15')}`;
  const hostileVersions = (c: ConfigDoc, service: ShippedService) => {
    const [a, b, ...rest] = c.services[service].versions;
    c.services[service].versions = [{ ...a, version: V2 }, { ...b, version: V15 }, ...rest];
  };

  it(
    'version names and escalation labels: confirmation, rollback notes, ephemerals, status, history, App Home, ' +
      'escalation DMs',
    async () => {
      const { w, command, submit, lookAround, audit } = await open({
        config: (c) => {
          hostileVersions(c, 'prompt-service');
          hostileVersions(c, 'prompt-service-staging');
          c.escalation.levels = [
            { after: '15m', label: hostile('cfg-level-1'), notify: ['S0SENIOR'] },
            { after: '30m', label: hostile('cfg-level-2'), notify: ['U0MANAGER'] },
          ];
          c.triggers.autoRollback = 'off';
        },
      });
      await w.postAlert('generic', {
        service: 'prompt-service',
        severity: 'warning',
        summary: 'error rate above 5%',
        labels: { version: V2 },
      });
      const incident = w.rewind.store.incidents.findOpenByService('prompt-service')!;

      // Planned on staging: the confirmation, then the planned-for ephemeral.
      await command(COMMAND.rollback, 'planned prompt-service-staging in 20m');
      const planned = w.slack.callsTo('views.open').at(-1)?.args.view as { private_metadata: string };
      await submit(VIEW.confirmRollback, planned.private_metadata);
      // Immediate from the head message: the confirmation, then the started ephemeral and the thread.
      await w.act({
        user: LEAD,
        actionId: ACTION.immediate,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slackTs ?? '',
      });
      const immediate = w.slack.callsTo('views.open').at(-1)?.args.view as { private_metadata: string };
      await submit(VIEW.confirmRollback, immediate.private_metadata);
      await lookAround();
      await w.runUntil(() => w.clock.now() >= T0 + 31 * MIN, { stepMs: 30_000, maxMs: 40 * MIN });

      const all = audit();
      for (const tag of ['cfg-v2', 'cfg-v15', 'cfg-level-1', 'cfg-level-2'])
        expect(all).toContain(escaped(hostile(tag)));
      const ephemerals = w.slack.callsTo('chat.postEphemeral').map((c) => String(c.args.text));
      expect(ephemerals.some((t) => t.includes('planned for') && t.includes(escaped(V15)))).toBe(true);
      expect(ephemerals.some((t) => t.includes('started') && t.includes(escaped(V15)))).toBe(true);
      const dms = w.slack.callsTo('chat.postMessage').filter((c) => String(c.args.channel).startsWith('D0'));
      expect(dms.length).toBeGreaterThanOrEqual(3); // two seniors, then the manager
      expect(dms.map((c) => String(c.args.text)).join('\n')).toContain(escaped(hostile('cfg-level-2')));
    },
  );

  it(
    'version names through a real rollback on the Kubernetes stand-in: the stakeholder notice, the steps, the fix as ' +
      'a canary',
    async () => {
      const FIX = `v2.0.1 ${hostile('cfg-fix')}`;
      const BAD = `v2.0.0 ${hostile('cfg-bad')}`;
      const objects = (version: string, slug: string) => ({
        version,
        subset: slug,
        deployment: `prompt-service-${slug}`,
        backend: `prompt-service-${slug}`,
      });
      const { w, submit, audit } = await open({
        // The cluster's pods carry plain version labels (a label value cannot hold `<`); the router
        // finds the configured names through the subsets.
        kube: { versions: ['v2.0.1', 'v2.0.0', 'v1.5.0', 'v1.0.0'], split: { 'v2.0.0': 100 } },
        config: (c) => {
          const versions = c.services['prompt-service'].versions as Array<Record<string, string>>;
          versions[0] = { ...versions[0], version: BAD };
          versions.unshift({ ...objects(FIX, 'v2-0-1'), timeout: '3000ms' });
          c.triggers.autoRollback = 'off';
        },
      });
      await w.postAlert('generic', {
        service: 'prompt-service',
        severity: 'warning',
        summary: hostile('kube-title'),
        labels: { version: BAD },
      });
      const incident = w.rewind.store.incidents.findOpenByService('prompt-service')!;
      await w.act({
        user: LEAD,
        actionId: ACTION.immediate,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slackTs ?? '',
      });
      await submit(
        VIEW.confirmRollback,
        (w.slack.callsTo('views.open').at(-1)?.args.view as { private_metadata: string }).private_metadata,
      );
      await w.runUntil(() => w.rewind.store.incidents.get(incident.id)?.status === 'resolved', { maxMs: 20 * MIN });
      await w.settle();
      const stakeholders = w.slack.calls
        .filter((c) => c.args.channel === 'C0STAKEHOLDERS')
        .map((c) => String(c.args.text));
      expect(stakeholders.length).toBeGreaterThanOrEqual(2); // posted, then updated on resolution
      // The notice is in plain words for readers outside the team: neither the summary nor the versions reach it.
      expect(
        stakeholders.every(
          (t) => t.includes(`*${incident.id}*`) && !t.includes('kube-title') && !t.includes('cfg-bad'),
        ),
      ).toBe(true);

      await w.act({
        user: LEAD,
        actionId: ACTION.canaryFix,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: '1767603600.000900',
        threadTs: incident.slackTs ?? '',
      });
      const modal = w.slack.callsTo('views.open').at(-1)?.args.view as {
        callback_id: string;
        private_metadata: string;
      };
      expect(modal.callback_id).toBe(VIEW.canaryFix);
      await submit(VIEW.canaryFix, modal.private_metadata, { [BLOCK.canaryVersion]: { version: selectState(FIX) } });
      // The first step moved traffic: its note names the fix's version with the split.
      await w.runUntil(
        () => w.slack.callsTo('chat.postMessage').some((c) => String(c.args.text).includes('*canary 1%*')),
        { stepMs: 10_000, maxMs: 10 * MIN },
      );
      const all = audit();
      expect(String(w.slack.callsTo('chat.postEphemeral').at(-1)?.args.text)).toContain(
        `Cautious canary of *prompt-service* \`${escaped(FIX)}\``,
      );
      for (const tag of ['cfg-fix', 'cfg-bad', 'kube-title']) expect(all).toContain(escaped(hostile(tag)));
    },
  );

  it('drill scenario titles: /drill history, report, dry run, schedule, run with scorecard, announcement', async () => {
    const { w, command, audit } = await open({
      config: (c) => {
        c.drills.injector = { kind: 'simulated' };
        for (const s of c.drills.scenarios as Array<{ name: string; title: string }>)
          s.title = hostile(`title-${s.name}`);
      },
    });
    expect(await command(COMMAND.drill, 'history')).toContain(escaped(hostile('title-high-error-rate')));
    expect(await command(COMMAND.drill, 'report DRILL-20260401-001')).toContain(
      escaped(hostile('title-high-error-rate')),
    );
    await command(COMMAND.drill, 'schedule');
    await command(COMMAND.drill, 'run partial-outage --dry-run');
    await command(COMMAND.drill, 'run latency-spike');
    await w.homeOpened(LEAD);
    const drill = w.rewind.store.drills.withStatus('running')[0];
    expect(drill).toBeDefined();
    await w.runUntil(() => w.rewind.store.drills.get(drill?.id ?? '')?.status !== 'running', {
      stepMs: 30_000,
      maxMs: 45 * MIN,
    });
    await w.runUntil(
      () =>
        w.slack
          .callsTo('chat.postMessage')
          .some((c) => c.args.channel === 'C0DRILLS' && actionIds(c).includes(drillRateActionId(1))),
      { stepMs: 30_000, maxMs: 10 * MIN },
    );
    // The quarterly drill's announcement, a week ahead.
    w.clock.jumpTo(Date.UTC(2026, 3, 1, 1, 0) - 7 * 24 * 60 * MIN);
    await w.runUntil(() => w.rewind.store.drills.get('DRILL-20260401-001')?.status === 'announced', { maxMs: 5 * MIN });
    await w.settle();

    const all = audit();
    for (const name of ['high-error-rate', 'latency-spike', 'partial-outage'])
      expect(all).toContain(escaped(hostile(`title-${name}`)));
    const drillPosts = w.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0DRILLS');
    expect(drillPosts.length).toBeGreaterThanOrEqual(3);
    // the announcement's notification text
    expect(drillPosts.some((c) => String(c.args.text).includes(escaped(hostile('title-high-error-rate'))))).toBe(true);
  });
});

describe('what the systems Rewind talks to answer', () => {
  it("a drill fault endpoint's answer, quoted in the drill channel and in the answer to /drill run", async () => {
    // The prompt service's fault endpoint refuses with a body of its own: outside text.
    const endpoint = createServer((req, res) =>
      req.resume().on('end', () => res.writeHead(400, { 'content-type': 'text/plain' }).end(hostile('endpoint'))),
    );
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/fault`;
      const { w, command, audit } = await open({ config: (c) => (c.drills.injector = { kind: 'http', url }) });
      await command(COMMAND.drill, 'run high-error-rate');
      await w.runUntil(() => w.rewind.store.drills.list().some((d) => d.status === 'failed'), { maxMs: 2 * MIN });
      await w.settle();
      const all = audit();
      expect(String(w.slack.responses.at(-1)?.body.text)).toContain(escaped(hostile('endpoint')));
      const drillChannel = w.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === 'C0DRILLS')
        .map((c) => String(c.args.text));
      expect(drillChannel.some((t) => t.includes('failed') && t.includes(escaped(hostile('endpoint'))))).toBe(true);
      expect(all).toContain(escaped(hostile('endpoint')));
    } finally {
      await new Promise((resolve) => endpoint.close(resolve));
    }
  });
});
