/**
 * Alert webhook bodies for fuzzing `/alerts/alertmanager`, `/alerts/grafana` and `/alerts/generic`:
 * the captured Alertmanager and Grafana payloads of test/alerts/fixtures and the generic shape
 * Rewind accepts (docs/alerts.md), with their fields mutated, their JSON corrupted, the wrong content type, or a
 * body past the size limit. Each carries the verdict of its changes (mutations.ts): `refused` ones
 * must be answered 4xx and change nothing.
 *
 *   sampleAlertBodies({ seed: 7, count: 10_000 })
 *   sampleAlertBodies({ seed: 7, count: 10_000, sources: ['generic'], services: ['prompt-service'] })
 */
import fc from 'fast-check';
import { fixture } from '../../alerts/fixtures.ts';
import { junkString, mutate, rarely, type FieldSpec, type Json, type Mutated, type Verdict } from './mutations.ts';

export type AlertSource = 'alertmanager' | 'grafana' | 'generic';
export const ALERT_SOURCES: readonly AlertSource[] = ['alertmanager', 'grafana', 'generic'];

export interface AlertFuzzBody {
  source: AlertSource;
  /** `/alerts/<source>`. */
  path: string;
  describe: string;
  verdict: Verdict;
  contentType: string;
  body: string;
}

export interface AlertFuzzOptions {
  /** Service names the alerts may name besides the fixtures' own and unknown ones. */
  services?: readonly string[];
  /** The route's body limit (default 1 MiB), so one body in a while goes past it. */
  maxBodyBytes?: number;
}

const TIMES = [
  '2026-01-05T09:00:00Z',
  '2026-01-05T10:51:03.157076+02:00',
  '0001-01-01T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-01-05 09:00',
  'March 5',
  '',
  '2026-02-29T00:00:00Z',
];

function wireAlertFields(body: Json, extra: readonly FieldSpec[]): FieldSpec[] {
  const fields: FieldSpec[] = [
    { path: ['alerts'], kind: 'array', required: true },
    { path: ['receiver'], kind: 'text', required: false, ignored: true },
    { path: ['status'], kind: 'text', required: false, ignored: true },
    { path: ['groupLabels'], kind: 'object', required: false, ignored: true },
    { path: ['commonLabels'], kind: 'object', required: false, ignored: true },
    { path: ['externalURL'], kind: 'text', required: false, ignored: true },
    ...extra,
  ];
  const alerts = (body as { alerts?: Json[] }).alerts ?? [];
  alerts.forEach((alert, i) => {
    const at = ['alerts', i];
    fields.push(
      { path: at, kind: 'object', required: true },
      { path: [...at, 'status'], kind: 'literal', required: true, allowed: ['firing', 'resolved'] },
      { path: [...at, 'labels'], kind: 'object', required: true },
      { path: [...at, 'annotations'], kind: 'object', required: false },
      { path: [...at, 'startsAt'], kind: 'text', required: true },
      { path: [...at, 'endsAt'], kind: 'text', required: false, nullable: true },
      { path: [...at, 'fingerprint'], kind: 'text', required: false, nullable: true },
      { path: [...at, 'generatorURL'], kind: 'text', required: false, ignored: true },
      { path: [...at, 'values'], kind: 'object', required: false, ignored: true },
    );
    for (const map of ['labels', 'annotations'] as const) {
      const entries = (alert as Record<string, Json> | null)?.[map];
      if (entries && typeof entries === 'object' && !Array.isArray(entries)) {
        for (const key of Object.keys(entries)) fields.push({ path: [...at, map, key], kind: 'text', required: false });
      }
    }
  });
  return fields;
}

const GENERIC_FIELDS: readonly FieldSpec[] = [
  { path: ['service'], kind: 'text', required: true },
  { path: ['severity'], kind: 'text', required: true },
  { path: ['summary'], kind: 'text', required: true },
  { path: ['name'], kind: 'text', required: false },
  { path: ['labels'], kind: 'object', required: false },
  { path: ['annotations'], kind: 'object', required: false },
  { path: ['annotations', 'runbook_url'], kind: 'text', required: false },
  { path: ['generatorURL'], kind: 'text', required: false },
  { path: ['labels', 'version'], kind: 'text', required: false },
  { path: ['startsAt'], kind: 'text', required: false },
  { path: ['status'], kind: 'literal', required: false, allowed: ['firing', 'resolved'] },
  { path: ['fingerprint'], kind: 'text', required: false },
];

/** The fixture with its alerts' services, statuses, severities and times varied before mutation. */
function wireTemplate(name: 'alertmanager-v4' | 'grafana-v1', services: readonly string[]): fc.Arbitrary<Json> {
  const alert = fc.record({
    service: fc.constantFrom(...services),
    status: fc.constantFrom('firing', 'resolved'),
    severity: fc.constantFrom('critical', 'warning', 'watch', 'WATCH', 'sev2'),
    startsAt: fc.constantFrom(...TIMES.slice(0, 3)),
  });
  return fc.array(alert, { minLength: 1, maxLength: 3 }).map((variants) => {
    const body = fixture(name) as Record<string, Json>;
    const first = (body.alerts as Json[])[0] as Record<string, Json>;
    body.alerts = variants.map((v) => {
      const a = structuredClone(first) as Record<string, Json>;
      a.status = v.status;
      a.startsAt = v.startsAt;
      a.labels = { ...(a.labels as Record<string, Json>), service: v.service, severity: v.severity };
      delete (a.labels as Record<string, Json>).app;
      delete a.fingerprint;
      return a;
    });
    return body as Json;
  });
}

function genericTemplate(services: readonly string[]): fc.Arbitrary<Json> {
  return fc
    .record(
      {
        service: fc.constantFrom(...services),
        severity: fc.constantFrom('critical', 'warning', 'watch', 'Critical', 'page-me'),
        summary: fc.oneof(
          fc.constantFrom('error rate 12%', 'synthetic check failed'),
          junkString.filter((s) => s.trim() !== ''),
        ),
        name: fc.constantFrom('SyntheticPromptCheck', 'cron: nightly eval'),
        labels: fc.dictionary(fc.constantFrom('version', 'env', 'team'), fc.constantFrom('v2.0.0', 'prod', 'sre')),
        annotations: fc.record({
          runbook_url: fc.constantFrom('https://wiki.example.com/runbooks/rollback', 'javascript:alert(1)'),
        }),
        generatorURL: fc.constantFrom('https://checks.example.com/run/42', 'not a url'),
        startsAt: fc.constantFrom(...TIMES.slice(0, 3)),
        status: fc.constantFrom('firing', 'resolved'),
        fingerprint: fc.constantFrom('fp-1', 'fp-2'),
      },
      { requiredKeys: ['service', 'severity', 'summary'] },
    )
    .map((b) => b as unknown as Json);
}

type Change = {
  describe: string;
  verdict: Verdict;
  apply: (m: Mutated<Json>) => { body: string; contentType?: string };
};

/** Changes to the request as a whole: not JSON, not an object, empty, wrong type, too large. */
function requestChanges(maxBodyBytes: number): fc.Arbitrary<Change> {
  const json = (m: Mutated<Json>) => JSON.stringify(m.value);
  return fc.oneof(
    fc.double({ min: 0, max: 0.99, noNaN: true }).map((at): Change => ({
      describe: `JSON cut at ${Math.round(at * 100)}%`,
      verdict: 'refused',
      apply: (m) => ({ body: json(m).slice(0, Math.floor(json(m).length * at)) }),
    })),
    fc.constantFrom<Json>(null, [], 'alerts', 42, {}).map((v): Change => ({
      describe: `body is ${JSON.stringify(v)}`,
      verdict: 'refused',
      apply: () => ({ body: JSON.stringify(v) }),
    })),
    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/jsonx').map((t): Change => ({
      describe: `content-type ${t}`,
      verdict: 'refused',
      apply: (m) => ({ body: json(m), contentType: t }),
    })),
    fc.constant<Change>({
      describe: `body past the ${maxBodyBytes}-byte limit`,
      verdict: 'refused',
      apply: (m) => ({ body: JSON.stringify({ ...(m.value as object), pad: 'x'.repeat(maxBodyBytes) }) }),
    }),
    fc.constantFrom('alerts', 'extra').map((key): Change => ({
      describe: `a 100 kB string in ${key}`,
      verdict: 'any',
      apply: (m) => ({ body: JSON.stringify({ ...(m.value as object), [`${key}_note`]: 'y'.repeat(100_000) }) }),
    })),
  );
}

export function alertBodies(
  options: AlertFuzzOptions = {},
  sources: readonly AlertSource[] = ALERT_SOURCES,
): fc.Arbitrary<AlertFuzzBody> {
  const services = ['prompt-service', 'prompt-service-staging', 'no-such-service', ...(options.services ?? [])];
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const by: Record<AlertSource, fc.Arbitrary<Mutated<Json>>> = {
    alertmanager: mutate(
      wireTemplate('alertmanager-v4', services),
      (b) => wireAlertFields(b, [{ path: ['version'], kind: 'literal', required: true, allowed: ['4'] }]),
      { loneSurrogates: 'any' },
    ),
    grafana: mutate(
      wireTemplate('grafana-v1', services),
      (b) =>
        wireAlertFields(b, [
          { path: ['version'], kind: 'literal', required: true, allowed: ['1'] },
          { path: ['title'], kind: 'text', required: false },
        ]),
      { loneSurrogates: 'any' },
    ),
    generic: mutate(genericTemplate(services), () => GENERIC_FIELDS, { loneSurrogates: 'any' }).map((m) => m),
  };
  const unknownField = fc.constant({ describe: 'an unknown field (startAt)', verdict: 'refused' as Verdict });
  return fc.constantFrom(...sources).chain((source) =>
    fc
      .tuple(
        by[source],
        rarely(requestChanges(maxBodyBytes), 6),
        source === 'generic' ? rarely(unknownField, 8) : fc.constant(null),
      )
      .map(([m, change, extra]) => {
        let value = m.value;
        const changes = [...m.changes];
        let verdict = m.verdict;
        if (extra && value !== null && typeof value === 'object' && !Array.isArray(value)) {
          value = { ...value, startAt: '2026-01-05T09:00:00Z' };
          changes.push(extra.describe);
          verdict = 'refused';
        }
        const request = change ? change.apply({ ...m, value }) : { body: JSON.stringify(value) };
        if (change) {
          changes.push(change.describe);
          if (change.verdict === 'refused') verdict = 'refused';
        }
        return {
          source,
          path: `/alerts/${source}`,
          describe: `${source}${changes.length === 0 ? ' (unchanged)' : `: ${changes.join('; ')}`}`,
          verdict,
          contentType: request.contentType ?? 'application/json',
          body: request.body,
        };
      }),
  );
}

/** `count` bodies for `seed`: the same list every time. */
export function sampleAlertBodies(
  o: { seed: number; count: number; sources?: readonly AlertSource[] } & AlertFuzzOptions,
): AlertFuzzBody[] {
  return fc.sample(alertBodies(o, o.sources), { seed: o.seed, numRuns: o.count });
}
