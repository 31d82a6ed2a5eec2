/**
 * Starting a rollback that has its approvals (rollback-requests.ts): the row is claimed with a
 * conditional update (`pending` → `running`), so only one caller ever reaches the engine, and a
 * preflight the engine refuses marks the rollback failed and gives the incident back to people.
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
  rollbacks: Pick<Store['rollbacks'], 'get' | 'update'>;
  incidents: Pick<Store['incidents'], 'get'>;
};

export interface RollbackStartOptions {
  store: RollbackStartStore;
  clock: Clock;
  incidents: IncidentService;
  engine: RollbackEngine;
  notifier: IncidentNotifier;
  log?: { error(obj: object, msg: string): void };
  /** Resolves when background work may run; incoming requests are answered first (main: the HTTP server's activity). */
  yieldToRequests?: () => Promise<void>;
}

export class RollbackStarter {
  /** Engine starts nobody awaits (automatic rollbacks), so shutdown and tests can wait for them. */
  private readonly starting = new Set<Promise<void>>();

  constructor(private readonly o: RollbackStartOptions) {}

  /** Claims the row (pending → running); only the winner reaches the engine. */
  async start(rollback: RollbackRecord, actor: Actor, engineWait: EngineWait = 'await'): Promise<Outcome<StartResult>> {
    const claimed = this.o.store.rollbacks.update(rollback.id, { status: 'running' }, 'pending');
    if (!claimed) return refuse({ kind: 'rollback_running', rollbackId: rollback.id });
    const incidentId = claimed.incidentId;
    // A canary brings a fix in after (or instead of) a rollback: the incident keeps its status.
    const canary = claimed.strategy === 'canary';
    if (incidentId) {
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

  /** Resolves once every engine start left running in the background has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.starting.size > 0) await Promise.all([...this.starting]);
  }
}
