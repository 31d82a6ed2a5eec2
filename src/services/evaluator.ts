/**
 * The evaluator: every `evaluationInterval`, for each configured service and the
 * version(s) taking traffic, read the metrics over the observation window and run the trigger
 * tiers. critical → with `autoRollback: critical` an immediate rollback started by the bot;
 * warning → an incident with the judgment matrix; watch → a note (or one quiet head message that
 * becomes the incident if the tier rises) and the interval halved until it clears. A tier going
 * back down is noted in the thread.
 *
 * Each round is a durable timer, so evaluation survives restarts like everything else; the trigger
 * state of every service and version is a row, so a pending tier keeps its confirmation window.
 */
import { z } from 'zod';
import {
  evaluate,
  initialTriggerState,
  severityRank,
  type Breach,
  type TriggerEvent,
  type TriggerRules,
} from '../domain/triggers.ts';
import { recordedUnit } from '../domain/metrics.ts';
import { BOT_ACTOR, type Tier } from '../domain/types.ts';
import type { Store } from '../store/index.ts';
import type { AutomaticRollback } from './alert-intake.ts';
import type { Clock } from '../clock.ts';
import type { BreachRecord } from './incident-snapshot.ts';
import type { IncidentService } from './incidents.ts';
import type { ClusterPort, IncidentNotifier, MetricsSource } from './ports.ts';
import { defineTimer, type TimerService } from './timers.ts';

export const EVALUATE_TIMER = 'evaluate';
const evaluateTimer = defineTimer(EVALUATE_TIMER, z.object({ service: z.string() }));

/** What the evaluator reads and writes: each version's trigger state, and its own round timers. */
export type EvaluatorStore = {
  timers: Pick<Store['timers'], 'list' | 'pruneDone'>;
  triggerStates: Pick<Store['triggerStates'], 'get' | 'save'>;
  transaction: Store['transaction'];
};

export interface EvaluatorOptions {
  store: EvaluatorStore;
  clock: Clock;
  timers: TimerService;
  metrics: MetricsSource;
  cluster: ClusterPort | null;
  incidents: IncidentService;
  notifier: IncidentNotifier;
  rollbacks: AutomaticRollback;
  /** Fallback chain per service, newest first. */
  chains: Record<string, string[]>;
  rules: TriggerRules;
  observationWindowMs: number;
  evaluationIntervalMs: number;
  autoRollback: 'critical' | 'off';
  log?: { warn(o: object, m: string): void; info?(o: object, m: string): void };
}

const toRecord = (b: Breach): BreachRecord => ({
  metric: b.condition.metric,
  ...recordedUnit(b.condition.metric, b.condition.unit),
  op: b.condition.op,
  threshold: b.condition.threshold,
  value: b.value,
});

/** Fired evaluation rounds are kept this long (for looking back at what ran), then deleted. */
export const EVALUATION_ROUNDS_KEPT_MS = 7 * 86_400_000;
const PRUNE_EVERY_MS = 60 * 60_000;

export class Evaluator {
  private readonly routingUnreadable = new Set<string>();
  private lastPrune = Number.NEGATIVE_INFINITY;
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly o: EvaluatorOptions) {
    // A round waits on the metrics backend; it must not hold up the timer loop, where rollback
    // steps and escalations are due too. The round schedules its successor itself, and start()
    // re-arms a service whose round was lost with the process.
    o.timers.on(evaluateTimer, (t) => {
      if (this.stopped) return;
      const running = this.round(t.payload.service)
        .catch((err: unknown) =>
          this.o.log?.warn({ service: t.payload.service, err: (err as Error).message }, 'evaluation round failed'),
        )
        .finally(() => this.running.delete(running));
      this.running.add(running);
    });
  }

  /** Lets the rounds in flight finish and starts no more: called before the store closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.running]);
  }

  /** Arms the first round of every service that has none pending (idempotent; call at start). */
  start(): void {
    // One transaction, so replicas starting together on one database arm one chain of rounds per
    // service: the second sees the first's round. A round being evaluated (firing) arms its own
    // successor, so it counts as armed too. A round whose payload cannot be read arms nothing: its
    // service gets a new round.
    this.o.store.transaction(() => {
      const armed = new Set(
        [
          ...this.o.store.timers.list({ kind: EVALUATE_TIMER, status: 'pending' }),
          ...this.o.store.timers.list({ kind: EVALUATE_TIMER, status: 'firing' }),
        ].map((t) => evaluateTimer.payload.safeParse(t.payload).data?.service),
      );
      for (const service of Object.keys(this.o.chains)) {
        if (!armed.has(service)) this.schedule(service, this.o.clock.now());
      }
    });
  }

  /** One evaluation of one service; returns the highest firing tier over its live versions. */
  async round(service: string): Promise<Tier | null> {
    let highest: Tier | null = null;
    try {
      for (const version of await this.liveVersions(service)) {
        const tier = await this.evaluateVersion(service, version);
        if (tier && (!highest || severityRank(tier) > severityRank(highest))) highest = tier;
      }
    } finally {
      // The watch tier halves the interval until it clears (runbook: 監視強化).
      const interval = highest === 'watch' ? this.o.evaluationIntervalMs / 2 : this.o.evaluationIntervalMs;
      if (!this.stopped) this.schedule(service, this.o.clock.now() + interval);
    }
    return highest;
  }

  /**
   * A round per service every `evaluationInterval` is 2,880 rows a day at 30 s: at most once an
   * hour, rounds older than a week are deleted. Their keys carry their time, so none is re-armed.
   */
  private prune(now: number): void {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const removed = this.o.store.timers.pruneDone(EVALUATE_TIMER, now - EVALUATION_ROUNDS_KEPT_MS);
    if (removed > 0) this.o.log?.info?.({ removed }, 'old evaluation rounds deleted');
  }

  private schedule(service: string, dueAt: number): void {
    this.prune(this.o.clock.now());
    this.o.timers.schedule({ kind: evaluateTimer, key: `evaluate:${service}:${dueAt}`, dueAt, payload: { service } });
  }

  /** The versions taking traffic; when the router cannot be read, the newest version of the chain. */
  private async liveVersions(service: string): Promise<string[]> {
    const newest = this.o.chains[service]?.[0];
    if (!this.o.cluster) return newest ? [newest] : [];
    try {
      const split = await this.o.cluster.forService(service).router.read();
      const live = Object.entries(split)
        .filter(([, w]) => w > 0)
        .map(([v]) => v);
      this.routingUnreadable.delete(service);
      return live.length ? live : newest ? [newest] : [];
    } catch (err) {
      // Said once until the routing can be read again, not every round.
      if (!this.routingUnreadable.has(service)) {
        this.routingUnreadable.add(service);
        this.o.log?.warn(
          { service, err: (err as Error).message },
          'cannot read the routing; evaluating the newest version',
        );
      }
      return newest ? [newest] : [];
    }
  }

  private async evaluateVersion(service: string, version: string): Promise<Tier | null> {
    const now = this.o.clock.now();
    const sample = await this.o.metrics.sample(service, version, this.o.observationWindowMs).catch(() => ({}));
    const state = this.o.store.triggerStates.get(service, version) ?? initialTriggerState();
    const result = evaluate(state, sample, now, this.o.rules);
    this.o.store.triggerStates.save(service, version, result.state, now);
    for (const event of result.events) await this.react(service, version, event);
    return result.tier;
  }

  private async react(service: string, version: string, e: TriggerEvent): Promise<void> {
    const open = this.o.incidents.openFor(service);
    if (e.type === 'cleared') {
      if (open) {
        this.o.incidents.record(open.id, 'tier_cleared', BOT_ACTOR, { tier: e.tier, version });
        this.o.notifier.notice(open.id, { kind: 'tier_cleared', tier: e.tier, version });
      }
      return;
    }
    const breaches = e.breaches.map(toRecord);
    const title = e.breaches.map((b) => b.condition.text).join(', ');
    if (!open) {
      const { incident } = this.o.incidents.open(
        { service, version, severity: e.tier, title, drill: false, breaches },
        BOT_ACTOR,
      );
      // A watch is a quiet head message; it asks for a decision only if the tier rises.
      if (e.tier !== 'watch')
        this.o.incidents.transition(incident.id, 'awaiting_decision', BOT_ACTOR, { tier: e.tier });
      this.o.notifier.notice(incident.id, { kind: 'tier_fired', tier: e.tier, version, breaches });
      if (e.tier === 'critical' && this.o.autoRollback === 'critical') await this.automatic(incident.id, title);
      return;
    }
    this.o.incidents.record(open.id, 'trigger', BOT_ACTOR, { tier: e.tier, version, breaches });
    this.o.notifier.notice(open.id, { kind: 'tier_fired', tier: e.tier, version, breaches });
    if (severityRank(e.tier) > severityRank(open.severity)) {
      const raised = this.o.incidents.raiseSeverity(open.id, e.tier, version, BOT_ACTOR);
      if (raised.status === 'detected')
        this.o.incidents.transition(open.id, 'awaiting_decision', BOT_ACTOR, { tier: e.tier });
      if (e.tier === 'critical' && this.o.autoRollback === 'critical') await this.automatic(open.id, title);
    }
  }

  private async automatic(incidentId: string, title: string): Promise<void> {
    try {
      await this.o.rollbacks.automatic(incidentId, `critical: ${title}`);
    } catch (err) {
      this.o.log?.warn({ incident: incidentId, err: (err as Error).message }, 'automatic rollback could not start');
    }
  }
}
