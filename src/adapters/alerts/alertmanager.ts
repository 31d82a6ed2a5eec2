/**
 * Alertmanager's webhook, payload version "4" (the only version Alertmanager has sent since 0.6):
 * `{version, status, receiver, groupKey, groupLabels, commonLabels, commonAnnotations, externalURL,
 * truncatedAlerts, alerts: [...]}`. The group fields are Alertmanager's routing and are not needed:
 * Rewind groups by service itself; `externalURL` gives each alert its silence link. Other versions are refused rather
 * than guessed at.
 */
import {
  ShapeError,
  describeValue,
  normaliserOf,
  readAlertArray,
  readObject,
  readWireAlert,
  type OpenedBody,
} from './normalise.ts';

export const ALERTMANAGER_WEBHOOK_VERSION = '4';

export function openAlertmanager(body: unknown, receivedAt: number): OpenedBody {
  const payload = readObject(body, 'body');
  if (payload.version !== ALERTMANAGER_WEBHOOK_VERSION) {
    throw new ShapeError(
      payload.version === undefined
        ? 'version is missing: this endpoint takes Alertmanager webhook payloads of version "4"'
        : `version must be "4" (Alertmanager webhook), got ${describeValue(payload.version)}`,
    );
  }
  return {
    raw: readAlertArray(payload.alerts, 'alerts'),
    // externalURL is where Alertmanager's UI is reachable: the alerts' silence links start there.
    read: (raw, i) =>
      readWireAlert(raw, `alerts[${i}]`, 'alertmanager', receivedAt, { externalURL: payload.externalURL }),
  };
}

export const normaliseAlertmanager = normaliserOf(openAlertmanager);
