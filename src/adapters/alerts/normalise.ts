/**
 * What the three alert webhooks share: reading untrusted JSON into typed fields with errors that
 * name the exact field, and the rules that turn labels into a service, a version
 * and a tier. Pure: no I/O, no clock; the time of receipt is passed in.
 */
import { createHash } from 'node:crypto';
import { alertLinks, silenceUrl, type AlertLinks } from '../../domain/alert-links.ts';
import type { Tier } from '../../domain/types.ts';
import type { IncomingAlert } from '../../services/ports.ts';

export type NormaliseResult = { ok: true; alerts: IncomingAlert[] } | { ok: false; error: string };

/** One per source: turns a parsed JSON body into normalised alerts, or says which field is wrong. */
export type Normaliser = (body: unknown, receivedAt: number) => NormaliseResult;

/**
 * A source's reading split in two, so a body of thousands of alerts can be read a slice at a time:
 * `open` checks the envelope and hands back the raw alerts, `read` turns one of them into an
 * alert. Both throw ShapeError naming the field.
 */
export type AlertOpener = (body: unknown, receivedAt: number) => OpenedBody;

export interface OpenedBody {
  raw: readonly unknown[];
  read(raw: unknown, index: number): IncomingAlert;
}

/** The whole body at once, in one turn of the event loop. */
export function normaliserOf(open: AlertOpener): Normaliser {
  return (body, receivedAt) =>
    guarded(() => {
      const opened = open(body, receivedAt);
      return opened.raw.map((raw, i) => opened.read(raw, i));
    });
}

/**
 * The same reading, `chunk` alerts per turn of the event loop: a 1 MiB body holds thousands of
 * alerts, and a request that arrives meanwhile (a slash command Slack wants answered within 3 s) is
 * served between chunks. The answer is the one `normaliserOf` gives: every alert, or the first
 * wrong field — the caller stores nothing until the whole body has been read.
 */
export async function normaliseInChunks(
  open: AlertOpener,
  body: unknown,
  receivedAt: number,
  chunk: number,
): Promise<NormaliseResult> {
  try {
    const opened = open(body, receivedAt);
    const alerts: IncomingAlert[] = [];
    for (let i = 0; i < opened.raw.length; i++) {
      if (i > 0 && i % chunk === 0) await new Promise((resolve) => setImmediate(resolve));
      alerts.push(opened.read(opened.raw[i], i));
    }
    return { ok: true, alerts };
  } catch (err) {
    if (err instanceof ShapeError) return { ok: false, error: err.message };
    throw err;
  }
}

/**
 * Thrown by the readers below and caught by each normaliser's entry point, so the walk over a
 * payload reads straight through instead of checking a result after every field.
 */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}

/** Runs a normaliser body, turning a ShapeError into the `{ ok: false }` answer. */
export function guarded(walk: () => IncomingAlert[]): NormaliseResult {
  try {
    return { ok: true, alerts: walk() };
  } catch (err) {
    if (err instanceof ShapeError) return { ok: false, error: err.message };
    throw err;
  }
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

/** A value quoted for an error message, cut short so a huge field cannot flood the answer. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/** The error for a field that is missing or of the wrong kind. */
function wrong(path: string, expected: string, value: unknown): ShapeError {
  return new ShapeError(
    value === undefined
      ? `${path} is missing: expected ${expected}`
      : `${path} must be ${expected}, got ${describeValue(value)}`,
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readObject(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw wrong(path, 'an object', value);
  return value;
}

export function readString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw wrong(path, 'a string', value);
  return value;
}

export function readNonEmptyString(value: unknown, path: string): string {
  const s = readString(value, path);
  if (s.trim() === '') throw new ShapeError(`${path} must not be empty`);
  return s;
}

export function readOptionalString(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : readString(value, path);
}

/** Labels and annotations: a JSON object whose every value is a string. */
export function readStringMap(value: unknown, path: string): Record<string, string> {
  if (!isRecord(value)) throw wrong(path, 'an object of strings', value);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new ShapeError(`${path} must be an object of strings (${path}.${key} is ${describeValue(v)})`);
    }
  }
  // fromEntries defines own properties, so a label named "__proto__" stays a label.
  return Object.fromEntries(Object.entries(value)) as Record<string, string>;
}

export function readAlertArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw wrong(path, 'an array of alerts', value);
  if (value.length === 0) throw new ShapeError(`${path} must contain at least one alert`);
  return value;
}

export function readStatus(value: unknown, path: string): 'firing' | 'resolved' {
  if (value === 'firing' || value === 'resolved') return value;
  throw wrong(path, '"firing" or "resolved"', value);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * Epoch ms of an RFC 3339 timestamp, or null when it is not one. `Date.parse` is not used: it
 * accepts many other formats ("March 5", "2026-01-05 09:00") and differs between engines, and a
 * webhook sender that gets the format wrong should hear so rather than have it guessed.
 */
export function parseRfc3339(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = m[7] ?? '';
  if (month < 1 || month > 12) return null;
  const daysInMonth = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day < 1 || day > daysInMonth) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  let offsetMinutes = 0;
  if (m[8]) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999, and Go's zero time is year 1.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime() - offsetMinutes * 60_000;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Go's zero `time.Time` (0001-01-01T00:00:00Z): what Alertmanager and Grafana send for "not set". */
export const GO_ZERO_TIME_MS = parseRfc3339('0001-01-01T00:00:00Z') as number;

export function readTime(value: unknown, path: string): number {
  const text = readString(value, path);
  const ms = parseRfc3339(text);
  if (ms === null)
    throw new ShapeError(`${path} must be an RFC 3339 time such as 2026-01-05T09:00:00Z, got ${quote(text)}`);
  return ms;
}

/** endsAt as the port wants it: null while the alert has not ended (absent or Go's zero time). */
export function readEndsAt(value: unknown, path: string): number | null {
  if (value === undefined || value === null) return null;
  const ms = readTime(value, path);
  return ms === GO_ZERO_TIME_MS ? null : ms;
}

/** startsAt, falling back to the time of receipt when the sender left it at Go's zero time. */
export function readStartsAt(value: unknown, path: string, receivedAt: number): number {
  const ms = readTime(value, path);
  return ms === GO_ZERO_TIME_MS ? receivedAt : ms;
}

/** An empty label counts as absent, as it does in Prometheus. */
function label(labels: Record<string, string>, name: string): string | null {
  const v = labels[name];
  return v === undefined || v.trim() === '' ? null : v;
}

/** The service of an alert: the `service` label, else `app`, else `job`. */
export function serviceOf(labels: Record<string, string>): string | null {
  return label(labels, 'service') ?? label(labels, 'app') ?? label(labels, 'job');
}

export function versionOf(labels: Record<string, string>): string | null {
  return label(labels, 'version');
}

/** The severity of an alert: `critical` | `warning` | `watch` in any case; anything else, or none, is `warning`. */
export function tierOf(severity: string | null | undefined): Tier {
  const s = severity?.trim().toLowerCase();
  return s === 'critical' || s === 'watch' ? s : 'warning';
}

/**
 * The first non-empty of `annotations.summary`, the source's own extra (Grafana's title),
 * `annotations.description`, `labels.alertname`; a label set as last resort so a thread line is
 * never blank.
 */
export function summaryOf(
  annotations: Record<string, string>,
  labels: Record<string, string>,
  afterSummary?: string,
): string {
  const candidates = [annotations.summary, afterSummary, annotations.description, labels.alertname];
  for (const c of candidates) if (c !== undefined && c.trim() !== '') return c.trim();
  return `alert ${formatLabels(labels)}`;
}

export function formatLabels(labels: Record<string, string>): string {
  return `{${sortedEntries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;
}

function sortedEntries(labels: Record<string, string>): Array<[string, string]> {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A stable 16-hex-digit fingerprint (the width Alertmanager uses) of the given parts. Labels are
 * sorted first, so the order a sender happens to serialise them in never splits one alert in two.
 */
export function fingerprintOf(...parts: Array<string | Record<string, string>>): string {
  const canonical = JSON.stringify(parts.map((p) => (typeof p === 'string' ? p : sortedEntries(p))));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** The alert's own fingerprint when it sent a non-empty one, else one computed from its labels. */
export function readFingerprint(value: unknown, path: string, labels: Record<string, string>): string {
  if (value === undefined || value === null || value === '') return fingerprintOf(labels);
  return readNonEmptyString(value, path);
}

/** The fields every source derives the same way from labels and annotations. */
export function fromLabels(
  labels: Record<string, string>,
  annotations: Record<string, string>,
  summaryFallback?: string,
): Pick<IncomingAlert, 'service' | 'version' | 'severity' | 'summary' | 'name'> {
  return {
    service: serviceOf(labels),
    version: versionOf(labels),
    severity: tierOf(labels.severity),
    summary: summaryOf(annotations, labels, summaryFallback),
    name: label(labels, 'alertname')?.trim() ?? null,
  };
}

/**
 * The links an alert's annotations carry by the Prometheus and Grafana conventions (`runbook_url`,
 * `dashboard_url`), with the source's own (`graph`, Grafana's dashboard, panel and silence) taking
 * the place of an annotation only where the annotation is missing or not an http(s) URL.
 */
export function linksOf(
  annotations: Record<string, string>,
  own: Partial<Record<keyof AlertLinks, unknown>> = {},
): AlertLinks {
  const annotated = alertLinks({ runbook: annotations.runbook_url, dashboard: annotations.dashboard_url });
  return { ...alertLinks(own), ...annotated };
}

/**
 * One alert of the shape Alertmanager sends and Grafana copies: `{status, labels, annotations,
 * startsAt, endsAt, generatorURL, fingerprint}`, plus Grafana's `silenceURL`, `dashboardURL` and
 * `panelURL`. Only the fields Rewind uses are checked, so a field a later version adds does not
 * break intake; the links are read leniently (one that is not an http(s) URL is left out, never
 * refused), as a broken link must not lose the alert.
 */
export function readWireAlert(
  raw: unknown,
  path: string,
  source: 'alertmanager' | 'grafana',
  receivedAt: number,
  context: { summaryFallback?: string; externalURL?: unknown } = {},
): IncomingAlert {
  const alert = readObject(raw, path);
  const status = readStatus(alert.status, `${path}.status`);
  const labels = readStringMap(alert.labels, `${path}.labels`);
  // Both senders always include annotations, possibly empty; a hand-written payload may not.
  const annotations = alert.annotations === undefined ? {} : readStringMap(alert.annotations, `${path}.annotations`);
  // Grafana links its own silence page; Alertmanager's is built from where its UI is reachable.
  const silence = source === 'grafana' ? alert.silenceURL : silenceUrl(context.externalURL, labels);
  return {
    source,
    fingerprint: readFingerprint(alert.fingerprint, `${path}.fingerprint`, labels),
    status,
    ...fromLabels(labels, annotations, context.summaryFallback),
    links: linksOf(annotations, {
      graph: alert.generatorURL,
      dashboard: alert.dashboardURL,
      panel: alert.panelURL,
      silence,
    }),
    labels,
    annotations,
    startsAt: readStartsAt(alert.startsAt, `${path}.startsAt`, receivedAt),
    endsAt: readEndsAt(alert.endsAt, `${path}.endsAt`),
  };
}
