/**
 * kill -9 at a chosen point, then a restart on the same database: either after a delay of the
 * bot's (scaled) time, or at the moment the Kubernetes stand-in receives its Nth write — the bot
 * is killed while that write is in flight, and the stand-in then carries the write out ('apply':
 * the answer was lost with the process) or drops it ('drop': it never got there).
 *
 * What the kill leaves behind is recorded before the restart, read-only from the database: the
 * timer rows the dead process was firing. A healthy restart picks those up at once; the report
 * says, per row, how much of the bot's time passed after the restart before it stopped firing.
 */
import type { SlackCall } from '../../../src/demo/stand-ins/slack-api.ts';
import { firingTimers, timerByKey, type TimerRow } from './invariants.ts';
import type { Rig } from './rig.ts';

export type KillPlan = { mode: 'delay'; delayMs: number } | { mode: 'write'; nth: number; applied: boolean };

export interface KillReport {
  /** The bot's time at the kill and once it answered /healthz again. */
  killedAt: number;
  restartedAt: number;
  /** Timer rows left `firing` by the killed process. */
  firing: TimerRow[];
  /** Per such row: scaled ms after the restart until it stopped firing (null: still firing at the ceiling). */
  resumed: Array<{ key: string; afterMs: number | null }>;
  /** Writes carried out by the stand-in when the kill came, and the last Slack call before it. */
  kubeWritesBefore: number;
  lastSlackCall: SlackCall | undefined;
}

export function describeKill(plan: KillPlan): string {
  if (plan.mode === 'delay') return `kill -9 ${(plan.delayMs / 60_000).toFixed(1)} scaled minutes in`;
  const nth = plan.nth === 1 ? '1st' : plan.nth === 2 ? '2nd' : plan.nth === 3 ? '3rd' : `${plan.nth}th`;
  return `kill -9 at the ${nth} Kubernetes write (${plan.applied ? 'applied, answer lost' : 'never arrived'})`;
}

export class Killer {
  /** Set the moment the kill is decided, so drivers can stop interacting with a dead bot. */
  fired = false;
  readonly done: Promise<KillReport>;
  private resolveDone!: (r: KillReport) => void;
  private rejectDone!: (e: unknown) => void;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly rig: Rig,
    readonly plan: KillPlan,
    /** How long after the restart a firing row may take to be picked up before the report gives up on it (real ms). */
    private readonly resumeCeilingMs = 15_000,
  ) {
    this.done = new Promise<KillReport>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // A failed restart must fail the test that awaits `done`, not the process.
    this.done.catch(() => undefined);
    if (plan.mode === 'write') {
      let seen = 0;
      rig.kube.interceptNext(
        (r) => r.method !== 'GET',
        async () => {
          if (++seen < plan.nth) return 'apply';
          const phase1 = await this.kill();
          void this.restart(phase1);
          return plan.applied ? 'apply' : 'drop';
        },
        plan.nth,
      );
    }
  }

  /** Starts the delay of a delay kill (call after the last interaction); `delayMs` replaces the planned one. */
  startDelay(delayMs?: number): void {
    if (this.plan.mode !== 'delay' || this.timer || this.fired) return;
    this.timer = setTimeout(
      () => {
        void this.kill().then(
          (p) => this.restart(p),
          (e) => this.rejectDone(e),
        );
      },
      this.rig.real(Math.max(0, delayMs ?? this.plan.delayMs)),
    );
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private async kill(): Promise<Omit<KillReport, 'restartedAt' | 'resumed'>> {
    this.fired = true;
    const kubeWritesBefore = this.rig.kube.appliedWrites().length;
    const lastSlackCall = this.rig.slack.calls.at(-1);
    const killedAt = this.rig.clock.now();
    await this.rig.bot.kill9();
    const firing = this.rig.read(firingTimers);
    return { killedAt, firing, kubeWritesBefore, lastSlackCall };
  }

  private async restart(p: Omit<KillReport, 'restartedAt' | 'resumed'>): Promise<void> {
    try {
      await this.rig.bot.start();
      const healthyAt = Date.now();
      const restartedAt = this.rig.clock.now();
      const resumed = await Promise.all(
        p.firing.map(async (row) => {
          const picked = await this.rig
            .until(
              `timer ${row.key} picked up after the restart`,
              () => {
                const now = this.rig.read((db) => timerByKey(db, row.key));
                return now && (now.status !== 'firing' || now.claimed_by !== row.claimed_by) ? Date.now() : undefined;
              },
              this.resumeCeilingMs,
            )
            .catch(() => null);
          return {
            key: row.key,
            afterMs: picked === null ? null : Math.round((picked - healthyAt) * this.rig.clock.scale),
          };
        }),
      );
      this.resolveDone({ ...p, restartedAt, resumed });
    } catch (err) {
      this.rejectDone(err);
    }
  }
}

/** A small seeded PRNG (mulberry32): the same seed replays the same kill points. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
