/**
 * Pause, resume or abort a rollback (`/rollback pause|resume|abort`, buttons). A running or paused
 * rollback is controlled through the engine; one that has not started yet (waiting for approvals,
 * or planned for later) can only be aborted, which needs no engine. A Pause or Abort the database
 * refused to record (a full disk) is held until it can be (held-controls.ts).
 */
import { actedBy } from '../domain/actors.ts';
import type { Actor } from '../domain/types.ts';
import { storeRefusal, type RollbackRecord, type Store } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { Authorizer } from './authorization.ts';
import { HeldControls } from './held-controls.ts';
import type { IncidentService } from './incidents.ts';
import type { PlannedRollbacks } from './planned-rollbacks.ts';
import type { IncidentNotifier, RollbackControl, RollbackEngine, Split } from './ports.ts';
import { notApprover, ok, refuse, type Outcome } from './refusals.ts';
import type { TimerService } from './timers.ts';

/** What the controls read and write: the rollback's row, and the audit of a held control. */
export type RollbackControlStore = {
  rollbacks: Pick<Store['rollbacks'], 'activeForService' | 'get' | 'update'>;
  audit: Pick<Store['audit'], 'record'>;
};

export interface RollbackControlOptions {
  store: RollbackControlStore;
  clock: Clock;
  incidents: IncidentService;
  authorizer: Authorizer;
  engine: RollbackEngine;
  notifier: IncidentNotifier;
  timers: TimerService;
  log?: { error(obj: object, msg: string): void };
  /** The live routing when another writer changed it since the rollback paused on it (drift); null otherwise. */
  routingAfterDrift?: (rollback: RollbackRecord) => Split | null;
}

export class RollbackControls {
  /** Pauses and aborts the database refused while its disk was full, until they can be recorded. */
  private readonly held: HeldControls;

  constructor(
    private readonly o: RollbackControlOptions,
    private readonly planned: Pick<PlannedRollbacks, 'cancel'>,
  ) {
    this.held = new HeldControls(o.log);
    o.timers.beforeEachRun(() => this.held.applyAll());
  }

  /** Pause, resume or abort the service's rollback (`/rollback pause|resume|abort`, buttons). */
  async control(
    target: { service?: string; rollbackId?: string },
    control: RollbackControl,
    actor: Actor,
  ): Promise<Outcome<RollbackRecord>> {
    const rollback = target.rollbackId
      ? this.o.store.rollbacks.get(target.rollbackId)
      : this.o.store.rollbacks.activeForService(target.service ?? '');
    const service = rollback?.service ?? target.service ?? '';
    try {
      const auth = await this.o.authorizer.authorize(actor, `rollback.${control}`, service, {
        rollbackId: rollback?.id ?? null,
      });
      if (!auth.ok) return refuse(notApprover({ kind: 'control', control }, auth.approvers));
      return await this.applyControl(rollback, service, control, actor);
    } catch (err) {
      // The database refused the write (a full disk): a Pause or Abort by an approver is held and
      // recorded before the rollback's next step (held-controls.ts); anything else is thrown.
      if (
        !rollback ||
        control === 'resume' ||
        !storeRefusal(err) ||
        !(actor.kind !== 'user' || (await this.o.authorizer.isApprover(actor.id)))
      )
        throw err;
      const id = rollback.id;
      throw this.held.hold(
        id,
        control,
        actor,
        async () => {
          this.o.store.audit.record({
            at: this.o.clock.now(),
            actor,
            action: `rollback.${control}`,
            target: service,
            outcome: 'allowed',
            detail: { rollbackId: id, held: true },
          });
          await this.applyControl(this.o.store.rollbacks.get(id), service, control, actor);
        },
        err,
      );
    }
  }

  private async applyControl(
    rollback: RollbackRecord | null,
    service: string,
    control: RollbackControl,
    actor: Actor,
  ): Promise<Outcome<RollbackRecord>> {
    if (!rollback || !['pending', 'scheduled', 'running', 'paused'].includes(rollback.status))
      return refuse({ kind: 'no_rollback', service });
    if (rollback.status === 'pending' || rollback.status === 'scheduled') {
      // Not yet running: only abort makes sense, and it needs no engine — nothing has moved.
      if (control !== 'abort') return refuse({ kind: 'not_started', rollbackId: rollback.id });
      const cancelled = this.o.store.rollbacks.update(
        rollback.id,
        { status: 'cancelled', finishedAt: this.o.clock.now() },
        rollback.status,
      );
      if (!cancelled) return refuse({ kind: 'no_rollback', service });
      this.planned.cancel(rollback.id);
      this.noteControl(cancelled, control, actor);
      return ok(cancelled);
    }
    if (!this.o.engine.available) {
      return refuse({ kind: 'engine_unavailable', what: { kind: 'control', control, rollbackId: rollback.id } });
    }
    if (control === 'pause' && rollback.status === 'paused')
      return refuse({ kind: 'already_paused', rollbackId: rollback.id });
    if (control === 'resume' && rollback.status === 'running')
      return refuse({ kind: 'not_paused', rollbackId: rollback.id });
    await this.o.engine.control(rollback, control, actor);
    const after = this.o.store.rollbacks.get(rollback.id) ?? rollback;
    this.noteControl(after, control, actor);
    return ok(after);
  }

  private noteControl(rollback: RollbackRecord, control: RollbackControl, actor: Actor): void {
    if (!rollback.incidentId) return;
    this.o.incidents.record(rollback.incidentId, `rollback_${control}`, actor, { rollbackId: rollback.id });
    const live = this.o.routingAfterDrift?.(rollback) ?? null;
    this.o.notifier.notice(rollback.incidentId, {
      kind: 'rollback_control',
      control,
      rollbackId: rollback.id,
      ...(live ? { live } : {}),
      ...actedBy(actor),
    });
    this.o.notifier.changed(rollback.incidentId);
  }
}
