/**
 * What each step of a rollback does (runbook 即座ロールバック / 段階的ロールバック), reporting each
 * one in the incident thread with its time against the runbook's budget.
 */
import { conditionHolds, formatValue } from '../domain/conditions.ts';
import { METRIC_NAMES, type MetricSample } from '../domain/metrics.ts';
import { busiestVersion, phasesToSkip, revertSteps, sameSplit, type PlannedStep, type StepKind } from '../domain/rollback-plan.ts';
import { verificationVerdict, type MetricMove } from '../domain/verification.ts';
import { formatZoned } from '../domain/zoned-time.ts';
import type { RollbackRecord, RollbackStep, Store } from '../store/index.ts';
import { withKubeRetry, withKubeWrite } from './kube-retry.ts';
import type { KubeChange, ServiceCluster, Split } from './ports.ts';
import type { RollbackEngineOptions } from './rollback-engine.ts';

export interface StepContext {
  rollback: RollbackRecord;
  step: RollbackStep;
  steps: RollbackStep[];
  tick: number | undefined;
}

export const ROLLBACK_TIMER = 'rollback';

/** A planned step as its row: pending, with what the runner needs in `detail`. */
export function addPlannedStep(store: Store, rollbackId: string, step: PlannedStep, extra: Record<string, unknown> = {}): RollbackStep {
  return store.rollbacks.addStep(rollbackId, {
    name: step.name,
    status: 'pending',
    budgetMs: step.budgetMs,
    detail: { kind: step.kind, weight: step.weight ?? null, observeMs: step.observeMs ?? null, verifyMs: step.verifyMs ?? null, phase: step.phase, ...extra },
  });
}

type Schedule = (rollbackId: string, seq: number, dueAt: number, tick?: number) => void;

const SYSTEM = { kind: 'system' as const, id: 'rollback-engine' };
/** How long the final switch may take to show ready endpoints of the target (Pods join slices quickly). */
const ENDPOINT_WAIT = { attempts: 5, delayMs: 2_000 };

function splitText(split: Split): string {
  const parts = Object.entries(split).filter(([, w]) => w > 0);
  return parts.length ? parts.map(([v, w]) => `${v} ${Math.round(w)}%`).join(' / ') : 'no traffic';
}

function sampleText(sample: MetricSample | null): string {
  if (!sample) return 'not measured';
  const parts = METRIC_NAMES.filter((m) => sample[m] !== undefined).map((m) => `${m} ${formatValue(m, sample[m] ?? 0)}`);
  return parts.length ? parts.join(', ') : 'no metric could be read';
}

export class StepRunner {
  constructor(
    private readonly o: RollbackEngineOptions,
    private readonly schedule: Schedule,
  ) {}

  kube<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withKubeRetry(what, fn, this.o.clock);
  }

  async run(ctx: StepContext): Promise<void> {
    const kind = ctx.step.detail.kind;
    try {
      if (kind === 'confirm') return await this.confirm(ctx);
      if (kind === 'set_weight') return await this.setWeight(ctx);
      if (kind === 'observe') return await this.observe(ctx);
      if (kind === 'verify') return await this.verify(ctx);
      if (kind === 'post_actions') return await this.postActions(ctx);
      if (kind === 'stop') return await this.stopCanary(ctx);
      throw new Error(`unknown step kind ${String(kind)}`);
    } catch (err) {
      await this.fail(ctx, err instanceof Error ? err.message : String(err));
    }
  }

  private cluster(r: RollbackRecord): ServiceCluster {
    return this.o.cluster.forService(r.service);
  }

  /** The full split for a share left on the version being rolled back; every other version gets 0. */
  private target(r: RollbackRecord, from: string, weight: number, current: Split): Split {
    const split: Split = Object.fromEntries(Object.keys(current).map((v) => [v, 0]));
    split[from] = weight;
    split[r.toVersion] = 100 - weight;
    return split;
  }

  private fromVersion(ctx: StepContext): string {
    const confirmed = ctx.steps.find((s) => s.detail.kind === 'confirm')?.detail.from;
    if (typeof confirmed === 'string') return confirmed;
    if (ctx.rollback.fromVersion) return ctx.rollback.fromVersion;
    throw new Error('the version being rolled back is not known');
  }

  private begin(ctx: StepContext, detail: Record<string, unknown> = {}): RollbackStep {
    const startedAt = typeof ctx.step.startedAt === 'number' ? ctx.step.startedAt : this.o.clock.now();
    return this.o.store.rollbacks.updateStep(ctx.rollback.id, ctx.step.seq, { status: 'running', startedAt, detail: { ...ctx.step.detail, ...detail } });
  }

  /** Marks the step done, tells the thread, and schedules the next pending step now. */
  private finishStep(ctx: StepContext, status: 'succeeded' | 'skipped', facts: Array<[string, string]>, detail: Record<string, unknown> = {}, moves?: MetricMove[]): void {
    const now = this.o.clock.now();
    const fresh = this.o.store.rollbacks.steps(ctx.rollback.id).find((s) => s.seq === ctx.step.seq) ?? ctx.step;
    const startedAt = fresh.startedAt ?? now;
    this.o.store.transaction(() => {
      this.o.store.rollbacks.updateStep(ctx.rollback.id, ctx.step.seq, { status, finishedAt: now, startedAt, detail: { ...fresh.detail, ...detail } });
      const next = this.o.store.rollbacks.steps(ctx.rollback.id).find((s) => s.status === 'pending');
      if (next) this.schedule(ctx.rollback.id, next.seq, now);
    });
    this.notice(ctx, status, now - startedAt, facts, moves);
  }

  private notice(ctx: StepContext, status: 'succeeded' | 'failed' | 'skipped', elapsedMs: number, facts: Array<[string, string]>, moves?: MetricMove[]): void {
    if (!ctx.rollback.incidentId) return;
    this.o.notifier.notice(ctx.rollback.incidentId, {
      kind: 'rollback_step',
      rollbackId: ctx.rollback.id,
      seq: ctx.step.seq,
      total: ctx.steps.length,
      name: ctx.step.name,
      status,
      elapsedMs,
      budgetMs: ctx.step.budgetMs,
      facts,
      ...(moves ? { moves } : {}),
    });
    this.o.notifier.changed(ctx.rollback.incidentId);
  }

  /** Step 1 (問題の確認): the current split, the version affected, and the metrics that fired. */
  private async confirm(ctx: StepContext): Promise<void> {
    this.begin(ctx);
    const r = ctx.rollback;
    const split = await this.kube(`read ${r.service} routing`, () => this.cluster(r).router.read());
    const from = r.fromVersion ?? busiestVersion(split);
    if (!from) throw new Error(`cannot tell which version of ${r.service} is serving`);
    // A canary starts from all traffic on the stable version; anything else is not what was planned.
    if (r.strategy === 'canary' && (split[from] ?? 0) < 99) {
      throw new Error(`routing shows ${splitText(split)}, not all traffic on ${from}: a canary starts from the stable version. Nothing was changed; settle the routing (a rollback to ${from}) first`);
    }
    const baseline = this.o.metrics ? await this.o.metrics.sample(r.service, from, this.o.settings.observationWindowMs).catch(() => ({})) : null;
    const snapshotBreaches = r.incidentId
      ? this.o.store.incidents.timeline(r.incidentId).flatMap((e) => (Array.isArray(e.detail.breaches) ? (e.detail.breaches as Array<{ metric: string }>).map((b) => b.metric) : []))
      : [];
    const startWeight = split[from] ?? 100;
    this.o.store.rollbacks.update(r.id, { plan: { ...(r.plan as object), currentWeight: startWeight, startWeight } });
    const skipped = r.strategy === 'gradual' ? this.skipPhasesAbove(ctx, startWeight) : [];
    // A canary confirms the stable version it starts from; a rollback the version that misbehaves.
    const facts: Array<[string, string]> =
      r.strategy === 'canary'
        ? [['stable', from], ['fix', r.toVersion], ['traffic now', splitText(split)], [`metrics of ${from} now`, sampleText(baseline)]]
        : [
            ['version affected', from],
            ['traffic now', splitText(split)],
            ['metrics now', sampleText(baseline)],
            ...(snapshotBreaches.length ? ([['fired', [...new Set(snapshotBreaches)].join(', ')]] as Array<[string, string]>) : []),
            ...(skipped.length ? ([['phases skipped', `${skipped.map((w) => `${w}%`).join(', ')}: ${from} has ${startWeight}% already`]] as Array<[string, string]>) : []),
          ];
    this.finishStep(ctx, 'succeeded', facts, { from, split, baseline });
  }

  /**
   * The traffic moved since the plan was made (or it was made without reading it): a phase at or
   * above the share the version has now would send traffic back to it, so its steps are skipped —
   * the rule the dialog showed (phasesFrom). Returns the weights skipped.
   */
  private skipPhasesAbove(ctx: StepContext, startWeight: number): number[] {
    const pending = ctx.steps.filter((s) => s.status === 'pending');
    const planned = pending.map((s) => ({ kind: s.detail.kind as StepKind, weight: typeof s.detail.weight === 'number' ? s.detail.weight : undefined, phase: typeof s.detail.phase === 'number' ? s.detail.phase : null }));
    const phases = new Set(phasesToSkip(planned, startWeight));
    if (phases.size === 0) return [];
    const now = this.o.clock.now();
    for (const s of pending) {
      if (typeof s.detail.phase === 'number' && phases.has(s.detail.phase)) this.o.store.rollbacks.updateStep(ctx.rollback.id, s.seq, { status: 'skipped', finishedAt: now });
    }
    return pending.filter((s) => s.detail.kind === 'set_weight' && typeof s.detail.phase === 'number' && phases.has(s.detail.phase)).map((s) => Number(s.detail.weight));
  }

  /** Step 2 (ルーティング切り替え) or a gradual phase: set the split, read it back, check endpoints. */
  private async setWeight(ctx: StepContext): Promise<void> {
    const r = ctx.rollback;
    const weight = Number(ctx.step.detail.weight ?? 0);
    const from = this.fromVersion(ctx);
    this.begin(ctx); // persisted before any patch is sent
    const { router, checks } = this.cluster(r);
    const current = await this.kube(`read ${r.service} routing`, () => router.read());
    const wanted = this.target(r, from, weight, current);
    const dryRun = r.dryRun || this.o.settings.dryRun;
    const isAt = async () => (router.isAt ? router.isAt(wanted) : sameSplit(await router.read(), wanted));
    let changes: KubeChange[] = [];
    const trouble: string[] = [];
    if (!(await this.kube(`read ${r.service} routing`, isAt))) {
      const wrote = await withKubeWrite(`set ${r.service} routing to ${splitText(wanted)}`, () => router.write(wanted, { dryRun }), isAt, this.o.clock);
      changes = wrote.result ?? [];
      const resent = wrote.landedUnanswered ? wrote.absorbed.slice(0, -1) : wrote.absorbed;
      trouble.push(...resent.map((a) => `retried after ${a}`));
      if (wrote.landedUnanswered) trouble.push(`${wrote.absorbed.at(-1) ?? 'no answer'}, yet the change had landed: read back, not sent again`);
      const conflicts = changes.reduce((n, c) => n + (c.conflicts ?? 0), 0);
      if (conflicts > 0) trouble.push(`${conflicts} × 409 Conflict (another writer changed the object): re-read and applied on top of its change`);
    }
    const facts: Array<[string, string]> = [['traffic', splitText(wanted)]];
    // Trouble the step got through is said too: a slow or contended API server is worth knowing about.
    if (trouble.length > 0) facts.push(['Kubernetes API', trouble.join('; ')]);
    if (dryRun) {
      for (const c of changes) facts.push(['dry run, not sent', `${c.method} ${c.target} ${JSON.stringify(c.body)}`]);
      this.o.log?.info({ rollback: r.id, changes }, 'dry run: Kubernetes changes not sent');
    } else {
      const back = await this.kube(`read back ${r.service} routing`, () => router.read());
      if (!(await this.kube(`read back ${r.service} routing`, isAt))) throw new Error(`routing read back as ${splitText(back)}, expected ${splitText(wanted)}`);
      facts.push(['read back', splitText(back)], ['changes sent', changes.length ? changes.map((c) => `${c.method} ${c.target}`).join(', ') : 'none needed (already set)']);
      if (weight === 0) {
        const endpoints = await this.readyEndpoints(checks, r.toVersion);
        if (endpoints === 0) throw new Error(`no ready endpoints of ${r.toVersion} behind ${r.service} after the switch`);
        facts.push(['ready endpoints', `${endpoints} of ${r.toVersion}`]);
      }
    }
    const phase = typeof ctx.step.detail.phase === 'number' ? ctx.step.detail.phase : null;
    this.o.store.rollbacks.update(r.id, { currentPhase: phase, plan: { ...(this.o.store.rollbacks.get(r.id)?.plan as object), currentWeight: weight } });
    if (weight === 0 && r.incidentId && this.o.store.incidents.get(r.incidentId)?.status === 'rolling_back') {
      this.o.incidents.transition(r.incidentId, 'verifying', SYSTEM, { rollbackId: r.id });
    }
    this.finishStep(ctx, 'succeeded', facts, { changes });
  }

  private async readyEndpoints(checks: ServiceCluster['checks'], version: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const n = await this.kube(`read endpoints of ${version}`, () => checks.readyEndpoints(version));
      if (n > 0 || attempt >= ENDPOINT_WAIT.attempts) return n;
      await this.o.clock.sleep(ENDPOINT_WAIT.delayMs);
    }
  }

  /** A gradual phase's observation: abortIf at every evaluation; straight to 0 when it holds. */
  private async observe(ctx: StepContext): Promise<void> {
    const r = ctx.rollback;
    const now = this.o.clock.now();
    const s = this.o.settings;
    if (ctx.tick === undefined) {
      const observeMs = Number(ctx.step.detail.observeMs ?? 0);
      this.begin(ctx, { observeUntil: now + observeMs, tick: 1 });
      this.schedule(r.id, ctx.step.seq, now + Math.min(s.evaluationIntervalMs, observeMs), 1);
      return;
    }
    // A rollback watches the version it drains; a canary watches the fix it is bringing in.
    const canary = r.strategy === 'canary';
    const watched = canary ? r.toVersion : this.fromVersion(ctx);
    let sample: MetricSample | null = null;
    if (this.o.metrics) {
      sample = await this.o.metrics.sample(r.service, watched, s.observationWindowMs).catch(() => ({}));
      const holds = conditionHolds(s.abortIf, sample);
      // A metric that cannot be read never counts as healthy; the safe direction is away from the watched version.
      if (holds !== false) {
        const value = sample[s.abortIf.metric];
        const why = holds === undefined ? `${s.abortIf.metric} of ${watched} could not be read` : `${s.abortIf.metric} of ${watched} ${formatValue(s.abortIf.metric, value ?? 0)} (abortIf: ${s.abortIf.text})`;
        return canary ? this.revertCanary(r, ctx.step, why, 'abortIf held') : this.abortToZero(ctx, why);
      }
    }
    const until = Number(ctx.step.detail.observeUntil ?? now);
    if (now >= until) {
      const facts: Array<[string, string]> = [[canary ? `metrics of ${watched}` : 'metrics', sampleText(sample)]];
      if (!this.o.metrics) facts.push(['abortIf', 'not checked: no metrics provider is configured']);
      return this.finishStep(ctx, 'succeeded', facts);
    }
    const tick = ctx.tick + 1;
    this.o.store.rollbacks.updateStep(r.id, ctx.step.seq, { detail: { ...ctx.step.detail, tick, lastSample: sample } });
    this.schedule(r.id, ctx.step.seq, Math.min(until, now + s.evaluationIntervalMs), tick);
  }

  /** abortIf held: skip the remaining phases and run the final switch to 0 now. */
  private async abortToZero(ctx: StepContext, why: string): Promise<void> {
    const now = this.o.clock.now();
    const r = ctx.rollback;
    const steps = this.o.store.rollbacks.steps(r.id);
    const final = steps.find((s) => s.detail.kind === 'set_weight' && s.detail.weight === 0);
    this.o.store.transaction(() => {
      this.o.store.rollbacks.updateStep(r.id, ctx.step.seq, { status: 'failed', finishedAt: now, detail: { ...ctx.step.detail, abortIf: why } });
      for (const s of steps) {
        if (s.status === 'pending' && final && s.seq < final.seq) this.o.store.rollbacks.updateStep(r.id, s.seq, { status: 'skipped', finishedAt: now });
      }
      if (final) this.schedule(r.id, final.seq, now);
    });
    this.notice(ctx, 'failed', now - (ctx.step.startedAt ?? now), [['abortIf held', why], ['next', 'straight to 0% on the new version']]);
  }

  /**
   * Step 3 (検証): the target's metrics sampled at every evaluation across the verify window; then
   * before → after for every trigger metric against its thresholds, a sparkline of the window, and
   * a verdict. Not recovered: the rollback fails, escalation is called, and the next version down
   * the chain is offered in the thread.
   */
  private async verify(ctx: StepContext): Promise<void> {
    const r = ctx.rollback;
    const s = this.o.settings;
    const now = this.o.clock.now();
    if (!this.o.metrics) {
      this.begin(ctx);
      return this.finishStep(ctx, 'skipped', [['verification', 'no metrics provider is configured: a person confirms recovery and resolves']]);
    }
    const windowMs = typeof ctx.step.detail.verifyMs === 'number' ? ctx.step.detail.verifyMs : s.verifyWindowMs;
    if (ctx.tick === undefined) {
      this.begin(ctx, { verifyUntil: now + windowMs, series: {} });
      this.schedule(r.id, ctx.step.seq, now + Math.min(s.evaluationIntervalMs, windowMs), 1);
      return;
    }
    const sample = await this.o.metrics.sample(r.service, r.toVersion, s.evaluationIntervalMs).catch(() => ({}) as MetricSample);
    const series = { ...((ctx.step.detail.series ?? {}) as Record<string, Array<[number, number | null]>>) };
    for (const m of METRIC_NAMES) {
      const v = sample[m];
      series[m] = [...(series[m] ?? []), [now, v === undefined ? Number.NaN : v]];
    }
    const until = Number(ctx.step.detail.verifyUntil ?? now);
    if (now < until) {
      const tick = ctx.tick + 1;
      this.o.store.rollbacks.updateStep(r.id, ctx.step.seq, { detail: { ...ctx.step.detail, tick, series } });
      this.schedule(r.id, ctx.step.seq, Math.min(until, now + s.evaluationIntervalMs), tick);
      return;
    }
    const before = (ctx.steps.find((x) => x.detail.kind === 'confirm')?.detail.baseline ?? {}) as MetricSample;
    const after = await this.o.metrics.sample(r.service, r.toVersion, windowMs).catch(() => ({}) as MetricSample);
    const verdict = verificationVerdict(before, after, series, s.tiers);
    this.o.store.rollbacks.updateStep(r.id, ctx.step.seq, { detail: { ...ctx.step.detail, series, after } });
    if (verdict.recovered) return this.finishStep(ctx, 'succeeded', [['verdict', 'recovered']], { after, recovered: true }, verdict.moves);
    const why = `not healthy after ${Math.round(windowMs / 60_000)}m on ${r.toVersion}: ${verdict.breaching.join(', ') || 'metrics could not be read'}`;
    if (r.strategy === 'canary') return this.revertCanary(r, ctx.step, why, 'verdict', verdict.moves);
    if (r.incidentId) this.o.notifier.notice(r.incidentId, { kind: 'not_recovered', rollbackId: r.id, incidentId: r.incidentId, breaching: verdict.breaching });
    throw new Error(why.replace('not healthy', 'not recovered'));
  }

  /** Step 4 (事後対応): hand the incident on; the rollback is done. */
  private async postActions(ctx: StepContext): Promise<void> {
    this.begin(ctx);
    const r = ctx.rollback;
    const recovered = ctx.steps.some((x) => x.detail.kind === 'verify' && x.detail.recovered === true);
    if (r.strategy === 'canary') return this.canaryDone(ctx, recovered);
    const facts: Array<[string, string]> = [['incident', r.incidentId ?? 'none'], ['recovery', recovered ? 'confirmed by metrics' : 'to be confirmed by a person']];
    if (r.incidentId && this.o.postActions) {
      const { postMortemAt } = this.o.postActions.afterRollback(r.incidentId);
      facts.push(['stakeholders', 'notified'], ['post-mortem', formatZoned(postMortemAt, this.o.settings.timezone)]);
    }
    this.finishStep(ctx, 'succeeded', facts);
    const done = this.o.store.rollbacks.update(r.id, { status: 'succeeded', finishedAt: this.o.clock.now() }, 'running');
    if (!done) return;
    await this.finished(done, 'succeeded', done.dryRun || this.o.settings.dryRun ? 'dry run: no change was sent to the cluster, traffic did not move' : null);
    // 正常復旧確認: the metrics confirmed recovery, so the incident is resolved — after the rollback's end is on record.
    if (recovered && r.incidentId && this.o.store.incidents.get(r.incidentId)?.status === 'verifying') {
      this.o.incidents.resolve(r.incidentId, SYSTEM, { rollbackId: r.id, reason: 'recovered after rollback' });
    }
  }

  /** The fix serves all traffic and held up: the canary is done; a 修正を試みる incident is resolved by it. */
  private async canaryDone(ctx: StepContext, healthy: boolean): Promise<void> {
    const r = ctx.rollback;
    this.finishStep(ctx, 'succeeded', [
      ['fix', `${r.toVersion} serves all traffic`],
      ['health', healthy ? 'confirmed by metrics' : 'to be confirmed by a person'],
    ]);
    const done = this.o.store.rollbacks.update(r.id, { status: 'succeeded', finishedAt: this.o.clock.now() }, 'running');
    if (!done) return;
    await this.finished(done, 'succeeded', done.dryRun || this.o.settings.dryRun ? 'dry run: no change was sent to the cluster, traffic did not move' : null);
    if (healthy && r.incidentId && this.o.store.incidents.get(r.incidentId)?.status === 'fixing') {
      this.o.incidents.resolve(r.incidentId, SYSTEM, { rollbackId: r.id, reason: `fix ${r.toVersion} deployed as a cautious canary` });
    }
  }

  /**
   * Stops a canary: the step that saw the problem fails, the remaining steps are skipped, and two
   * steps are added — all traffic back on the stable version, then the end as aborted. Called from
   * a watch (abortIf, verdict), a failed step, or Abort; a second call while one is queued does nothing.
   */
  async revertCanary(r: RollbackRecord, failing: RollbackStep | null, why: string, label = 'stopped', moves?: MetricMove[]): Promise<void> {
    const now = this.o.clock.now();
    const steps = this.o.store.rollbacks.steps(r.id);
    if (steps.some((x) => x.detail.kind === 'stop')) {
      // Already on its way back; if someone paused that, Abort means "go back now".
      if (this.o.store.rollbacks.update(r.id, { status: 'running' }, 'paused')) {
        const next = steps.find((x) => x.status === 'pending' || x.status === 'running');
        if (next) this.schedule(r.id, next.seq, now);
      }
      return;
    }
    const confirmed = steps.find((x) => x.detail.kind === 'confirm')?.detail.from;
    const from = typeof confirmed === 'string' ? confirmed : (r.fromVersion ?? 'the stable version');
    const queued = this.o.store.transaction(() => {
      const fresh = this.o.store.rollbacks.get(r.id);
      if (!fresh || !['running', 'paused'].includes(fresh.status)) return false;
      if (fresh.status === 'paused') this.o.store.rollbacks.update(r.id, { status: 'running' }, 'paused');
      this.o.timers.cancelWhere(ROLLBACK_TIMER, `rollback:${r.id}:`);
      for (const x of steps) {
        if (failing && x.seq === failing.seq) this.o.store.rollbacks.updateStep(r.id, x.seq, { status: 'failed', finishedAt: now, detail: { ...x.detail, stoppedBecause: why } });
        else if (x.status === 'pending' || x.status === 'running') this.o.store.rollbacks.updateStep(r.id, x.seq, { status: 'skipped', finishedAt: now });
      }
      const [back] = revertSteps().map((step) => addPlannedStep(this.o.store, r.id, step, { reason: why, revert: true }));
      if (back) this.schedule(r.id, back.seq, now);
      return true;
    });
    if (!queued || !r.incidentId) return;
    const step = failing ?? steps.find((x) => x.status === 'running') ?? null;
    const total = this.o.store.rollbacks.steps(r.id).length;
    this.o.notifier.notice(r.incidentId, {
      kind: 'rollback_step',
      rollbackId: r.id,
      seq: step?.seq ?? total - 1,
      total,
      name: step?.name ?? 'canary',
      status: 'failed',
      elapsedMs: now - (step?.startedAt ?? now),
      budgetMs: step?.budgetMs ?? null,
      facts: [[label, why], ['next', `canary back to 0%: all traffic on ${from}`]],
      ...(moves ? { moves } : {}),
    });
    this.o.notifier.changed(r.incidentId);
  }

  /** The canary is back on the stable version: it ends as aborted, with the reason it was stopped. */
  private async stopCanary(ctx: StepContext): Promise<void> {
    this.begin(ctx);
    const reason = typeof ctx.step.detail.reason === 'string' ? ctx.step.detail.reason : 'stopped';
    const stopped = this.o.store.rollbacks.update(ctx.rollback.id, { status: 'aborted', finishedAt: this.o.clock.now(), error: reason }, 'running');
    this.finishStep(ctx, 'succeeded', [['reason', reason]]);
    if (stopped) await this.finished(stopped, 'aborted', `${reason}; all traffic is back on ${stopped.fromVersion ?? 'the stable version'}`);
  }

  async finished(r: RollbackRecord, outcome: 'succeeded' | 'failed' | 'aborted', reason: string | null): Promise<void> {
    if (!r.incidentId) return;
    this.o.incidents.record(r.incidentId, `${r.strategy === 'canary' ? 'canary' : 'rollback'}_${outcome}`, SYSTEM, { rollbackId: r.id, reason });
    if (outcome !== 'succeeded') {
      const incident = this.o.store.incidents.get(r.incidentId);
      if (incident && (incident.status === 'rolling_back' || incident.status === 'verifying')) {
        this.o.incidents.transition(r.incidentId, 'awaiting_decision', SYSTEM, { rollbackId: r.id, reason });
      }
    }
    this.o.notifier.notice(r.incidentId, { kind: 'rollback_finished', rollbackId: r.id, outcome, reason });
    this.o.notifier.changed(r.incidentId);
  }

  /** The step failed for good: say plainly what failed, escalate, and give the decision back. */
  private async fail(ctx: StepContext, message: string): Promise<void> {
    const now = this.o.clock.now();
    const r = ctx.rollback;
    this.o.log?.error({ rollback: r.id, step: ctx.step.name, err: message }, 'rollback step failed');
    // A canary that cannot go on goes back, unless going back is what failed, or no traffic moved yet.
    const moved = ctx.steps.some((x) => x.detail.kind === 'set_weight' && x.status !== 'pending' && x.status !== 'skipped');
    if (r.strategy === 'canary' && ctx.step.detail.revert !== true && moved) return this.revertCanary(r, ctx.step, message, 'error');
    // The step as stored now: `begin` set its start after the context was read.
    const startedAt = this.o.store.rollbacks.steps(r.id).find((x) => x.seq === ctx.step.seq)?.startedAt ?? ctx.step.startedAt ?? now;
    this.o.store.rollbacks.updateStep(r.id, ctx.step.seq, { status: 'failed', finishedAt: now, detail: { ...ctx.step.detail, error: message } });
    const failed = this.o.store.rollbacks.update(r.id, { status: 'failed', finishedAt: now, error: message });
    this.notice(ctx, 'failed', now - startedAt, [['error', message]]);
    if (failed) await this.finished(failed, 'failed', message);
    // A canary runs after its incident was resolved: traffic stuck half-way back still needs a person.
    if (r.incidentId) await this.o.escalations.escalateNow(r.incidentId, `${r.strategy === 'canary' ? 'canary' : 'rollback'} ${r.id} failed: ${message}`, now, { evenIfResolved: r.strategy === 'canary' && ctx.step.detail.revert === true });
  }
}
