/**
 * The generic webhook, for senders that are neither Alertmanager nor Grafana
 * (a cron job, a synthetic check, curl during an incident): `{ service, severity, summary, name?,
 * labels?, annotations?, generatorURL?, startsAt?, status?, fingerprint? }`, one alert per request.
 * `name` is the check's own name (else `labels.alertname`); `annotations.runbook_url`,
 * `annotations.dashboard_url` and `generatorURL` become the alert note's links when they are
 * http(s) URLs. Unknown fields are refused: this shape is ours, so a misspelt `startAt` is a
 * mistake worth hearing about rather than a field to ignore.
 */
import type { IncomingAlert } from '../../services/ports.ts';
import {
  ShapeError,
  fingerprintOf,
  normaliserOf,
  readNonEmptyString,
  linksOf,
  readObject,
  readOptionalString,
  readStatus,
  readString,
  readStringMap,
  readTime,
  tierOf,
  versionOf,
  type OpenedBody,
} from './normalise.ts';

export const GENERIC_FIELDS = [
  'service',
  'severity',
  'summary',
  'name',
  'labels',
  'annotations',
  'generatorURL',
  'startsAt',
  'status',
  'fingerprint',
] as const;

/** One alert per body: the opened body's only raw alert is the body itself. */
export function openGeneric(body: unknown, receivedAt: number): OpenedBody {
  const payload = readObject(body, 'body');
  const unknown = Object.keys(payload).filter((k) => !(GENERIC_FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new ShapeError(
      `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} ` +
        `(allowed: ${GENERIC_FIELDS.join(', ')})`,
    );
  }
  return { raw: [payload], read: () => readGeneric(payload, receivedAt) };
}

export const normaliseGeneric = normaliserOf(openGeneric);

function readGeneric(payload: Record<string, unknown>, receivedAt: number): IncomingAlert {
  const service = readNonEmptyString(payload.service, 'service').trim();
  const severity = tierOf(readString(payload.severity, 'severity'));
  const summary = readNonEmptyString(payload.summary, 'summary').trim();
  const labels = payload.labels === undefined ? {} : readStringMap(payload.labels, 'labels');
  const annotations = payload.annotations === undefined ? {} : readStringMap(payload.annotations, 'annotations');
  // Typed strictly (the shape is ours), linked leniently: a URL that is not http(s) is just not a link.
  const generatorURL = readOptionalString(payload.generatorURL, 'generatorURL');
  const name = readOptionalString(payload.name, 'name')?.trim() || labels.alertname?.trim() || null;
  const status = payload.status === undefined ? 'firing' : readStatus(payload.status, 'status');
  const startsAt = payload.startsAt === undefined ? receivedAt : readTime(payload.startsAt, 'startsAt');
  // Without a fingerprint of its own, a resolution must repeat the firing alert's service,
  // labels and summary to be recognised as the same alert.
  const fingerprint =
    payload.fingerprint === undefined
      ? fingerprintOf(service, labels, summary)
      : readNonEmptyString(payload.fingerprint, 'fingerprint');
  return {
    source: 'generic',
    fingerprint,
    status,
    service,
    version: versionOf(labels),
    severity,
    summary,
    name,
    links: linksOf(annotations, { graph: generatorURL }),
    labels,
    annotations,
    startsAt,
    // The sender says "resolved" now, so that is when it ended.
    endsAt: status === 'resolved' ? receivedAt : null,
  };
}
