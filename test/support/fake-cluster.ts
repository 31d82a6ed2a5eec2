/**
 * An in-memory cluster for engine tests that are about the engine's logic (steps, timers,
 * restarts), not about Kubernetes requests — those are tested against the API stand-in.
 */
import type {
  ClusterChecks,
  ClusterPort,
  KubeChange,
  Router,
  ServiceCluster,
  Split,
} from '../../src/services/ports.ts';

export class FakeRouter implements Router {
  readonly kind = 'istio' as const;
  readonly allOrNothing = false;
  readonly writes: Split[] = [];
  /** When each write happened, by the clock given to the cluster. */
  readonly writeTimes: number[] = [];
  reads = 0;
  /** Errors thrown by the next writes, e.g. a 500 three times. */
  failWrites: Array<Error & { status?: number }> = [];

  constructor(
    public split: Split,
    private readonly now: () => number = () => 0,
  ) {}

  async read(): Promise<Split> {
    this.reads++;
    return { ...this.split };
  }

  async write(split: Split, options: { dryRun: boolean }): Promise<KubeChange[]> {
    const change: KubeChange = {
      method: 'PUT',
      target: 'VirtualService prompts/prompt-service',
      contentType: 'application/json',
      body: split,
    };
    if (options.dryRun) return [change];
    const failure = this.failWrites.shift();
    if (failure) throw failure;
    this.writes.push({ ...split });
    this.writeTimes.push(this.now());
    this.split = { ...split };
    return [change];
  }
}

export class FakeChecks implements ClusterChecks {
  ready: Record<string, number> = {};
  endpoints: Record<string, number> = {};
  async readyReplicas(version: string) {
    return { ready: this.ready[version] ?? 2, desired: 2 };
  }
  async readyEndpoints(version: string) {
    return this.endpoints[version] ?? 2;
  }
}

export class FakeCluster implements ClusterPort {
  /** Set to the test's clock to have write times recorded. */
  now: () => number = () => 0;
  readonly services = new Map<string, ServiceCluster & { router: FakeRouter; checks: FakeChecks }>();
  forService(service: string) {
    let s = this.services.get(service);
    if (!s) {
      s = {
        router: new FakeRouter({ 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 }, () => this.now()),
        checks: new FakeChecks(),
      };
      this.services.set(service, s);
    }
    return s;
  }
}

export function serverError(message = 'etcdserver: request timed out'): Error & { status: number } {
  return Object.assign(new Error(message), { status: 500 });
}
