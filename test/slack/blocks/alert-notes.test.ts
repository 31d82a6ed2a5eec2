import { describe, expect, it } from 'vitest';
import {
  alertBatchMessage,
  alertLine,
  alertNoteMessage,
  slackLink,
} from '../../../src/adapters/slack/blocks/alert-notes.ts';
import { SLACK_LIMITS } from '../../../src/adapters/slack/blocks/limits.ts';

/** Every `&` starts one of the three entities mrkdwn knows; a cut or doubled entity fails this. */
const WHOLE_ENTITIES = /^(?:[^&]|&(?:amp|lt|gt);)*$/s;

describe('slackLink', () => {
  it('links http(s) URLs with `|`, `<` and `>` percent-encoded and the label escaped', () => {
    expect(slackLink('https://wiki.example.com/a|b>c?q=<x>', 'Run & book')).toBe(
      '<https://wiki.example.com/a%7Cb%3Ec?q=%3Cx%3E|Run &amp; book>',
    );
    expect(slackLink('http://prometheus:9090/graph?g0.expr=up&g0.tab=1', 'Source graph')).toBe(
      '<http://prometheus:9090/graph?g0.expr=up&g0.tab=1|Source graph>',
    );
  });

  it('links nothing else', () => {
    for (const url of [
      'javascript:alert(1)',
      'data:text/html,x',
      '//evil.example.com',
      'http://[x',
      'https://exa mple.com',
    ])
      expect(slackLink(url, 'x'), url).toBeNull();
  });
});

describe('alertLine', () => {
  it('fits a section whatever the name and summary, without splitting an entity', () => {
    const line = alertLine(
      {
        source: 'generic',
        severity: 'critical',
        status: 'firing',
        name: '&'.repeat(1_000),
        summary: '&<'.repeat(10_000),
      },
      'en',
    );
    expect(line.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText - 2);
    expect(line).toMatch(WHOLE_ENTITIES);
    expect(line.startsWith(`🚨 generic alert (Critical): *${'&amp;'.repeat(199)}…* — &amp;&lt;`)).toBe(true);
    expect(line.endsWith('…')).toBe(true);
  });

  it('shows the summary alone without a name, and the name once when the summary is the name', () => {
    expect(
      alertLine(
        { source: 'alertmanager', severity: 'watch', status: 'firing', name: null, summary: 'p95 above 2s' },
        'en',
      ),
    ).toBe('🚨 alertmanager alert (Watch): p95 above 2s');
    expect(
      alertLine(
        {
          source: 'alertmanager',
          severity: 'watch',
          status: 'resolved',
          name: 'PromptLatency',
          summary: 'PromptLatency',
        },
        'ja',
      ),
    ).toBe('✅ alertmanager のアラートが解消しました: *PromptLatency*');
  });
});

describe('alert notes', () => {
  const links = {
    runbook: 'https://wiki.example.com/rb',
    silence: 'http://am:9093/#/silences/new?filter=%7Ba%3D%22b%22%7D',
    graph: 'javascript:alert(1)',
  };

  it('one alert: its line, then its http(s) links in a context line; no silence once resolved', () => {
    expect(
      alertNoteMessage(
        { source: 'alertmanager', severity: 'warning', status: 'firing', name: 'A', summary: 's', links },
        'en',
      ).blocks,
    ).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '🚨 alertmanager alert (Warning): *A* — s' } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: '📖 <https://wiki.example.com/rb|Runbook>' },
          { type: 'mrkdwn', text: '🔕 <http://am:9093/#/silences/new?filter=%7Ba%3D%22b%22%7D|Silence this alert>' },
        ],
      },
    ]);
    expect(
      alertNoteMessage(
        { source: 'alertmanager', severity: 'warning', status: 'resolved', name: 'A', summary: 's', links },
        'ja',
      ).blocks,
    ).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '✅ alertmanager のアラートが解消しました: *A* — s' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '📖 <https://wiki.example.com/rb|ランブック>' }] },
    ]);
  });

  it('a batch in Japanese: counted, listed with links, the rest summed up', () => {
    const alerts = [
      {
        source: 'grafana',
        severity: 'critical' as const,
        status: 'firing' as const,
        name: 'B',
        summary: 'b',
        links: { dashboard: 'https://grafana.example.com/d/x' },
      },
      { source: 'generic', severity: 'watch' as const, status: 'resolved' as const, name: null, summary: 'c' },
    ];
    const message = alertBatchMessage(alerts, 'ja', { firing: 3, resolved: 1 });
    expect(message.text).toBe(
      '🚨 アラートの更新 6 件（発火 4、解消 2）:\n• 🚨 grafana のアラート（重大）: *B* — b\n• ✅ generic のアラートが解消しました: c\n…ほか 4 件（すべては ' +
        '`/incident timeline` で確認できます）',
    );
    expect(message.blocks.map((b) => b.type)).toEqual(['section', 'section', 'context', 'section', 'section']);
  });
});
