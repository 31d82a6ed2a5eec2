import { describe, expect, it } from 'vitest';
import { normaliseAlertmanager } from '../../src/adapters/alerts/alertmanager.ts';
import type { IncomingAlert } from '../../src/services/ports.ts';
import { fixture, type Json, type WireBody } from './fixtures.ts';

const RECEIVED = Date.UTC(2026, 10, 28, 16, 24, 32);

function alertsOf(body: unknown): IncomingAlert[] {
  const result = normaliseAlertmanager(body, RECEIVED);
  if (!result.ok) throw new Error(`expected the payload to be accepted, got: ${result.error}`);
  return result.alerts;
}

function errorOf(body: unknown): string {
  const result = normaliseAlertmanager(body, RECEIVED);
  if (result.ok) throw new Error('expected the payload to be refused');
  return result.error;
}

describe('Alertmanager webhook v4', () => {
  it('normalises a real two-alert notification, one firing and one resolved, field by field', () => {
    expect(alertsOf(fixture('alertmanager-v4'))).toEqual<IncomingAlert[]>([
      {
        source: 'alertmanager',
        fingerprint: 'd34d9c3a2971cc3f',
        status: 'firing',
        service: 'prompt-service',
        version: 'v2.0.0',
        severity: 'critical',
        summary: 'error rate 12% on prompt-service v2.0.0',
        name: 'PromptErrorRateHigh',
        links: {
          graph: 'http://prometheus:9090/graph?g0.expr=x',
          // externalURL, then matchers for every label of the alert.
          silence:
            'http://alertmanager.monitoring:9093/#/silences/new?filter=%7Balertname%3D%22PromptErrorRateHigh%22%2Cnamespace%3D%22prompts%22%2Cservice%3D%22prompt-service%22%2Cseverity%3D%22critical%22%2Cversion%3D%22v2.0.0%22%7D',
        },
        labels: {
          alertname: 'PromptErrorRateHigh',
          namespace: 'prompts',
          service: 'prompt-service',
          severity: 'critical',
          version: 'v2.0.0',
        },
        annotations: { description: '5m error rate above 10%', summary: 'error rate 12% on prompt-service v2.0.0' },
        startsAt: Date.UTC(2026, 10, 28, 16, 24, 26),
        endsAt: null,
      },
      {
        source: 'alertmanager',
        fingerprint: '3b98a0a7902bb556',
        status: 'resolved',
        service: 'prompt-service',
        version: 'v2.0.0',
        severity: 'warning',
        // No summary annotation: the description stands in.
        summary: 'p95 latency above 2s',
        name: 'PromptLatencyHigh',
        // An empty generatorURL is no link.
        links: {
          silence:
            'http://alertmanager.monitoring:9093/#/silences/new?filter=%7Balertname%3D%22PromptLatencyHigh%22%2Cnamespace%3D%22prompts%22%2Cservice%3D%22prompt-service%22%2Cseverity%3D%22warning%22%2Cversion%3D%22v2.0.0%22%7D',
        },
        labels: {
          alertname: 'PromptLatencyHigh',
          namespace: 'prompts',
          service: 'prompt-service',
          severity: 'warning',
          version: 'v2.0.0',
        },
        annotations: { description: 'p95 latency above 2s' },
        startsAt: Date.UTC(2026, 10, 28, 16, 24, 26),
        endsAt: Date.UTC(2026, 10, 28, 16, 24, 31),
      },
    ]);
  });

  it(
    'links runbook and dashboard annotations and the source graph when they are http(s) URLs, and no silence without ' +
      'an externalURL',
    () => {
      const body = fixture('alertmanager-v4');
      const first = body.alerts[0]!;
      first.annotations = {
        summary: 's',
        runbook_url: 'https://wiki.example.com/runbooks/error-rate',
        dashboard_url: 'javascript:alert(document.cookie)',
      };
      first.generatorURL = 'http://[broken';
      first.labels = { alertname: 'Quote"And\\Slash', service: 'prompt-service' };
      body.externalURL = 'https://am.example.com/alertmanager/?x=1#frag';
      expect(alertsOf(body)[0]?.links).toEqual({
        runbook: 'https://wiki.example.com/runbooks/error-rate',
        // Under the external URL's path; quotes and backslashes in label values escaped as matchers want.
        silence: `https://am.example.com/alertmanager/#/silences/new?filter=${encodeURIComponent('{alertname="Quote\\"And\\\\Slash",service="prompt-service"}')}`,
      });
      for (const externalURL of [undefined, '', 'ftp://am.example.com', 42]) {
        body.externalURL = externalURL;
        expect(alertsOf(body)[0]?.links).toEqual({ runbook: 'https://wiki.example.com/runbooks/error-rate' });
      }
    },
  );

  it('falls back to app, then job, for the service, and maps unknown severities to warning', () => {
    const body = fixture('alertmanager-v4');
    const [first, second] = body.alerts;
    first!.labels = { alertname: 'A', app: 'prompt-app', job: 'prompt-job', severity: 'Critical' };
    second!.labels = { alertname: 'B', job: 'prompt-job', severity: 'page' };
    const [a, b] = alertsOf(body);
    expect([a?.service, a?.version, a?.severity]).toEqual(['prompt-app', null, 'critical']);
    expect([b?.service, b?.version, b?.severity]).toEqual(['prompt-job', null, 'warning']);
    first!.labels = { alertname: 'C' };
    expect(alertsOf(body)[0]).toMatchObject({
      service: null,
      severity: 'warning',
      summary: 'error rate 12% on prompt-service v2.0.0',
    });
  });

  it('computes a fingerprint from the labels when the alert has none, whatever their order', () => {
    const one = fixture('alertmanager-v4');
    const other = fixture('alertmanager-v4');
    delete one.alerts[0]!.fingerprint;
    const reordered = other.alerts[0]!;
    reordered.fingerprint = '';
    reordered.labels = Object.fromEntries(Object.entries(reordered.labels).reverse());
    const a = alertsOf(one)[0]!.fingerprint;
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(a).not.toBe('d34d9c3a2971cc3f');
    expect(alertsOf(other)[0]!.fingerprint).toBe(a);
    // A label that differs is a different alert.
    other.alerts[0]!.labels.version = 'v1.5.0';
    expect(alertsOf(other)[0]!.fingerprint).not.toBe(a);
  });

  it('takes a missing annotations object as empty, and a zero startsAt as the time of receipt', () => {
    const body = fixture('alertmanager-v4');
    const first = body.alerts[0]!;
    delete (first as Json).annotations;
    first.startsAt = '0001-01-01T00:00:00Z';
    expect(alertsOf(body)[0]).toMatchObject({ annotations: {}, summary: 'PromptErrorRateHigh', startsAt: RECEIVED });
  });

  it('refuses other payload versions and bodies that are not objects', () => {
    const body = fixture('alertmanager-v4');
    body.version = '3';
    expect(errorOf(body)).toBe('version must be "4" (Alertmanager webhook), got the string "3"');
    body.version = 4;
    expect(errorOf(body)).toBe('version must be "4" (Alertmanager webhook), got the number 4');
    delete body.version;
    expect(errorOf(body)).toBe('version is missing: this endpoint takes Alertmanager webhook payloads of version "4"');
    expect(errorOf([])).toBe('body must be an object, got an array');
    expect(errorOf('hello')).toBe('body must be an object, got the string "hello"');
  });

  it.each<[string, (body: WireBody) => void, string]>([
    ['alerts missing', (b) => delete (b as Json).alerts, 'alerts is missing: expected an array of alerts'],
    ['alerts empty', (b) => (b.alerts = []), 'alerts must contain at least one alert'],
    [
      'alert not an object',
      (b) => ((b.alerts as unknown[])[1] = 'x'),
      'alerts[1] must be an object, got the string "x"',
    ],
    [
      'bad status',
      (b) => (b.alerts[1]!.status = 'pending'),
      'alerts[1].status must be "firing" or "resolved", got the string "pending"',
    ],
    [
      'labels missing',
      (b) => delete (b.alerts[0] as Json).labels,
      'alerts[0].labels is missing: expected an object of strings',
    ],
    [
      'a label not a string',
      (b) => (b.alerts[1]!.labels.replicas = 3),
      'alerts[1].labels must be an object of strings (alerts[1].labels.replicas is the number 3)',
    ],
    [
      'an annotation not a string',
      (b) => (b.alerts[0]!.annotations.details = { a: 1 }),
      'alerts[0].annotations must be an object of strings (alerts[0].annotations.details is an object)',
    ],
    [
      'bad startsAt',
      (b) => (b.alerts[1]!.startsAt = '28/11/2026 16:24'),
      'alerts[1].startsAt must be an RFC 3339 time such as 2026-01-05T09:00:00Z, got "28/11/2026 16:24"',
    ],
    ['bad endsAt', (b) => (b.alerts[0]!.endsAt = 0), 'alerts[0].endsAt must be a string, got the number 0'],
    [
      'fingerprint not a string',
      (b) => (b.alerts[0]!.fingerprint = 12),
      'alerts[0].fingerprint must be a string, got the number 12',
    ],
  ])('refuses a payload with %s, naming the field', (_name, spoil, error) => {
    const body = fixture('alertmanager-v4');
    spoil(body);
    expect(errorOf(body)).toBe(error);
  });
});
