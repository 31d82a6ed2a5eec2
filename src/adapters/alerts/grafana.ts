/**
 * Grafana unified alerting's webhook contact point, payload version "1": Alertmanager's shape
 * (Grafana embeds Alertmanager) plus `orgId`, per-alert `values` and `silenceURL`, and the
 * notification-level `title`, `state` and `message` that Grafana marks as due for deprecation.
 * Legacy (pre-8) dashboard alerting sent a different body (`ruleName`, `evalMatches`) without a
 * version; it is refused by name rather than misread.
 */
import {
  ShapeError,
  describeValue,
  normaliserOf,
  readAlertArray,
  readObject,
  readOptionalString,
  readWireAlert,
  type OpenedBody,
} from './normalise.ts';

export const GRAFANA_WEBHOOK_VERSION = '1';

export function openGrafana(body: unknown, receivedAt: number): OpenedBody {
  const payload = readObject(body, 'body');
  if (payload.version !== GRAFANA_WEBHOOK_VERSION) {
    throw new ShapeError(
      payload.version === undefined
        ? 'version is missing: this endpoint takes Grafana unified alerting webhook payloads of version "1" ' +
            '(legacy dashboard alerting payloads are not supported)'
        : `version must be "1" (Grafana unified alerting webhook), got ${describeValue(payload.version)}`,
    );
  }
  // The title belongs to the whole notification ("[FIRING:2]  (blue)"), so it is an alert's
  // summary only when the alert carries no summary annotation of its own.
  const title = readOptionalString(payload.title, 'title');
  return {
    raw: readAlertArray(payload.alerts, 'alerts'),
    read: (raw, i) => readWireAlert(raw, `alerts[${i}]`, 'grafana', receivedAt, { summaryFallback: title }),
  };
}

export const normaliseGrafana = normaliserOf(openGrafana);
