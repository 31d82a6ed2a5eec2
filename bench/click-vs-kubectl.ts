/**
 * The rollback click beside its floor, in one run and against one Kubernetes API stand-in: a signed
 * confirmation of an immediate rollback submitted to a running Rewind (HTTP mode, production
 * ack-first settings) until the stand-in receives the PATCH of the Service selector, and the same
 * write issued by hand, `kubectl patch` of the selector, from the spawn of kubectl until the
 * stand-in receives its PATCH. Rounds alternate between the two, so a busy moment of the machine
 * falls on both. Prints both and the ratio.
 *
 * kubectl reaches the stand-in through a small front on loopback, because the stand-in serves only
 * what Rewind calls: the front answers the discovery kubectl reads before any write (/api, /apis,
 * /api/v1), with the core group's Services, and forwards everything else with the bearer token,
 * which kubectl does not send over plain http. Discovery is read on a first, unmeasured run and
 * then comes from kubectl's cache (--cache-dir), as on any workstation that used kubectl before.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ACTION, BLOCK, VIEW } from '../src/adapters/slack/ids.ts';
import { writeKubeconfig } from '../src/demo/stand-ins/kubeconfig.ts';
import { findOnPath } from '../test/e2e/support/daemon.ts';
import type { KubeApiStandIn } from '../test/support/kube-api.ts';
import { interactionBody, postSigned, viewSubmissionPayload } from '../test/support/slack-signing.ts';
import { LEAD, SECRET, startWorld, type World } from '../test/support/world.ts';
import { line, percentiles } from './alertmanager-side-by-side.ts';
import { scaled } from './scale.ts';

const ROUNDS = scaled(30);
const NAMESPACE = 'prompts';
const SERVICE = 'prompt-service';
const SERVICE_PATH = `/api/v1/namespaces/${NAMESPACE}/services/${SERVICE}`;
/** The world's Kubernetes stand-in takes this token (test/support/world.ts). */
const TOKEN = 'token-world';
export const INSTALL_KUBECTL =
  'kubectl is not on the PATH; install it with `apt-get install kubernetes-client` (Debian) ' +
  'or `bash scripts/e2e-deps.sh` (as root)';

const until = async (done: () => boolean, ms = 10_000) => {
  const end = performance.now() + ms;
  while (!done()) {
    if (performance.now() > end) throw new Error('bench: timed out');
    await new Promise((r) => setImmediate(r));
  }
};

/** The discovery documents kubectl reads to map `services` to /api/v1/…/services. */
const DISCOVERY: Record<string, unknown> = {
  '/api': {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
  },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      {
        name: 'services',
        singularName: 'service',
        namespaced: true,
        kind: 'Service',
        verbs: ['get', 'list', 'patch', 'update', 'create', 'delete', 'watch'],
        shortNames: ['svc'],
      },
    ],
  },
};

/** The front before the stand-in (see the file's comment); resolves with its URL and a stop. */
async function startFront(kubeUrl: string) {
  const target = new URL(kubeUrl);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const document = req.method === 'GET' ? DISCOVERY[path] : undefined;
    if (document) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(document));
      return;
    }
    const forwarded = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, authorization: `Bearer ${TOKEN}` },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', (err) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(err.message);
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url, stop };
}

/** Runs kubectl to the end; resolves with its output, rejects when it fails. */
function kubectl(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`kubectl exited ${code}: ${output.slice(-500)}`)),
    );
  });
}

/** When the stand-in receives the next PATCH of the Service, on this process's clock. */
function nextPatch(kube: KubeApiStandIn): Promise<number> {
  return new Promise((resolve) =>
    kube.beforeNext({ method: 'PATCH', path: SERVICE_PATH }, () => resolve(performance.now())),
  );
}

function selectVersion(kube: KubeApiStandIn, version: string): void {
  kube.edit(
    'Service',
    NAMESPACE,
    SERVICE,
    (o) => ((o as { spec: { selector: Record<string, string> } }).spec.selector.version = version),
  );
}

/** One immediate rollback from its confirmation: milliseconds until the PATCH of the selector. */
async function clickToPatch(world: World, kube: KubeApiStandIn): Promise<number> {
  const incident = await world.openIncident();
  const opened = world.slack.callsTo('views.open').length;
  await world.act({
    user: LEAD,
    actionId: ACTION.immediate,
    value: incident.id,
    blockId: BLOCK.decisions,
    messageTs: incident.slackTs ?? '',
  });
  await until(() => world.slack.callsTo('views.open').length > opened);
  const view = world.slack.callsTo('views.open').at(-1)?.args.view as { private_metadata: string };
  const patched = nextPatch(kube);
  const t0 = performance.now();
  const res = await postSigned(
    world.url,
    interactionBody(
      viewSubmissionPayload({ user: LEAD, callbackId: VIEW.confirmRollback, privateMetadata: view.private_metadata }),
    ),
    { secret: SECRET },
  );
  await res.text();
  const ms = (await patched) - t0;
  // The rest of the rollback (verification) runs on the compressed clock; the incident is closed.
  await world.runUntil(() => world.rewind.store.rollbacks.history()[0]?.status !== 'running', {
    stepMs: 30_000,
    maxMs: 20 * 60_000,
  });
  if (world.rewind.store.incidents.get(incident.id)?.status !== 'resolved')
    world.rewind.services.incidents.resolve(incident.id, { kind: 'user', id: LEAD });
  selectVersion(kube, 'v2.0.0');
  await world.settle();
  return ms;
}

export async function benchClickVsKubectl(print: (line: string) => void): Promise<void> {
  const binary = findOnPath('kubectl');
  const world = await startWorld({
    processBeforeResponse: false,
    kube: {},
    config: (c) => (c.services[SERVICE].router = { kind: 'service-selector', service: SERVICE }),
  });
  const kube = world.kube as KubeApiStandIn;
  const front = await startFront(kube.url);
  const cacheDir = mkdtempSync(join(tmpdir(), 'rewind-bench-kubectl-'));
  const kubeconfig = writeKubeconfig(
    [{ name: 'prod', server: front.url, token: TOKEN }],
    'prod',
    join(cacheDir, 'config'),
  );
  const patchArgs = (version: string) => [
    `--kubeconfig=${kubeconfig}`,
    `--cache-dir=${cacheDir}`,
    '--context=prod',
    `--namespace=${NAMESPACE}`,
    'patch',
    `service/${SERVICE}`,
    '--patch',
    JSON.stringify({ spec: { selector: { version } } }),
  ];
  const byClick: number[] = [];
  const byKubectl: number[] = [];
  try {
    // Unmeasured: kubectl reads and caches discovery, Rewind warms up.
    if (binary) await kubectl(binary, patchArgs('v1.5.0'));
    selectVersion(kube, 'v2.0.0');
    await clickToPatch(world, kube);
    for (let round = 0; round < ROUNDS; round++) {
      if (binary) {
        const patched = nextPatch(kube);
        const t0 = performance.now();
        const output = await kubectl(binary, patchArgs('v1.5.0'));
        if (!output.includes('patched')) throw new Error(`kubectl patch did not patch: ${output.slice(-300)}`);
        byKubectl.push((await patched) - t0);
        selectVersion(kube, 'v2.0.0');
      }
      byClick.push(await clickToPatch(world, kube));
    }
  } finally {
    await front.stop();
    await world.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
  print(line('signed confirmation → PATCH of the Service selector (Rewind, immediate rollback)', byClick));
  if (!binary) {
    print(`kubectl floor skipped: ${INSTALL_KUBECTL}`);
    return;
  }
  print(line('spawn of `kubectl patch service` → its PATCH of the selector (the floor)', byKubectl));
  const [click, floor] = [percentiles(byClick), percentiles(byKubectl)];
  print(
    `ratio Rewind / kubectl: p50 ${(click.p50 / floor.p50).toFixed(2)}×, p90 ${(click.p90 / floor.p90).toFixed(2)}×, ` +
      `p99 ${(click.p99 / floor.p99).toFixed(2)}×`,
  );
}
