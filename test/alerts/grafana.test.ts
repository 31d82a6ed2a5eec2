import { describe, expect, it } from 'vitest';
import { normaliseGrafana } from '../../src/adapters/alerts/grafana.ts';
import type { IncomingAlert } from '../../src/services/ports.ts';
import { fixture } from './fixtures.ts';

const RECEIVED = Date.UTC(2026, 0, 5, 9, 0, 0);

function alertsOf(body: unknown): IncomingAlert[] {
  const result = normaliseGrafana(body, RECEIVED);
  if (!result.ok) throw new Error(`expected the payload to be accepted, got: ${result.error}`);
  return result.alerts;
}

function errorOf(body: unknown): string {
  const result = normaliseGrafana(body, RECEIVED);
  if (result.ok) throw new Error('expected the payload to be refused');
  return result.error;
}

describe('Grafana unified alerting webhook', () => {
  it('normalises a notification with a firing and a resolved alert, field by field', () => {
    expect(alertsOf(fixture('grafana-v1'))).toEqual<IncomingAlert[]>([
      {
        source: 'grafana',
        fingerprint: 'c6eadffa33fcdf37',
        status: 'firing',
        // No service label: the app label names it.
        service: 'prompt-service',
        version: 'v2.0.0',
        // "WATCH" in capitals is still the watch tier.
        severity: 'watch',
        summary: 'p95 latency 2.4s on prompt-service v2.0.0',
        // Grafana's alertname is the rule's title.
        name: 'Prompt p95 latency',
        // Grafana's own silence page; its empty dashboardURL and panelURL are no links.
        links: {
          runbook: 'https://wiki.example.com/runbooks/rollback',
          graph: 'https://grafana.example.com/alerting/grafana/be4a2c1d/view?orgId=1',
          silence:
            'https://grafana.example.com/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DPrompt+p95+latency&orgId=1',
        },
        labels: {
          alertname: 'Prompt p95 latency',
          app: 'prompt-service',
          grafana_folder: 'LLM',
          severity: 'WATCH',
          version: 'v2.0.0',
        },
        annotations: {
          description: 'p95 latency of prompt-service above 2s for 5m',
          runbook_url: 'https://wiki.example.com/runbooks/rollback',
          summary: 'p95 latency 2.4s on prompt-service v2.0.0',
        },
        // 10:51:03.157076 at +02:00.
        startsAt: Date.UTC(2026, 0, 5, 8, 51, 3, 157),
        endsAt: null,
      },
      {
        source: 'grafana',
        fingerprint: 'bc97ff14869b13e3',
        status: 'resolved',
        // Neither service nor app: the job label names it.
        service: 'prompt-eval',
        version: null,
        // "sev2" is not a tier: warning.
        severity: 'warning',
        // No summary annotation: the notification's title stands in, before description and alertname.
        summary: '[FIRING:1, RESOLVED:1] LLM',
        name: 'Prompt hallucination rate',
        links: {
          runbook: 'https://wiki.example.com/runbooks/rollback',
          graph: 'https://grafana.example.com/alerting/grafana/a71f09e2/view?orgId=1',
          silence:
            'https://grafana.example.com/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DPrompt+hallucination+rate&orgId=1',
        },
        labels: { alertname: 'Prompt hallucination rate', grafana_folder: 'LLM', job: 'prompt-eval', severity: 'sev2' },
        annotations: { runbook_url: 'https://wiki.example.com/runbooks/rollback' },
        startsAt: Date.UTC(2026, 0, 5, 8, 40, 0),
        endsAt: Date.UTC(2026, 0, 5, 8, 55, 30, 500),
      },
    ]);
  });

  it("links the alert's dashboard and panel, a dashboard_url annotation first, and only http(s) URLs", () => {
    const body = fixture('grafana-v1');
    const first = body.alerts[0]!;
    first.dashboardURL = 'https://grafana.example.com/d/prompt?orgId=1';
    first.panelURL = 'https://grafana.example.com/d/prompt?orgId=1&viewPanel=4';
    first.silenceURL = 'javascript:alert(1)';
    first.generatorURL = 'grafana.example.com/alerting/no-scheme';
    expect(alertsOf(body)[0]?.links).toEqual({
      runbook: 'https://wiki.example.com/runbooks/rollback',
      dashboard: 'https://grafana.example.com/d/prompt?orgId=1',
      panel: 'https://grafana.example.com/d/prompt?orgId=1&viewPanel=4',
    });
    first.annotations.dashboard_url = 'https://grafana.example.com/d/overview';
    expect(alertsOf(body)[0]?.links?.dashboard).toBe('https://grafana.example.com/d/overview');
  });

  it('without a title, an alert without a summary falls back to its description, then its alertname', () => {
    const body = fixture('grafana-v1');
    delete body.title;
    const second = body.alerts[1]!;
    expect(alertsOf(body)[1]!.summary).toBe('Prompt hallucination rate');
    second.annotations.description = 'hallucination rate above 3%';
    expect(alertsOf(body)[1]!.summary).toBe('hallucination rate above 3%');
  });

  it('computes a fingerprint from the labels when Grafana sends none, whatever their order', () => {
    const one = fixture('grafana-v1');
    const other = fixture('grafana-v1');
    delete one.alerts[0]!.fingerprint;
    const reordered = other.alerts[0]!;
    delete reordered.fingerprint;
    reordered.labels = Object.fromEntries(Object.entries(reordered.labels).reverse());
    expect(alertsOf(one)[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(alertsOf(other)[0]!.fingerprint).toBe(alertsOf(one)[0]!.fingerprint);
  });

  it('refuses other versions, legacy dashboard alerting bodies and a title that is not a string', () => {
    const body = fixture('grafana-v1');
    body.version = '4';
    expect(errorOf(body)).toBe('version must be "1" (Grafana unified alerting webhook), got the string "4"');
    expect(
      errorOf({
        ruleName: 'High CPU',
        state: 'alerting',
        evalMatches: [{ value: 100, metric: 'cpu', tags: null }],
        title: '[Alerting] High CPU',
      }),
    ).toBe(
      'version is missing: this endpoint takes Grafana unified alerting webhook payloads of version "1" (legacy ' +
        'dashboard alerting payloads are not supported)',
    );
    const titled = fixture('grafana-v1');
    titled.title = ['x'];
    expect(errorOf(titled)).toBe('title must be a string, got an array');
  });

  it('names the field of a malformed alert', () => {
    const body = fixture('grafana-v1');
    body.alerts[1]!.labels.severity = null;
    expect(errorOf(body)).toBe('alerts[1].labels must be an object of strings (alerts[1].labels.severity is null)');
    const timed = fixture('grafana-v1');
    timed.alerts[0]!.endsAt = '2026-01-05T25:00:00Z';
    expect(errorOf(timed)).toBe(
      'alerts[0].endsAt must be an RFC 3339 time such as 2026-01-05T09:00:00Z, got "2026-01-05T25:00:00Z"',
    );
  });
});
