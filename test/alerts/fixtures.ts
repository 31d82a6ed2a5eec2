/** Webhook bodies as their senders send them, read fresh on every call so a test may mutate its copy. */
import { readFileSync } from 'node:fs';

/** Loose on purpose: tests reach into a payload to spoil one field at a time. */
export type Json = Record<string, any>;

/**
 * `alertmanager-v4.json` was captured from Alertmanager 0.25.0 (the Debian package of STACK.md)
 * delivering to a webhook receiver with `send_resolved: true`: two alerts of one group, one still
 * firing and one resolved. `grafana-v1.json` follows Grafana's documented webhook payload.
 */
export function fixture(name: 'alertmanager-v4' | 'grafana-v1'): Json {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Json;
}
