/**
 * A rollback engine that moves no traffic: it records what it was asked and moves the rollback
 * row the way the real engine would, so the Slack surface can be tested before Kubernetes exists.
 */
import type { Actor } from '../../src/domain/types.ts';
import type { Clock } from '../../src/clock.ts';
import type { RollbackControl, RollbackEngine } from '../../src/services/ports.ts';
import type { RollbackRecord, Store } from '../../src/store/index.ts';

export class RecordingEngine implements RollbackEngine {
  readonly available = true;
  readonly started: RollbackRecord[] = [];
  readonly controls: { rollbackId: string; control: RollbackControl; by: string }[] = [];
  /** Set to make the next start fail, as a Kubernetes error would. */
  failNextStart: Error | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async start(rollback: RollbackRecord): Promise<void> {
    await Promise.resolve();
    if (this.failNextStart) {
      const err = this.failNextStart;
      this.failNextStart = null;
      throw err;
    }
    this.started.push(rollback);
    // As the real engine will: report the split it found (the runbook's 50/50 canary) and the phase.
    const plan = { ...rollback.plan, currentWeight: 50 };
    this.store.rollbacks.update(rollback.id, { currentPhase: 0, plan }, 'running');
  }

  async control(rollback: RollbackRecord, control: RollbackControl, actor: Actor): Promise<void> {
    await Promise.resolve();
    this.controls.push({ rollbackId: rollback.id, control, by: actor.id });
    const status = control === 'pause' ? 'paused' : control === 'resume' ? 'running' : 'aborted';
    this.store.rollbacks.update(rollback.id, {
      status,
      ...(status === 'aborted' ? { finishedAt: this.clock.now() } : {}),
    });
  }
}
