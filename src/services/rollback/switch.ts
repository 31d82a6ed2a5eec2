/**
 * The switch (ルーティング切り替え), a gradual phase or a canary step: set the split, read it back,
 * and after the final switch check that the target has ready endpoints. A resumed switch reads
 * the router first and sends nothing when the split already is the wanted one.
 */
import { sameSplit } from '../../domain/rollback-plan.ts';
import type { RollbackRecord, SetWeightDetail } from '../../domain/rollback-record.ts';
import { type KubeTrouble, type StepFact } from '../../domain/step-facts.ts';
import { withKubeWrite } from '../kube-retry.ts';
import type { KubeChange, ServiceCluster, Split } from '../ports.ts';
import { begin, clusterOf, finishStep, kube } from './bookkeeping.ts';
import { failureOf, fromVersion, StepFailedError, SYSTEM, type StepContext, type StepDeps } from './context.ts';

/**
 * The router's refusal to overwrite routing another field manager changed between its read and its
 * write (its error carries `routingMovedBy`), found in a thrown value or the errors that caused it.
 */
function routingMovedBy(err: unknown): { writer: string | null; target: string } | null {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    if ('routingMovedBy' in e) {
      const { routingMovedBy: writer, target } = e as { routingMovedBy: unknown; target?: unknown };
      return { writer: typeof writer === 'string' ? writer : null, target: typeof target === 'string' ? target : '' };
    }
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** How long the final switch may take to show ready endpoints of the target (Pods join slices quickly). */
const ENDPOINT_WAIT = { attempts: 5, delayMs: 2_000 };

/** The full split for a share left on the version being rolled back; every other version gets 0. */
function targetSplit(r: RollbackRecord, from: string, weight: number, current: Split): Split {
  const split: Split = Object.fromEntries(Object.keys(current).map((v) => [v, 0]));
  split[from] = weight;
  split[r.toVersion] = 100 - weight;
  return split;
}

async function readyEndpoints(d: StepDeps, checks: ServiceCluster['checks'], version: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const n = await kube(d, { op: 'read_endpoints', version }, () => checks.readyEndpoints(version));
    if (n > 0 || attempt >= ENDPOINT_WAIT.attempts) return n;
    await d.o.clock.sleep(ENDPOINT_WAIT.delayMs);
  }
}

/**
 * The split is set already (a write that landed before a restart lost its answer): while this
 * rollback holds its GitOps owner's sync paused, what the router's write would be — sent nowhere —
 * so the change to commit to git still names it. Otherwise nothing, and no extra read.
 */
async function describeInPlace(d: StepDeps, r: RollbackRecord, wanted: Split): Promise<KubeChange[]> {
  const paused = d.o.store.rollbacks
    .steps(r.id)
    .some((s) => s.detail.kind === 'gitops' && s.detail.onRollback === 'pause' && s.status === 'succeeded');
  if (!paused) return [];
  const { router } = clusterOf(d, r);
  return kube(d, { op: 'read_routing', service: r.service }, () => router.write(wanted, { dryRun: true }));
}

/** Sets the split unless it is set already; what was sent, and what the API server made it go through. */
async function write(
  d: StepDeps,
  r: RollbackRecord,
  wanted: Split,
  dryRun: boolean,
): Promise<{ changes: KubeChange[]; inPlace: KubeChange[]; trouble: KubeTrouble | null }> {
  const { router } = clusterOf(d, r);
  const isAt = async () => (router.isAt ? router.isAt(wanted) : sameSplit(await router.read(), wanted));
  if (await kube(d, { op: 'read_routing', service: r.service }, isAt))
    return { changes: [], inPlace: dryRun ? [] : await describeInPlace(d, r, wanted), trouble: null };
  const call = { op: 'write_routing' as const, service: r.service, split: wanted };
  const wrote = await withKubeWrite(call, () => router.write(wanted, { dryRun }), isAt, d.o.clock).catch(
    (err: unknown) => {
      if (d.o.onRoutingMoved && routingMovedBy(err)) throw err; // the step stops for the drift instead
      throw new StepFailedError(failureOf(err));
    },
  );
  const changes = wrote.result ?? [];
  const trouble: KubeTrouble = {
    retriedAfter: wrote.landedUnanswered ? wrote.absorbed.slice(0, -1) : wrote.absorbed,
    landedUnanswered: wrote.landedUnanswered ? { after: wrote.absorbed.at(-1) ?? null } : null,
    conflicts: changes.reduce((n, c) => n + (c.conflicts ?? 0), 0),
  };
  const any = trouble.retriedAfter.length > 0 || trouble.landedUnanswered !== null || trouble.conflicts > 0;
  return { changes, inPlace: [], trouble: any ? trouble : null };
}

export async function switchStep(d: StepDeps, ctx: StepContext, detail: SetWeightDetail): Promise<void> {
  const r = ctx.rollback;
  const { store, incidents, settings } = d.o;
  const weight = detail.weight;
  const from = fromVersion(ctx);
  begin(d, ctx); // persisted before any patch is sent
  const { router, checks } = clusterOf(d, r);
  const current = await kube(d, { op: 'read_routing', service: r.service }, () => router.read());
  const wanted = targetSplit(r, from, weight, current);
  const dryRun = r.dryRun || settings.dryRun;
  let written: Awaited<ReturnType<typeof write>>;
  try {
    written = await write(d, r, wanted, dryRun);
  } catch (err) {
    const moved = routingMovedBy(err);
    if (!moved || !d.o.onRoutingMoved) throw err;
    // Someone else set the routing under this write: nothing was written. The rollback pauses on
    // drift and this step stays unfinished, to run again from a fresh read when it is resumed.
    await d.o.onRoutingMoved({
      rollbackId: r.id,
      service: r.service,
      object: moved.target,
      writer: moved.writer,
      intended: wanted,
    });
    return;
  }
  const { changes, inPlace, trouble } = written;
  const facts: StepFact[] = [{ kind: 'traffic_set', split: wanted }];
  // Trouble the step got through is said too: a slow or contended API server is worth knowing about.
  if (trouble) facts.push({ kind: 'kube_trouble', ...trouble });
  if (dryRun) {
    for (const c of changes) facts.push({ kind: 'dry_run_change', method: c.method, target: c.target, body: c.body });
    d.o.log?.info({ rollback: r.id, changes }, 'dry run: Kubernetes changes not sent');
  } else {
    const readBack = { op: 'read_back' as const, service: r.service };
    const back = await kube(d, readBack, () => router.read());
    const isAt = async () => (router.isAt ? router.isAt(wanted) : sameSplit(await router.read(), wanted));
    if (!(await kube(d, readBack, isAt))) throw new StepFailedError({ kind: 'read_back_mismatch', back, wanted });
    facts.push(
      { kind: 'read_back', split: back },
      { kind: 'changes_sent', changes: changes.map((c) => ({ method: c.method, target: c.target })) },
    );
    if (weight === 0) {
      const count = await readyEndpoints(d, checks, r.toVersion);
      if (count === 0)
        throw new StepFailedError({ kind: 'no_ready_endpoints', version: r.toVersion, service: r.service });
      facts.push({ kind: 'ready_endpoints', count, version: r.toVersion });
    }
  }
  const plan = store.rollbacks.get(r.id)?.plan ?? r.plan;
  store.rollbacks.update(r.id, { currentPhase: detail.phase, plan: { ...plan, currentWeight: weight } });
  if (weight === 0 && r.incidentId && store.incidents.get(r.incidentId)?.status === 'rolling_back') {
    incidents.transition(r.incidentId, 'verifying', SYSTEM, { rollbackId: r.id });
  }
  finishStep(d, ctx, 'succeeded', facts, { changes, ...(inPlace.length ? { inPlace } : {}) });
}
