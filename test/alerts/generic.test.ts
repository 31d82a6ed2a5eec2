import { describe, expect, it } from 'vitest';
import { normaliseGeneric } from '../../src/adapters/alerts/generic.ts';
import type { IncomingAlert } from '../../src/services/ports.ts';

const RECEIVED = Date.UTC(2026, 0, 5, 9, 0, 0);

function alertOf(body: unknown): IncomingAlert {
  const result = normaliseGeneric(body, RECEIVED);
  if (!result.ok) throw new Error(`expected the payload to be accepted, got: ${result.error}`);
  expect(result.alerts).toHaveLength(1);
  return result.alerts[0]!;
}

function errorOf(body: unknown): string {
  const result = normaliseGeneric(body, RECEIVED);
  if (result.ok) throw new Error('expected the payload to be refused');
  return result.error;
}

describe('generic webhook', () => {
  it('normalises the smallest body: firing, received now, fingerprint computed', () => {
    const { fingerprint, ...alert } = alertOf({
      service: 'prompt-service',
      severity: 'critical',
      summary: 'synthetic check: 5 of 5 prompts failed',
    });
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(alert).toEqual<Omit<IncomingAlert, 'fingerprint'>>({
      source: 'generic',
      status: 'firing',
      service: 'prompt-service',
      version: null,
      severity: 'critical',
      summary: 'synthetic check: 5 of 5 prompts failed',
      name: null,
      links: {},
      labels: {},
      annotations: {},
      startsAt: RECEIVED,
      endsAt: null,
    });
  });

  it('normalises a full body: labels, version label, start time, resolved status and own fingerprint', () => {
    expect(
      alertOf({
        service: 'prompt-service',
        severity: 'Watch',
        summary: 'complaints about answers in Japanese',
        labels: { version: 'v2.0.0', source: 'support-desk' },
        startsAt: '2026-01-05T08:30:00+09:00',
        status: 'resolved',
        fingerprint: 'support-desk-4711',
      }),
    ).toEqual<IncomingAlert>({
      source: 'generic',
      fingerprint: 'support-desk-4711',
      status: 'resolved',
      service: 'prompt-service',
      version: 'v2.0.0',
      severity: 'watch',
      summary: 'complaints about answers in Japanese',
      name: null,
      links: {},
      labels: { version: 'v2.0.0', source: 'support-desk' },
      annotations: {},
      startsAt: Date.UTC(2026, 0, 4, 23, 30, 0),
      // Resolved by this very request.
      endsAt: RECEIVED,
    });
  });

  it('takes its name from `name`, else `labels.alertname`, and links only the http(s) URLs it carries', () => {
    const alert = alertOf({
      service: 'prompt-service',
      severity: 'warning',
      summary: 'synthetic check: 2 of 5 prompts failed',
      name: ' SyntheticPromptCheck ',
      labels: { alertname: 'ignored when name is given' },
      annotations: {
        runbook_url: 'https://wiki.example.com/runbooks/synthetic',
        dashboard_url: 'javascript:alert(1)',
        owner: 'sre',
      },
      generatorURL: 'https://checks.example.com/prompt-service?run=42',
    });
    expect([alert.name, alert.links, alert.annotations]).toEqual([
      'SyntheticPromptCheck',
      {
        runbook: 'https://wiki.example.com/runbooks/synthetic',
        graph: 'https://checks.example.com/prompt-service?run=42',
      },
      {
        runbook_url: 'https://wiki.example.com/runbooks/synthetic',
        dashboard_url: 'javascript:alert(1)',
        owner: 'sre',
      },
    ]);
    expect(alertOf({ service: 's', severity: 'warning', summary: 'x', labels: { alertname: 'DiskFull' } }).name).toBe(
      'DiskFull',
    );
    expect(alertOf({ service: 's', severity: 'warning', summary: 'x', name: '  ' }).name).toBeNull();
    // Not an http(s) URL: accepted, never linked.
    expect(alertOf({ service: 's', severity: 'warning', summary: 'x', generatorURL: 'not a url' }).links).toEqual({});
  });

  it('maps a severity that is not a tier to warning', () => {
    expect(alertOf({ service: 's', severity: 'P1', summary: 'x' }).severity).toBe('warning');
    expect(alertOf({ service: 's', severity: '', summary: 'x' }).severity).toBe('warning');
  });

  it('fingerprint: service + sorted labels + summary, so a repeat in any label order is the same alert', () => {
    const fp = (body: object) => alertOf(body).fingerprint;
    const base = fp({ service: 's', severity: 'warning', summary: 'disk full', labels: { a: '1', b: '2' } });
    expect(
      fp({ service: 's', severity: 'critical', summary: 'disk full', labels: { b: '2', a: '1' }, status: 'resolved' }),
    ).toBe(base);
    expect(fp({ service: 't', severity: 'warning', summary: 'disk full', labels: { a: '1', b: '2' } })).not.toBe(base);
    expect(fp({ service: 's', severity: 'warning', summary: 'disk fuller', labels: { a: '1', b: '2' } })).not.toBe(
      base,
    );
    expect(fp({ service: 's', severity: 'warning', summary: 'disk full', labels: { a: '1' } })).not.toBe(base);
  });

  it.each<[string, unknown, string]>([
    ['not an object', [{ service: 's' }], 'body must be an object, got an array'],
    ['no service', { severity: 'critical', summary: 'x' }, 'service is missing: expected a string'],
    ['empty service', { service: ' ', severity: 'critical', summary: 'x' }, 'service must not be empty'],
    ['no severity', { service: 's', summary: 'x' }, 'severity is missing: expected a string'],
    ['numeric severity', { service: 's', severity: 1, summary: 'x' }, 'severity must be a string, got the number 1'],
    ['no summary', { service: 's', severity: 'critical' }, 'summary is missing: expected a string'],
    [
      'labels of numbers',
      { service: 's', severity: 'critical', summary: 'x', labels: { n: 1 } },
      'labels must be an object of strings (labels.n is the number 1)',
    ],
    [
      'bad status',
      { service: 's', severity: 'critical', summary: 'x', status: 'ok' },
      'status must be "firing" or "resolved", got the string "ok"',
    ],
    [
      'bad startsAt',
      { service: 's', severity: 'critical', summary: 'x', startsAt: 1767603600 },
      'startsAt must be a string, got the number 1767603600',
    ],
    [
      'non-RFC 3339 startsAt',
      { service: 's', severity: 'critical', summary: 'x', startsAt: '2026-01-05 09:00' },
      'startsAt must be an RFC 3339 time such as 2026-01-05T09:00:00Z, got "2026-01-05 09:00"',
    ],
    [
      'empty fingerprint',
      { service: 's', severity: 'critical', summary: 'x', fingerprint: '' },
      'fingerprint must not be empty',
    ],
    [
      'a numeric name',
      { service: 's', severity: 'critical', summary: 'x', name: 7 },
      'name must be a string, got the number 7',
    ],
    [
      'annotations of numbers',
      { service: 's', severity: 'critical', summary: 'x', annotations: { n: 1 } },
      'annotations must be an object of strings (annotations.n is the number 1)',
    ],
    [
      'a generatorURL object',
      { service: 's', severity: 'critical', summary: 'x', generatorURL: {} },
      'generatorURL must be a string, got an object',
    ],
    [
      'a misspelt field',
      { service: 's', severity: 'critical', summary: 'x', startAt: '2026-01-05T09:00:00Z', lables: {} },
      'unknown fields "startAt", "lables" (allowed: service, severity, summary, name, labels, annotations, ' +
        'generatorURL, startsAt, status, fingerprint)',
    ],
  ])('refuses a body with %s, naming the field', (_name, body, error) => {
    expect(errorOf(body)).toBe(error);
  });
});
