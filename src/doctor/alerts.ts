/**
 * The doctor's alert check: ALERT_WEBHOOK_TOKEN is set (without it every /alerts route answers
 * 503), and the Alertmanager receiver that sends to Rewind, for the URL Rewind is reached at. The
 * token itself is never printed: the snippet holds a placeholder for it.
 */
import { failed, passed, type DoctorCheck } from './checks.ts';

const SECTION = 'Alerts';

/** Where Alertmanager reaches Rewind when it runs as deploy/ describes: Service rewind in namespace rewind. */
export const DEFAULT_ALERTS_URL = 'http://rewind.rewind.svc:3000';

/** An Alertmanager receiver for Rewind's webhook at `baseUrl`, in alertmanager.yml's words. */
export function alertmanagerReceiver(baseUrl: string): string {
  return [
    'receivers:',
    '  - name: rewind',
    '    webhook_configs:',
    `      - url: ${baseUrl.replace(/\/+$/, '')}/alerts/alertmanager`,
    '        send_resolved: true',
    '        http_config:',
    '          authorization:',
    '            type: Bearer',
    '            credentials: <the value of ALERT_WEBHOOK_TOKEN>',
  ].join('\n');
}

export function alertChecks(token: string | undefined, alertsUrl: string): DoctorCheck[] {
  const receiver = alertmanagerReceiver(alertsUrl);
  if (token)
    return [
      passed(
        SECTION,
        'ALERT_WEBHOOK_TOKEN',
        `set: POST /alerts/* takes "Authorization: Bearer <token>". An Alertmanager receiver for ${alertsUrl}:\n` +
          receiver,
      ),
    ];
  return [
    failed(
      SECTION,
      'ALERT_WEBHOOK_TOKEN',
      'not set: the /alerts routes answer 503, so no alert reaches Rewind',
      "set ALERT_WEBHOOK_TOKEN in Rewind's environment to a long random value (openssl rand -hex 32), and give " +
        `Alertmanager the same value:\n${receiver}`,
    ),
  ];
}
