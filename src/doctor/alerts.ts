/**
 * The doctor's alert check: ALERT_WEBHOOK_TOKEN is set (without it every /alerts route answers
 * 503), and the Alertmanager receiver that sends to Rewind, for the URL Rewind is reached at. The
 * token itself is never printed: the snippet holds a placeholder for it.
 */
import { stringify } from 'yaml';
import { failed, passed, type DoctorCheck } from './checks.ts';

const SECTION = 'Alerts';

/** Where Alertmanager reaches Rewind when it runs as deploy/ describes: Service rewind in namespace rewind. */
export const DEFAULT_ALERTS_URL = 'http://rewind.rewind.svc:3000';

/**
 * An Alertmanager receiver for Rewind's webhook at `baseUrl`, in alertmanager.yml's words: an entry
 * of its `receivers:` list, in YAML's flow style so that it fits on the one line every detail of the
 * checklist has, and pastes under `receivers:` as `- <it>`.
 */
export function alertmanagerReceiver(baseUrl: string): string {
  const receiver = {
    name: 'rewind',
    webhook_configs: [
      {
        url: `${baseUrl.replace(/\/+$/, '')}/alerts/alertmanager`,
        send_resolved: true,
        http_config: { authorization: { type: 'Bearer', credentials: '<the value of ALERT_WEBHOOK_TOKEN>' } },
      },
    ],
  };
  return stringify(receiver, { collectionStyle: 'flow', lineWidth: 0 }).trim();
}

export function alertChecks(token: string | undefined, alertsUrl: string): DoctorCheck[] {
  const receiver = alertmanagerReceiver(alertsUrl);
  if (token)
    return [
      passed(
        SECTION,
        'ALERT_WEBHOOK_TOKEN',
        `set: POST /alerts/* takes "Authorization: Bearer <token>". Alertmanager's receiver for ${alertsUrl} ` +
          `(under receivers: in alertmanager.yml): - ${receiver}`,
      ),
    ];
  return [
    failed(
      SECTION,
      'ALERT_WEBHOOK_TOKEN',
      'not set: the /alerts routes answer 503, so no alert reaches Rewind',
      "set ALERT_WEBHOOK_TOKEN in Rewind's environment to a long random value (openssl rand -hex 32), and give " +
        `Alertmanager the same value in its receiver (under receivers: in alertmanager.yml): - ${receiver}`,
    ),
  ];
}
