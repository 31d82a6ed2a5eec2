/**
 * Leader election on a Kubernetes Lease (coordination.k8s.io/v1), for work that must have exactly one
 * runner when several replicas share one database: the drift watch. client-node has none of its own;
 * this follows client-go's leaderelection with Argo Rollouts' timings (LEASE_TIMINGS).
 *
 * A candidate reads the Lease every retry period. It takes the Lease when there is none (create), when
 * nobody holds it, or when the holder's renewTime + leaseDurationSeconds is past (replace, carrying
 * the resourceVersion it read, so of two candidates one wins and the other gets 409). The leader
 * renews by replacing the Lease with the resourceVersion of its own last write, every retry period.
 * It steps down, stopping the work at once, when a renew is answered 409 (someone else wrote the
 * Lease) or when no renew has succeeded for the renew deadline — which is shorter than the lease, so
 * the work has stopped before anyone else may take over. A clean stop stops the work, then clears
 * holderIdentity, so another replica takes over at its next read instead of after the lease runs out.
 *
 * Every time is read from the injected clock, so tests run the 15-second lease in milliseconds.
 */
import { V1MicroTime, type CoordinationV1Api, type V1Lease, type V1LeaseSpec } from '@kubernetes/client-node';
import type { Clock } from '../../clock.ts';
import type { ApiAccess } from './routers/types.ts';

/** The Lease Rewind's replicas elect their leader with, in Rewind's own namespace. */
export const LEADER_LEASE = 'rewind-leader';

/**
 * What leader election does with the API: create the Lease (a create cannot be limited to a name),
 * and read and replace that one Lease. deploy/rbac/roles/leader-election grants exactly this.
 */
export const LEADER_ELECTION_ACCESS: readonly ApiAccess[] = [
  { group: 'coordination.k8s.io', resource: 'leases', verbs: ['create'] },
  { group: 'coordination.k8s.io', resource: 'leases', verbs: ['get', 'update'], resourceNames: [LEADER_LEASE] },
];

export interface LeaseTimings {
  /** How long a Lease stays held after its last renew. */
  leaseDurationMs: number;
  /** How long the leader goes on trying to renew before it steps down. */
  renewDeadlineMs: number;
  /** The wait between two tries: a candidate's reads, a leader's renews. */
  retryPeriodMs: number;
}

/** Argo Rollouts' defaults (the same as client-go's examples). */
export const LEASE_TIMINGS: LeaseTimings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** The three calls election makes, as CoordinationV1Api has them. */
export type LeaseApi = Pick<
  CoordinationV1Api,
  'readNamespacedLease' | 'createNamespacedLease' | 'replaceNamespacedLease'
>;

export interface LeaderLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface LeaderElectorOptions {
  timings?: LeaseTimings;
  log?: LeaderLog;
}

type Callback = () => void | Promise<void>;

/** The HTTP status of a client-node ApiException; 0 for anything else (no answer, a timeout). */
const statusOf = (err: unknown): number => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : 0;
};
const messageOf = (err: unknown): string => (err instanceof Error ? err.message.split('\n')[0]! : String(err));

/** A MicroTime as read back (client-node leaves it the string the server sent) in epoch milliseconds. */
const epochMs = (t: unknown): number => (t instanceof Date ? t.getTime() : Date.parse(String(t)));

/** How often the same failure to read, take or create the Lease is logged again while it lasts. */
const COMPLAINT_EVERY_MS = 60_000;

/** Thrown in place of an answer that did not come before the renew deadline. */
class PastDeadline extends Error {}

export class LeaderElector {
  private readonly timings: LeaseTimings;
  private readonly started: Callback[] = [];
  private readonly stopped: Callback[] = [];
  private isLeading = false;
  /** The Lease as this replica last wrote it while leading: what a renew replaces. */
  private held: V1Lease | null = null;
  private lastRenewAt = 0;
  /** The other replica last seen holding the Lease, so a change of leader is logged once. */
  private seenHolder = '';
  /** The last failure logged, and when: the same one is repeated at most once a minute. */
  private lastComplaint = '';
  private lastComplaintAt = 0;
  private stopping: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private round: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly namespace: string,
    readonly identity: string,
    private readonly clock: Clock,
    private readonly api: LeaseApi,
    private readonly o: LeaderElectorOptions = {},
  ) {
    this.timings = o.timings ?? LEASE_TIMINGS;
  }

  /** `fn` runs each time this replica becomes the leader. */
  onStartedLeading(fn: Callback): void {
    this.started.push(fn);
  }

  /** `fn` runs each time this replica stops leading (stepping down, or stopping); it is waited for. */
  onStoppedLeading(fn: Callback): void {
    this.stopped.push(fn);
  }

  get leading(): boolean {
    return this.isLeading;
  }

  /** Tries at once, then every retry period, until stop(). */
  start(): void {
    if (this.loop) return;
    const stopping = new AbortController();
    this.stopping = stopping;
    this.loop = (async () => {
      while (!stopping.signal.aborted) {
        this.round = this.isLeading ? this.renew() : this.tryAcquire();
        await this.round;
        await this.clock.sleep(this.timings.retryPeriodMs, stopping.signal).catch(() => undefined);
      }
    })();
  }

  /** Resolves once the try or renew in progress (if any) has ended. */
  idle(): Promise<void> {
    return this.round;
  }

  /**
   * Stops trying and stops the work. With `release` (the default) the Lease is handed back at once;
   * without, it is left to run out, as a replica that crashed leaves it.
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    if (!this.loop) return;
    this.stopping?.abort();
    await this.loop;
    this.loop = null;
    if (!this.isLeading) return;
    await this.stepDown('stopping');
    if (release) await this.release();
  }

  private async tryAcquire(): Promise<void> {
    const now = this.clock.now();
    let current: V1Lease;
    try {
      current = await this.api.readNamespacedLease({ name: this.name, namespace: this.namespace });
    } catch (err) {
      if (statusOf(err) === 404) return this.create(now);
      return this.complain('leader election: cannot read the Lease', err);
    }
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const expiresAt = epochMs(spec.renewTime) + (spec.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== '' && holder !== this.identity && !(expiresAt < now)) {
      if (holder !== this.seenHolder)
        this.o.log?.info({ lease: this.where, holder }, 'leader election: another replica leads');
      this.seenHolder = holder;
      return;
    }
    const ours = holder === this.identity;
    const next: V1LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.timings.leaseDurationMs / 1000,
      acquireTime: ours && spec.acquireTime ? new V1MicroTime(epochMs(spec.acquireTime)) : new V1MicroTime(now),
      renewTime: new V1MicroTime(now),
      leaseTransitions: (spec.leaseTransitions ?? 0) + (ours ? 0 : 1),
    };
    let written: V1Lease;
    try {
      written = await this.api.replaceNamespacedLease({
        name: this.name,
        namespace: this.namespace,
        body: { metadata: { name: this.name, resourceVersion: current.metadata?.resourceVersion }, spec: next },
      });
    } catch (err) {
      // 409: another candidate replaced it first; it leads.
      if (statusOf(err) !== 409) this.complain('leader election: cannot take the Lease', err);
      return;
    }
    await this.becomeLeader(written, now, holder);
  }

  private async create(now: number): Promise<void> {
    let written: V1Lease;
    try {
      written = await this.api.createNamespacedLease({
        namespace: this.namespace,
        body: {
          metadata: { name: this.name, namespace: this.namespace },
          spec: {
            holderIdentity: this.identity,
            leaseDurationSeconds: this.timings.leaseDurationMs / 1000,
            acquireTime: new V1MicroTime(now),
            renewTime: new V1MicroTime(now),
            leaseTransitions: 0,
          },
        },
      });
    } catch (err) {
      // 409 AlreadyExists: another candidate created it first; it leads.
      if (statusOf(err) !== 409) this.complain('leader election: cannot create the Lease', err);
      return;
    }
    await this.becomeLeader(written, now, '');
  }

  private async becomeLeader(written: V1Lease, now: number, previous: string): Promise<void> {
    this.held = written;
    this.lastRenewAt = now;
    this.isLeading = true;
    this.o.log?.info(
      { lease: this.where, holder: this.identity, ...(previous ? { previousHolder: previous } : {}) },
      'leader election: this replica leads',
    );
    for (const fn of this.started) await fn();
  }

  private async renew(): Promise<void> {
    const now = this.clock.now();
    const held = this.held!;
    const body: V1Lease = {
      metadata: { name: this.name, resourceVersion: held.metadata?.resourceVersion },
      spec: { ...held.spec, renewTime: new V1MicroTime(now) },
    };
    const left = this.lastRenewAt + this.timings.renewDeadlineMs - now;
    if (left <= 0) return this.stepDown(`no renew for ${this.timings.renewDeadlineMs / 1000} s`);
    try {
      this.held = await this.withinMs(
        left,
        this.api.replaceNamespacedLease({ name: this.name, namespace: this.namespace, body }),
      );
      this.lastRenewAt = now;
      return;
    } catch (err) {
      if (statusOf(err) === 409) return this.stepDown('the Lease was written by another replica');
      // Deleted by hand (or by its namespace's cleanup): whoever creates it next leads, so this one
      // stops at once rather than run beside that one until its renew deadline.
      if (statusOf(err) === 404) return this.stepDown('the Lease was deleted');
      const why = err instanceof PastDeadline ? 'no answer' : messageOf(err);
      if (this.clock.now() - this.lastRenewAt >= this.timings.renewDeadlineMs)
        return this.stepDown(`no renew for ${this.timings.renewDeadlineMs / 1000} s (${why})`);
      this.o.log?.warn({ lease: this.where, err: why }, 'leader election: a renew failed; trying again');
    }
  }

  /** `call`, or PastDeadline once `ms` of the clock have passed without its answer. */
  private async withinMs<T>(ms: number, call: Promise<T>): Promise<T> {
    const giveUp = new AbortController();
    const deadline = this.clock.sleep(Math.max(0, ms), giveUp.signal).then(
      () => Promise.reject(new PastDeadline()),
      () => new Promise<never>(() => undefined),
    );
    try {
      return await Promise.race([call, deadline]);
    } finally {
      giveUp.abort();
    }
  }

  /**
   * Logs a failed try, once per cause and then at most once a minute while the same cause lasts:
   * a candidate tries every 2 s, and a missing Role would otherwise fill the log.
   */
  private complain(msg: string, err: unknown): void {
    const status = statusOf(err);
    const cause = `${msg}: ${messageOf(err)}`;
    const now = this.clock.now();
    if (cause === this.lastComplaint && now - this.lastComplaintAt < COMPLAINT_EVERY_MS) return;
    this.lastComplaint = cause;
    this.lastComplaintAt = now;
    const fix =
      status === 401 || status === 403
        ? `grant Rewind's service account the Role in deploy/rbac/roles/leader-election in namespace ` +
          `${this.namespace} (rewind doctor checks it); until then no replica leads and the drift watch does not run`
        : undefined;
    this.o.log?.warn({ lease: this.where, err: messageOf(err), ...(fix ? { fix } : {}) }, msg);
  }

  private async stepDown(reason: string): Promise<void> {
    this.isLeading = false;
    this.o.log?.info(
      { lease: this.where, holder: this.identity, reason },
      'leader election: this replica stopped leading',
    );
    for (const fn of this.stopped) await fn();
  }

  /** Hands the Lease back: no holder, so the next candidate to read it takes it. */
  private async release(): Promise<void> {
    const held = this.held;
    this.held = null;
    if (!held) return;
    const now = new V1MicroTime(this.clock.now());
    const { holderIdentity: _released, ...spec } = held.spec ?? {};
    try {
      await this.api.replaceNamespacedLease({
        name: this.name,
        namespace: this.namespace,
        body: {
          metadata: { name: this.name, resourceVersion: held.metadata?.resourceVersion },
          spec: { ...spec, leaseDurationSeconds: 1, renewTime: now },
        },
      });
      this.o.log?.info({ lease: this.where, holder: null }, 'leader election: the Lease was released');
    } catch (err) {
      this.o.log?.warn(
        { lease: this.where, err: messageOf(err) },
        'leader election: the Lease could not be released; another replica takes it when it runs out',
      );
    }
  }

  private get where(): string {
    return `${this.namespace}/${this.name}`;
  }
}
