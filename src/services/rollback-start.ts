/**
 * Starting a rollback that has its approvals (rollback-requests.ts): the row is claimed with a
 * conditional update (`pending` → `running`), so only one caller ever reaches the engine, and a
 * preflight the engine refuses marks the rollback failed and gives the incident back to people.
 *
 * Between the claim and the engine's plan (its preflight reads Kubernetes) the rollback lives only
 * in the process that claimed it. So the claim arms a watchdog timer in the same transaction: when
 * that process dies before the plan is stored, the watchdog fires on whichever process runs timers
 * (another replica, or this one restarted) and starts the engine again. The engine plans a rollback
 * once, so a watchdog that fires while the first start is merely slow changes nothing.
 */
import { finishReasonLine, type FinishReason, type StartProblem } from '../domain/step-facts.ts';
import type { Actor } from '../domain/types.ts';
import type { RollbackRecord, Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { IncidentService } from './incidents.ts';
import type { IncidentNotice, IncidentNotifier, RollbackEngine } from './ports.ts';
import { KubeCallError } from './kube-retry.ts';
import { StartRefusedError } from './rollback/index.ts';
import { ok, refuse, type Outcome } from './refusals.ts';
import { z } from 'zod';
import { BOT_ACTOR } from '../domain/types.ts';
import { defineTimer, type TimerService } from './timers.ts';

/** How long a claimed rollback may go unplanned before another process starts it (clock time). */
export const START_WATCHDOG_MS = 60_000;
const startWatchdog = defineTimer('rollback_start', z.object({ rollbackId: z.string() }));
const watchdogKey = (rollbackId: string) => `rollback-start:${rollbackId}`;

/**
 * Whether the caller waits for the engine's preflight (it reads Kubernetes): a person confirming a
 * dialog does, so a refusal (no ready replicas) answers them; the bot's own automatic rollback
 * does not, so the webhook or evaluator that raised it is never held up by the cluster.
 */
export type EngineWait = 'await' | 'background';

export type StartResult = { state: 'started'; rollback: RollbackRecord };

/** The notice of a rollback that ended before the engine ran it: why, as data and as the English line. */
export function endedNotice(rollbackId: string, outcome: 'failed' | 'aborted', why: FinishReason): IncidentNotice {
  return { kind: 'rollback_finished', rollbackId, outcome, reason: finishReasonLine(why), why };
}

/** What a start reads and writes: the rollback's row and the incident it reports in. */
export type RollbackStartStore = {
  rollbacks: Pick<Store['rollbacks'], 'get' | 'update' | 'steps'>;
  incidents: Pick<Store['incidents'], 'get'>;
  transaction: Store['transaction'];
};

export interface RollbackStartOptions {
  store: RollbackStartStore;
  clock: Clock;
  incidents: IncidentService;
  engine: RollbackEngine;
  notifier: IncidentNotifier;
  timers: TimerService;
  log?: { error(obj: object, msg: string): void };
  /** Resolves when background work may run; incoming requests are answered first (main: the HTTP server's activity). */
  yieldToRequests?: () => Promise<void>;
}

export class RollbackStarter {
  /** Engine starts nobody awaits (automatic rollbacks), so shutdown and tests can wait for them. */
  private readonly starting = new Set<Promise<void>>();

  constructor(private readonly o: RollbackStartOptions) {
    o.timers.on(startWatchdog, (t) => this.onWatchdog(t.payload.rollbackId));
  }

  /** Claims the row (pending → running) and runs the engine; only the winner reaches the engine. */
  async start(rollback: RollbackRecord, actor: Actor, engineWait: EngineWait = 'await'): Promise<Outcome<StartResult>> {
    const claimed = this.claim(rollback, actor);
    if (!claimed) return refuse({ kind: 'rollback_running', rollbackId: rollback.id });
    return this.run(claimed, actor, engineWait);
  }

  /**
   * Claims the row (pending → running), arms the watchdog and records the start on the incident, all
   * in one transaction — the caller's, when it holds one: a request decided and claimed in one commit
   * either starts or leaves nothing behind. Null when the row is no longer pending (another caller won).
   */
  claim(rollback: RollbackRecord, actor: Actor): RollbackRecord | null {
    return this.o.store.transaction(() => {
      const row = this.o.store.rollbacks.update(rollback.id, { status: 'running' }, 'pending');
      if (!row) return null;
      this.o.timers.schedule({
        kind: startWatchdog,
        key: watchdogKey(row.id),
        dueAt: this.o.clock.now() + START_WATCHDOG_MS,
        payload: { rollbackId: row.id },
      });
      this.recordStart(row, actor);
      return row;
    });
  }

  private recordStart(claimed: RollbackRecord, actor: Actor): void {
    const incidentId = claimed.incidentId;
    if (!incidentId) return;
    // A canary brings a fix in after (or instead of) a rollback: the incident keeps its status.
    const canary = claimed.strategy === 'canary';
    const incident = this.o.store.incidents.get(incidentId);
    if (incident && !canary && incident.status !== 'rolling_back') {
      this.o.incidents.transition(incidentId, 'rolling_back', actor, {
        rollbackId: claimed.id,
        strategy: claimed.strategy,
      });
    }
    this.o.incidents.record(incidentId, canary ? 'canary_started' : 'rollback_started', actor, {
      rollbackId: claimed.id,
      from: claimed.fromVersion,
      to: claimed.toVersion,
      strategy: claimed.strategy,
    });
  }

  /** Hands a rollback claimed by `claim` (and committed) to the engine: awaited, or in the background. */
  async run(claimed: RollbackRecord, actor: Actor, engineWait: EngineWait = 'await'): Promise<Outcome<StartResult>> {
    const incidentId = claimed.incidentId;
    const canary = claimed.strategy === 'canary';
    if (engineWait === 'background') {
      // Started once incoming requests give way: a burst of critical alerts is answered first.
      const engine = (this.o.yieldToRequests?.() ?? Promise.resolve()).then(() => this.startEngine(claimed, actor));
      const running = engine
        .then((failure) => {
          if (!incidentId) return;
          // Nobody is waiting for an answer, so the thread is where a failure is told.
          if (failure !== null)
            this.o.notifier.notice(
              incidentId,
              endedNotice(claimed.id, 'failed', { kind: 'not_started', problem: failure }),
            );
          else this.o.notifier.changed(incidentId);
        })
        .catch((err: unknown) =>
          this.o.log?.error(
            { rollback: claimed.id, err: err instanceof Error ? err.message : String(err) },
            'rollback start could not be recorded',
          ),
        )
        .finally(() => this.starting.delete(running));
      this.starting.add(running);
      if (incidentId) this.o.notifier.changed(incidentId);
      return ok({ state: 'started', rollback: claimed });
    }
    const failure = await this.startEngine(claimed, actor);
    if (failure !== null) {
      return refuse({ kind: 'start_failed', what: canary ? 'canary' : 'rollback', problem: failure });
    }
    if (incidentId) this.o.notifier.changed(incidentId);
    return ok({ state: 'started', rollback: this.o.store.rollbacks.get(claimed.id) ?? claimed });
  }

  /**
   * Hands the claimed rollback to the engine. A refusal or failure of its preflight marks the
   * rollback failed and gives the incident back to people; resolves with why it did not start, or null.
   */
  private async startEngine(claimed: RollbackRecord, actor: Actor): Promise<StartProblem | null> {
    try {
      await this.o.engine.start(claimed);
      this.o.timers.cancel(watchdogKey(claimed.id));
      return null;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const canary = claimed.strategy === 'canary';
      const incidentId = claimed.incidentId;
      this.o.log?.error({ rollback: claimed.id, err: message }, 'rollback engine failed to start');
      this.o.store.rollbacks.update(
        claimed.id,
        { status: 'failed', error: message, finishedAt: this.o.clock.now() },
        'running',
      );
      if (incidentId) {
        this.o.incidents.record(incidentId, canary ? 'canary_failed' : 'rollback_failed', actor, {
          rollbackId: claimed.id,
          error: message,
        });
        if (!canary)
          this.o.incidents.transition(
            incidentId,
            'awaiting_decision',
            { kind: 'system', id: 'rollbacks' },
            { rollbackId: claimed.id, error: message },
          );
      }
      if (err instanceof KubeCallError)
        return { kind: 'kube_call_failed', call: err.call, attempts: err.attempts, problem: err.problem };
      return err instanceof StartRefusedError ? err.problem : { kind: 'error', message };
    }
  }

  /**
   * The process that claimed the rollback did not store its plan in time (it died during the
   * preflight): start it here. A rollback already planned, or no longer running, is left alone.
   */
  private async onWatchdog(rollbackId: string): Promise<void> {
    const rollback = this.o.store.rollbacks.get(rollbackId);
    if (!rollback || rollback.status !== 'running' || this.o.store.rollbacks.steps(rollbackId).length > 0) return;
    this.o.log?.error(
      { rollback: rollbackId },
      'rollback claimed but never planned (its process stopped): starting it',
    );
    const failure = await this.startEngine(rollback, BOT_ACTOR);
    if (!rollback.incidentId) return;
    if (failure !== null)
      this.o.notifier.notice(
        rollback.incidentId,
        endedNotice(rollback.id, 'failed', { kind: 'not_started', problem: failure }),
      );
    else this.o.notifier.changed(rollback.incidentId);
  }

  /** Resolves once every engine start left running in the background has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.starting.size > 0) await Promise.all([...this.starting]);
  }
}
