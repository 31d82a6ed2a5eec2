/** Webhook bodies as their senders send them, read fresh on every call so a test may mutate its copy. */
import { readFileSync } from 'node:fs';

/**
 * A JSON object as a test handles it: any field may be set to any value (a wrong one on purpose, to spoil the payload)
 * or deleted; what a field holds is checked where it is read.
 */
export type Json = Record<string, unknown>;

/** One alert of a webhook body; both senders always send its labels and annotations as objects. */
export interface WireAlert extends Json {
  labels: Json;
  annotations: Json;
}

/** An Alertmanager or Grafana webhook body. */
export interface WireBody extends Json {
  alerts: WireAlert[];
}

/**
 * `alertmanager-v4.json` was captured from Alertmanager 0.25.0 (the Debian package of STACK.md)
 * delivering to a webhook receiver with `send_resolved: true`: two alerts of one group, one still
 * firing and one resolved. `grafana-v1.json` follows Grafana's documented webhook payload.
 */
export function fixture(name: 'alertmanager-v4' | 'grafana-v1'): WireBody {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as WireBody;
}
