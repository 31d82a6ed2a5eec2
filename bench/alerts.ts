/**
 * An alert storm: 1,000 Alertmanager alerts for one service over 10 seconds, posted to a running
 * Rewind with production pacing. Prints the webhook answer latency, the time from the first alert to
 * the incident's head message, and how many Slack calls the storm cost (target: exactly one
 * incident message, a handful of thread notes and updates).
 */
import { performance } from 'node:perf_hooks';
import { ALERT_TOKEN, startWorld } from '../test/support/world.ts';
import { scaled } from './scale.ts';

const ALERTS = scaled(1000);
const SPREAD_MS = scaled(10_000);

function stats(label: string, samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN).toFixed(2);
  return `${label}: n=${s.length} p50 ${at(50)} ms, p99 ${at(99)} ms, max ${(s.at(-1) ?? NaN).toFixed(2)} ms`;
}

function body(i: number) {
  return JSON.stringify({
    version: '4',
    status: 'firing',
    receiver: 'rewind',
    groupKey: '{}:{alertname="PromptErrorRate"}',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    truncatedAlerts: 0,
    alerts: [
      {
        status: 'firing',
        labels: {
          alertname: `PromptErrorRate${i % 50}`,
          service: 'prompt-service',
          version: 'v2.0.0',
          severity: 'warning',
          pod: `p-${i}`,
        },
        annotations: { summary: `error rate above 5% on pod p-${i}` },
        startsAt: new Date(Date.UTC(2026, 0, 5, 9)).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph',
        fingerprint: `fp-${i}`,
      },
    ],
  });
}

export async function benchAlerts(print: (line: string) => void): Promise<void> {
  const world = await startWorld({ processBeforeResponse: false, minUpdateIntervalMs: 1_000 });
  const url = `http://127.0.0.1:${world.rewind.port}/alerts/alertmanager`;
  const answers: number[] = [];
  let firstHeadMs = NaN;
  try {
    const start = performance.now();
    for (let i = 0; i < ALERTS; i++) {
      const due = start + (i * SPREAD_MS) / ALERTS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERT_TOKEN}` },
        body: body(i),
      });
      await res.text();
      answers.push(performance.now() - t);
      if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
      if (i === 0) {
        const t0 = t;
        await world.slack.waitForCall('chat.postMessage');
        firstHeadMs = performance.now() - t0;
      }
    }
    await world.settle();
    const heads = world.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === undefined).length;
    const notes = world.slack.callsTo('chat.postMessage').length - heads;
    print(stats(`webhook answer (${ALERTS} alerts over ${SPREAD_MS / 1000} s)`, answers));
    print(`first alert of the storm → incident head message in Slack (cold start): ${firstHeadMs.toFixed(2)} ms`);
    print(
      `Slack calls for the storm: ${heads} head message(s), ${notes} thread notes, ` +
        `${world.slack.callsTo('chat.update').length} head updates; open incidents: ` +
        `${world.rewind.store.incidents.listOpen().length}`,
    );
    // Alert → first Slack call, measured over many incidents: each round's first alert opens a
    // new incident (the previous one resolved), so each sample is a full open-and-post.
    for (const incident of world.rewind.store.incidents.listOpen())
      world.rewind.services.incidents.resolve(incident.id, { kind: 'user', id: 'U0LEAD' });
    await world.settle();
    const firstCall: number[] = [];
    for (let round = 0; round < scaled(200); round++) {
      const before = world.slack.calls.length;
      const t = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERT_TOKEN}` },
        body: body(ALERTS + round),
      });
      await res.text();
      while (world.slack.calls.length === before) await new Promise((r) => setImmediate(r));
      firstCall.push(performance.now() - t);
      await world.settle();
      for (const incident of world.rewind.store.incidents.listOpen())
        world.rewind.services.incidents.resolve(incident.id, { kind: 'user', id: 'U0LEAD' });
      await world.settle();
    }
    print(stats('alert → first Slack call (new incident each time, warm)', firstCall));
  } finally {
    await world.stop();
  }
}
