/**
 * Alert notes as an SRE reads them in the incident's thread, through the real webhooks: which rule
 * fired (the alert's own name) and what it says, then the links it carries — runbook, source
 * graph, dashboard, panel, silence — in English and Japanese. A link that is not http(s) is never
 * linked; `|` and `>` in a URL cannot break out of it; a burst is one message within Slack's limits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SLACK_LIMITS } from '../../../src/adapters/slack/blocks/limits.ts';
import { allSlackLimitViolations } from '../../support/slack-limits.ts';
import { startWorld, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

type Block = { type: string; text?: { text: string }; elements?: Array<{ type: string; text: string }> };

/** The thread replies of the open incident that are alert notes, as [fallback text, blocks]. */
function alertNotes(w: World): Array<{ text: string; blocks: Block[] }> {
  const [incident] = w.rewind.store.incidents.listOpen();
  return w.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts !== undefined && c.args.thread_ts === incident?.slackTs)
    .map((c) => ({ text: String(c.args.text), blocks: c.args.blocks as Block[] }))
    .filter((n) => /alert|アラート/.test(n.text) && !n.text.includes('Every alert'));
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const links = (...texts: string[]) => ({ type: 'context', elements: texts.map((text) => ({ type: 'mrkdwn', text })) });

const AM_SILENCE =
  'http://alertmanager.monitoring:9093/#/silences/new?filter=%7Balertname%3D%22PromptErrorRate%22%2Cservice%3D%22prompt-service%22%2Cseverity%3D%22warning%22%2Cversion%3D%22v2.0.0%22%7D';

function alertmanagerBody(
  overrides: { annotations?: Record<string, string>; generatorURL?: string; externalURL?: string } = {},
) {
  return {
    version: '4',
    status: 'firing',
    receiver: 'rewind',
    groupKey: '{}:{alertname="PromptErrorRate"}',
    truncatedAlerts: 0,
    groupLabels: { alertname: 'PromptErrorRate' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: overrides.externalURL ?? 'http://alertmanager.monitoring:9093',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'PromptErrorRate', service: 'prompt-service', version: 'v2.0.0', severity: 'warning' },
        annotations: overrides.annotations ?? {
          summary: 'error rate 7.2% > 5% on v2.0.0',
          runbook_url: 'https://wiki.example.com/runbooks/rollback',
        },
        startsAt: '2026-01-05T08:58:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL:
          overrides.generatorURL ??
          'http://prometheus:9090/graph?g0.expr=rate%28prompt_errors_total%5B5m%5D%29&g0.tab=1',
        fingerprint: 'am-error-rate',
      },
    ],
  };
}

describe('alert notes', () => {
  it("Alertmanager: the rule's name and summary, then runbook, source graph, silence under externalURL", async () => {
    world = await startWorld();
    expect((await world.postAlert('alertmanager', alertmanagerBody())).status).toBe(202);
    const [note, ...more] = alertNotes(world);
    expect(more).toEqual([]);
    expect(note?.text).toBe('🚨 alertmanager alert (Warning): *PromptErrorRate* — error rate 7.2% &gt; 5% on v2.0.0');
    expect(note?.blocks).toEqual([
      section('🚨 alertmanager alert (Warning): *PromptErrorRate* — error rate 7.2% &gt; 5% on v2.0.0'),
      links(
        '📖 <https://wiki.example.com/runbooks/rollback|Runbook>',
        '📈 <http://prometheus:9090/graph?g0.expr=rate%28prompt_errors_total%5B5m%5D%29&g0.tab=1|Source graph>',
        `🔕 <${AM_SILENCE}|Silence this alert>`,
      ),
    ]);
    // Stored with the alert, for the record.
    expect(world.rewind.store.alerts.get('alertmanager', 'am-error-rate')).toMatchObject({
      name: 'PromptErrorRate',
      links: { runbook: 'https://wiki.example.com/runbooks/rollback', silence: AM_SILENCE },
    });
  });

  it(
    'Alertmanager in Japanese; a javascript: dashboard and a malformed graph are not linked, `|` and `>` stay inside ' +
      'the URL',
    async () => {
      world = await startWorld({ config: (c) => (c.locale = 'ja') });
      const body = alertmanagerBody({
        annotations: {
          summary: 'エラー率 7.2%',
          runbook_url: 'https://wiki.example.com/runbooks/a|b>c',
          dashboard_url: 'javascript:alert(document.cookie)',
        },
        generatorURL: 'http://[prometheus:9090/graph',
      });
      expect((await world.postAlert('alertmanager', body)).status).toBe(202);
      const [note] = alertNotes(world);
      expect(note?.blocks).toEqual([
        section('🚨 alertmanager のアラート（警告）: *PromptErrorRate* — エラー率 7.2%'),
        links(
          '📖 <https://wiki.example.com/runbooks/a%7Cb%3Ec|ランブック>',
          `🔕 <${AM_SILENCE}|このアラートをサイレンス>`,
        ),
      ]);
      const sent = JSON.stringify(world.slack.calls);
      expect(sent).not.toContain('javascript');
      expect(sent).not.toContain('[prometheus');
    },
  );

  it(
    "Grafana: the rule's title as its name, its dashboard, panel and Grafana's own silence page (English and " +
      'Japanese)',
    async () => {
      const grafanaBody = {
        version: '1',
        status: 'firing',
        orgId: 1,
        receiver: 'rewind',
        title: '[FIRING:1] LLM',
        externalURL: 'https://grafana.example.com/',
        alerts: [
          {
            status: 'firing',
            labels: {
              alertname: 'Prompt p95 latency',
              app: 'prompt-service',
              grafana_folder: 'LLM',
              severity: 'warning',
              version: 'v2.0.0',
            },
            annotations: { summary: 'p95 latency 3.4s' },
            startsAt: '2026-01-05T08:58:00Z',
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'https://grafana.example.com/alerting/grafana/be4a2c1d/view?orgId=1',
            fingerprint: 'c6eadffa33fcdf37',
            silenceURL:
              'https://grafana.example.com/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DPrompt+p95+latency&orgId=1',
            dashboardURL: 'https://grafana.example.com/d/prompt?orgId=1',
            panelURL: 'https://grafana.example.com/d/prompt?orgId=1&viewPanel=4',
          },
        ],
      };
      const expected = {
        en: [
          section('🚨 grafana alert (Warning): *Prompt p95 latency* — p95 latency 3.4s'),
          links(
            '📈 <https://grafana.example.com/alerting/grafana/be4a2c1d/view?orgId=1|Source graph>',
            '📊 <https://grafana.example.com/d/prompt?orgId=1|Dashboard>',
            '🔲 <https://grafana.example.com/d/prompt?orgId=1&viewPanel=4|Panel>',
            '🔕 <https://grafana.example.com/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DPrompt+p95+latency&orgId=1|Silence this alert>',
          ),
        ],
        ja: [
          section('🚨 grafana のアラート（警告）: *Prompt p95 latency* — p95 latency 3.4s'),
          links(
            '📈 <https://grafana.example.com/alerting/grafana/be4a2c1d/view?orgId=1|元のグラフ>',
            '📊 <https://grafana.example.com/d/prompt?orgId=1|ダッシュボード>',
            '🔲 <https://grafana.example.com/d/prompt?orgId=1&viewPanel=4|パネル>',
            '🔕 <https://grafana.example.com/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DPrompt+p95+latency&orgId=1|このアラートをサイレンス>',
          ),
        ],
      };
      for (const locale of ['en', 'ja'] as const) {
        world = await startWorld({ config: (c) => (c.locale = locale) });
        expect((await world.postAlert('grafana', grafanaBody)).status).toBe(202);
        expect(alertNotes(world).map((n) => n.blocks)).toEqual([expected[locale]]);
        await world.stop();
      }
    },
  );

  it(
    'generic: its `name` with the summary and its runbook; a resolution offers no silence and repeats the links that ' +
      'still matter',
    async () => {
      world = await startWorld();
      const body = {
        service: 'prompt-service',
        severity: 'warning',
        summary: 'synthetic check: 2 of 5 prompts failed',
        name: 'SyntheticPromptCheck',
        annotations: {
          runbook_url: 'https://wiki.example.com/runbooks/synthetic',
          dashboard_url: 'data:text/html,<script>alert(1)</script>',
        },
        generatorURL: 'not a url',
        fingerprint: 'synthetic-1',
      };
      expect((await world.postAlert('generic', body)).status).toBe(202);
      expect((await world.postAlert('generic', { ...body, status: 'resolved' })).status).toBe(202);
      expect(alertNotes(world).map((n) => n.blocks)).toEqual([
        [
          section('🚨 generic alert (Warning): *SyntheticPromptCheck* — synthetic check: 2 of 5 prompts failed'),
          links('📖 <https://wiki.example.com/runbooks/synthetic|Runbook>'),
        ],
        [
          section('✅ generic alert resolved: *SyntheticPromptCheck* — synthetic check: 2 of 5 prompts failed'),
          links('📖 <https://wiki.example.com/runbooks/synthetic|Runbook>'),
        ],
      ]);
      expect(JSON.stringify(world.slack.calls)).not.toContain('data:text');
    },
  );

  it('an alert without a summary of its own shows its name once, and one without links has no link line', async () => {
    world = await startWorld();
    await world.postAlert('alertmanager', alertmanagerBody({ annotations: {}, generatorURL: '', externalURL: '' }));
    expect(alertNotes(world).map((n) => n.blocks)).toEqual([
      [section('🚨 alertmanager alert (Warning): *PromptErrorRate*')],
    ]);
  });

  it('a burst of twelve is one message: ten listed with links, two counted, every block within limits', async () => {
    world = await startWorld();
    const alert = (i: number) => ({
      status: 'firing',
      labels: {
        alertname: `PromptRule${i}`,
        service: 'prompt-service',
        severity: 'warning',
        pod: `prompt-${i}-${'p'.repeat(1_500)}`,
      },
      annotations: {
        summary: `${'<&>'.repeat(300)} ${i}`,
        runbook_url: `https://wiki.example.com/runbooks/${i}?${'q'.repeat(1_000)}`,
      },
      startsAt: '2026-01-05T08:58:00Z',
      generatorURL: `http://prometheus:9090/graph?g0.expr=${'x'.repeat(1_200)}`,
      fingerprint: `burst-${i}`,
    });
    const body = { ...alertmanagerBody(), alerts: Array.from({ length: 12 }, (_, i) => alert(i + 1)) };
    expect((await world.postAlert('alertmanager', body)).status).toBe(202);
    const notes = alertNotes(world);
    expect(notes).toHaveLength(1);
    const blocks = notes[0]?.blocks ?? [];
    expect(blocks[0]).toEqual(section('🚨 12 alert updates (12 firing, 0 resolved):'));
    expect(blocks.at(-1)).toEqual(section('…and 2 more (`/incident timeline` lists them all)'));
    const listed = blocks.filter((b) => b.type === 'section').slice(1, -1);
    expect(listed.map((b) => b.text?.text.match(/\*(PromptRule\d+)\*/)?.[1])).toEqual(
      Array.from({ length: 10 }, (_, i) => `PromptRule${i + 1}`),
    );
    // The summary is cut to 500 characters before escaping, so `<&>` never leaves a half entity.
    expect(listed[0]?.text?.text).toBe(
      `• 🚨 alertmanager alert (Warning): *PromptRule1* — ${'&lt;&amp;&gt;'.repeat(166)}&lt;…`,
    );
    // Each listed alert keeps its runbook and graph whole; its silence is too long to link and left out.
    const contexts = blocks.filter((b) => b.type === 'context');
    expect(contexts).toHaveLength(10);
    expect(contexts[0]?.elements?.map((e) => e.text)).toEqual([
      `📖 <https://wiki.example.com/runbooks/1?${'q'.repeat(1_000)}|Runbook>`,
      `📈 <http://prometheus:9090/graph?g0.expr=${'x'.repeat(1_200)}|Source graph>`,
    ]);
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(allSlackLimitViolations(world.slack.calls)).toEqual([]);
  });
});
