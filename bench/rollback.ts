/**
 * Click to patched-and-read-back for an immediate rollback: a signed confirmation submitted to a
 * running Rewind (HTTP mode, production ack-first settings), the real Kubernetes engine and
 * client-node, the API stand-in on loopback. Targets: under 1 s end to end, bot overhead < 100 ms.
 */
import { performance } from 'node:perf_hooks';
import { ACTION, BLOCK, VIEW } from '../src/adapters/slack/ids.ts';
import { interactionBody, postSigned, viewSubmissionPayload } from '../test/support/slack-signing.ts';
import { LEAD, SECRET, startWorld } from '../test/support/world.ts';
import { scaled } from './scale.ts';

const N = scaled(30);
const SERVICE_PATH = '/api/v1/namespaces/prompts/services/prompt-service';

function stats(label: string, samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN).toFixed(1);
  return `${label}: n=${s.length} p50 ${at(50)} ms, p90 ${at(90)} ms, max ${(s.at(-1) ?? NaN).toFixed(1)} ms`;
}

const until = async (done: () => boolean, ms = 10_000) => {
  const end = performance.now() + ms;
  while (!done()) {
    if (performance.now() > end) throw new Error('bench: timed out');
    await new Promise((r) => setImmediate(r));
  }
};

export async function benchRollback(print: (line: string) => void): Promise<void> {
  const world = await startWorld({
    processBeforeResponse: false,
    kube: {},
    config: (c) => (c.services['prompt-service'].router = { kind: 'service-selector', service: 'prompt-service' }),
  });
  const kube = world.kube!;
  const toPatch: number[] = [];
  const toReadBack: number[] = [];
  const inKube: number[] = [];
  try {
    for (let i = 0; i < N; i++) {
      const incident = await world.openIncident();
      const opened = world.slack.callsTo('views.open').length;
      await world.act({
        user: LEAD,
        actionId: ACTION.immediate,
        value: incident.id,
        blockId: BLOCK.decisions,
        messageTs: incident.slackTs ?? '',
      });
      // The ack comes first; the dialog opens once the plan (and who manages the routing) is read.
      await until(() => world.slack.callsTo('views.open').length > opened);
      const metadata = (world.slack.callsTo('views.open').at(-1)?.args.view as { private_metadata: string })
        .private_metadata;
      kube.clearRequests();
      let patchedAt = 0;
      kube.beforeNext({ method: 'PATCH', path: SERVICE_PATH }, () => (patchedAt = performance.now()));
      const t0 = performance.now();
      const res = await postSigned(
        world.url,
        interactionBody(
          viewSubmissionPayload({ user: LEAD, callbackId: VIEW.confirmRollback, privateMetadata: metadata }),
        ),
        { secret: SECRET },
      );
      await res.text();
      const switched = () =>
        world.rewind.store.rollbacks.history()[0]?.status !== 'running' ||
        world.rewind.store.rollbacks
          .steps(world.rewind.store.rollbacks.history()[0]?.id ?? '')
          .some((s) => s.name === 'switch' && s.status === 'succeeded');
      await until(() => patchedAt > 0 && switched());
      const done = performance.now();
      toPatch.push(patchedAt - t0);
      toReadBack.push(done - t0);
      // Time the stand-in itself spent is tiny; what remains is client-node, HTTP and the bot.
      inKube.push(kube.requests.length);
      // The rest (verification over the verify window) runs on the compressed clock.
      await world.runUntil(() => world.rewind.store.rollbacks.history()[0]?.status === 'succeeded', {
        stepMs: 30_000,
        maxMs: 20 * 60_000,
      });
      // Verification resolves it when the metrics recovered; otherwise close it for the next round.
      if (world.rewind.store.incidents.get(incident.id)?.status !== 'resolved')
        world.rewind.services.incidents.resolve(incident.id, { kind: 'user', id: LEAD });
      kube.edit(
        'Service',
        'prompts',
        'prompt-service',
        (o) => ((o as { spec: { selector: Record<string, string> } }).spec.selector.version = 'v2.0.0'),
      );
      await world.settle();
    }
    print(stats('confirmation → PATCH of the Service selector', toPatch));
    print(stats('confirmation → patched, read back and endpoints checked', toReadBack));
    print(
      `Kubernetes requests per immediate rollback: ${inKube[0]} (preflight, confirm, switch, read back, endpoints)`,
    );
  } finally {
    await world.stop();
  }
}
