/**
 * Concurrent webhooks: 200 Alertmanager posts at once over 50 services (4 per service: watch,
 * warning, critical, warning, in a different order per service), sent to a running Rewind with
 * production settings (listeners after the ack, head-message updates 1 s apart) whose rollbacks
 * run on the real Kubernetes engine against the API stand-in. Critical alerts start automatic
 * rollbacks; the webhook answer must not wait for them, nor for Slack. Target: p99 < 100 ms.
 * Each post opens its own connection, as most of a burst does from Alertmanager (its HTTP client
 * keeps only a couple of idle connections per receiver). Prints the answer times, what the bot did
 * before the last answer, the incidents opened (one per service) and the automatic rollbacks.
 */
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import type { ServiceInput } from '../test/support/config-doc.ts';
import { ALERT_TOKEN, startWorld, type ConfigDoc, type World } from '../test/support/world.ts';
import { scaled, SMOKE } from './scale.ts';

const SERVICES = scaled(50);
const PER_SERVICE = 4;
const VERSIONS = ['v2.0.0', 'v1.5.0', 'v1.0.0'];
const SEVERITIES = ['watch', 'warning', 'critical', 'warning'] as const;

export const serviceName = (i: number) => `prompt-service-${String(i).padStart(3, '0')}`;

/**
 * `count` copies of the shipped prompt-service under new names, each in its own namespace so the
 * Kubernetes stand-in holds one set of objects per service.
 */
export function copiesOfPromptService(count: number) {
  return (doc: ConfigDoc) => {
    const template = doc.services['prompt-service'];
    const services: Record<string, ServiceInput> = doc.services;
    for (let i = 0; i < count; i++)
      services[serviceName(i)] = { ...structuredClone(template), namespace: `prompts-${i}` };
  };
}

/** Every copy seeded in the stand-in (the world seeds only the original). */
export function seedCopies(world: World, count: number): void {
  for (let i = 0; i < count; i++)
    world.kube?.seedPromptService({ versions: VERSIONS, namespace: `prompts-${i}`, context: 'prod' });
  world.kube?.clearRequests();
}

function body(service: number, n: number, name = serviceName(service)): string {
  const severity = SEVERITIES[(service + n) % SEVERITIES.length] ?? 'warning';
  return JSON.stringify({
    version: '4',
    status: 'firing',
    receiver: 'rewind',
    groupKey: `{}:{service="${name}"}`,
    groupLabels: { service: name },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    truncatedAlerts: 0,
    alerts: [
      {
        status: 'firing',
        labels: { alertname: `PromptErrorRate${n}`, service: name, version: 'v2.0.0', severity },
        annotations: { summary: `${severity}: error rate of ${name} (${n})` },
        startsAt: new Date(Date.UTC(2026, 0, 5, 8, 58)).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph',
        fingerprint: `fp-${name}-${n}`,
      },
    ],
  });
}

function stats(label: string, samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN).toFixed(1);
  return (
    `${label}: n=${s.length} p50 ${at(50)} ms, p90 ${at(90)} ms, p99 ${at(99)} ms, max ` +
    `${(s.at(-1) ?? NaN).toFixed(1)} ms`
  );
}

/**
 * Posts every body at once from a child process and resolves with each answer's time (connect,
 * send, whole answer read) and status. The sender is Alertmanager, not the bot: in its own process
 * and speaking plain HTTP/1.1 over raw sockets, its work lands neither in the bot's answer times
 * nor in the bot's CPU figure.
 */
export function postAllAtOnce(
  url: string,
  bodies: string[],
  onLastAnswer: () => void = () => {},
): Promise<Array<{ ms: number; status: number }>> {
  const source = `
    const { connect } = require('node:net');
    const { performance } = require('node:perf_hooks');
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', () => {
      const { url, token, bodies } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const { hostname, port, pathname } = new URL(url);
      const post = (body) => new Promise((resolve, reject) => {
        const head =
          'POST ' + pathname + ' HTTP/1.1\\r\\nhost: ' + hostname + ':' + port + '\\r\\n' +
          'content-type: application/json\\r\\nauthorization: Bearer ' + token + '\\r\\n' +
          'content-length: ' + Buffer.byteLength(body) + '\\r\\nconnection: close\\r\\n\\r\\n';
        const t = performance.now();
        // Written, not ended: a half-closed request is one Node's server stops answering.
        const socket = connect(Number(port), hostname, () => socket.write(head + body));
        const answer = [];
        socket.on('data', (c) => answer.push(c));
        socket.on('error', reject);
        socket.on('close', () => {
          const status = Number(/^HTTP\\/1\\.1 (\\d{3})/.exec(Buffer.concat(answer).toString('latin1'))?.[1] ?? 0);
          resolve({ ms: performance.now() - t, status });
        });
      });
      Promise.all(bodies.map(post)).then((answers) => process.stdout.write(JSON.stringify(answers)), (err) => {
        console.error(String(err));
        process.exitCode = 1;
      });
    });
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', source], { stdio: ['pipe', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => {
      // The sender writes only once every answer is in.
      if (out.length === 0) onLastAnswer();
      out.push(c);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`the sender exited with ${code}`));
      else resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as Array<{ ms: number; status: number }>);
    });
    child.stdin.end(JSON.stringify({ url, token: ALERT_TOKEN, bodies }));
  });
}

async function until(done: () => boolean, maxMs: number): Promise<boolean> {
  const end = performance.now() + maxMs;
  while (!done()) {
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

export async function benchWebhooks(print: (line: string) => void): Promise<void> {
  const world = await startWorld({
    processBeforeResponse: false,
    minUpdateIntervalMs: 1_000,
    config: copiesOfPromptService(SERVICES),
    kube: { versions: VERSIONS },
  });
  seedCopies(world, SERVICES);
  const url = `http://127.0.0.1:${world.rewind.port}/alerts/alertmanager`;
  try {
    // A running bot, not a cold one: one incident with its automatic rollback on the shipped
    // prompt-service first, so the code paths are compiled and the Kubernetes client exists.
    await postAllAtOnce(
      url,
      [0, 1, 2, 3].map((n) => body(0, n, 'prompt-service')),
    );
    await until(() => world.rewind.store.rollbacks.activeForService('prompt-service') !== null, 10_000);
    await world.settle();
    const posts = Array.from({ length: SERVICES * PER_SERVICE }, (_, k) =>
      body(k % SERVICES, Math.floor(k / SERVICES)),
    );
    const cpu = process.cpuUsage();
    const kube = world.kube;
    world.slack.calls.length = 0;
    kube?.clearRequests();
    let behind = { slack: 0, kube: 0 };
    const answers = await postAllAtOnce(url, posts, () => {
      behind = { slack: world.slack.calls.length, kube: kube?.requests.length ?? 0 };
    });
    const { user, system } = process.cpuUsage(cpu);
    const open = world.rewind.store.incidents.listOpen().filter((i) => i.service.startsWith('prompt-service-'));
    const perService = new Set(open.map((i) => i.service)).size;
    print(
      stats(
        `webhook answer (${posts.length} concurrent posts, ${SERVICES} services)`,
        answers.map((a) => a.ms),
      ),
    );
    // Steadier than the times on a shared machine: the work the bot (with its in-process Slack and
    // Kubernetes stand-ins) did before the last answer was read.
    print(`bot CPU until the last answer: ${((user + system) / 1000).toFixed(0)} ms`);
    // What the answers queued behind: calls out of the bot made before the last answer was in.
    print(`made before the last answer: ${behind.slack} Slack calls, ${behind.kube} Kubernetes requests`);
    print(
      `every answer 202: ${
        answers.every((a) => a.status === 202)
          ? 'yes'
          : `NO (${answers
              .filter((a) => a.status !== 202)
              .map((a) => a.status)
              .join(', ')})`
      }`,
    );
    print(
      `incidents: ${open.length} for ${perService} services (target: exactly ${SERVICES}) — ` +
        `${open.length === SERVICES && perService === SERVICES ? 'PASS' : 'FAIL'}`,
    );
    const p99 =
      [...answers.map((a) => a.ms)].sort((a, b) => a - b)[
        Math.min(answers.length - 1, Math.floor(0.99 * answers.length))
      ] ?? NaN;
    print(`target p99 < 100 ms: ${SMOKE ? 'not judged on a smoke run' : p99 < 100 ? 'PASS' : 'FAIL'}`);
    // Every critical incident's automatic rollback went on to plan its steps on the engine (read
    // the target's readiness from the stand-in, wrote the plan), whether before the last answer or after.
    const started = () =>
      open.filter((i) =>
        world.rewind.store.rollbacks
          .listForIncident(i.id)
          .some((r) => r.startedBy === 'rewind' && world.rewind.store.rollbacks.steps(r.id).length > 0),
      ).length;
    const t = performance.now();
    await until(() => started() === open.length, 60_000);
    print(
      `automatic rollbacks planned on the Kubernetes engine: ${started()} of ${open.length} (the last ` +
        `${(performance.now() - t).toFixed(0)} ms after the last answer)`,
    );
    await world.settle();
  } finally {
    await world.stop();
  }
}
