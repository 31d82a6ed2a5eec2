/**
 * A Pause or Abort of a rollback that the database refused to record (a full disk, a lock held by
 * a backup) is held here, in memory, and applied once the database takes writes again — before
 * the timer loop claims anything, so the rollback does not take another step first.
 *
 * Why this is safe and honest: while writes fail, the rollback cannot move anyway — every step
 * runs only on a timer claim that has committed (./timers.ts) — so the held request changes
 * nothing until it can be recorded, and when it is, it is recorded like any Pause or Abort (the
 * timeline, the thread note, the head message). What the person is told says that it is not
 * recorded yet, and that a restart before then loses it: memory is all there is while the disk
 * is full.
 */
import type { Actor } from '../domain/types.ts';
import { storeRefusal, type StoreRefusal } from '../store/errors.ts';

export type HeldControl = 'pause' | 'abort';

/** Thrown to the caller of a Pause or Abort that is held: the adapter tells the person. */
export class ControlHeldError extends Error {
  override readonly name = 'ControlHeldError';
  constructor(
    readonly rollbackId: string,
    readonly control: HeldControl,
    readonly refusal: StoreRefusal,
    options: { cause: unknown },
  ) {
    super(
      `the ${control} of ${rollbackId} could not be recorded (${refusal.code}); it is held and applied once the ` +
        `database takes writes`,
      options,
    );
  }
}

interface Entry {
  control: HeldControl;
  actor: Actor;
  apply: () => Promise<void>;
}

export interface HeldControlsLog {
  info?(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class HeldControls {
  private readonly held = new Map<string, Entry>();

  constructor(private readonly log?: HeldControlsLog) {}

  /**
   * Holds `control` of `rollbackId`, to be applied by `apply` once writes work; returns the error
   * to throw to the person's request. `cause` must be the store's refusal. An Abort replaces a
   * held Pause; a Pause never replaces a held Abort.
   */
  hold(
    rollbackId: string,
    control: HeldControl,
    actor: Actor,
    apply: () => Promise<void>,
    cause: unknown,
  ): ControlHeldError {
    const refusal = storeRefusal(cause);
    if (!refusal) throw new Error('only a request the database refused is held', { cause });
    const before = this.held.get(rollbackId);
    if (!before || (control === 'abort' && before.control !== 'abort')) {
      this.held.set(rollbackId, { control, actor, apply });
      // Said when what is held changes, not at every click of the same button.
      this.log?.info?.(
        { rollback: rollbackId, control, by: actor.id, code: refusal.code },
        'rollback control held until the database takes writes',
      );
    }
    const kept = this.held.get(rollbackId) as Entry;
    return new ControlHeldError(rollbackId, kept.control, refusal, { cause });
  }

  /** What is held for a rollback, if anything. */
  heldFor(rollbackId: string): HeldControl | null {
    return this.held.get(rollbackId)?.control ?? null;
  }

  /**
   * Applies every held control, one after another. Rejects with the store's refusal while writes
   * still fail (the caller, the timer loop, backs off and tries again); the control stays held.
   * Any other failure is logged and the control dropped: retrying a bug would only repeat it.
   */
  async applyAll(): Promise<void> {
    for (const [rollbackId, entry] of [...this.held]) {
      try {
        await entry.apply();
      } catch (err) {
        if (storeRefusal(err)) throw err;
        this.log?.error(
          { rollback: rollbackId, control: entry.control, err: (err as Error).message },
          'a held rollback control failed when applied',
        );
      }
      if (this.held.get(rollbackId) === entry) this.held.delete(rollbackId);
    }
  }
}
