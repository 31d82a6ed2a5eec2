/**
 * A stand-in Kubernetes API server on 127.0.0.1 (plain node:http) that the real
 * `@kubernetes/client-node` talks to. It answers like the API server for the objects Rewind reads
 * and changes: GET / LIST (labelSelector) / POST / PUT (409 on a stale resourceVersion) / PATCH
 * (JSON patch with `test` ops → 422 when one fails, merge patch, strategic merge patch → 415 on
 * custom resources) / DELETE, the Deployment `scale` subresource, SelfSubjectAccessReviews
 * (kube/access-reviews.ts: all allowed but what a test denies), and `Status` objects on errors.
 * A Deployment controller and an EndpointSlice controller keep pods and slices consistent
 * (kube/controllers.ts). Watches stream the store's event history (kube/watch.ts), every write is
 * recorded in `metadata.managedFields` under its field manager (kube/managed-fields.ts), and the
 * GitOps controllers' resources are served and seeded (kube/gitops.ts). Every request is recorded;
 * failures and delays can be scripted.
 *
 * This file is the server and what tests call; kube/routes.ts answers a request on the object
 * store (kube/store.ts), kube/requests.ts is what is recorded and scripted, kube/errors.ts the
 * `Status` answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { systemClock, type Clock } from '../../clock.ts';
import { AccessReviews, type AccessDenial } from './kube/access-reviews.ts';
import { ApiError, REASONS, statusObject } from './kube/errors.ts';
import {
  seedArgoApplication,
  seedFluxHelmRelease,
  seedFluxKustomization,
  setGitOpsRevision,
  type ArgoApplicationSeed,
  type FluxSeed,
} from './kube/gitops.ts';
import { defaultFieldManager } from './kube/managed-fields.ts';
import { mergePatch, PatchError } from './kube/patch.ts';
import { matches, type RecordedRequest, type RequestMatcher, type Script } from './kube/requests.ts';
import { KubeRequestHandler } from './kube/routes.ts';
import { SelectorError } from './kube/selectors.ts';
import { ObjectStore, typeByKind, type KubeObject, type ObjectMeta } from './kube/store.ts';
import { seedPromptService, type SeedOptions, type SeededService } from './kube/seed.ts';
import { isWatchRequest, WatchServer } from './kube/watch.ts';

export type { KubeObject } from './kube/store.ts';
export type { SeedOptions, SeededService, SeedVersion } from './kube/seed.ts';
export type { RecordedRequest, RequestMatcher } from './kube/requests.ts';
export type { AccessDenial, ReviewedAccess } from './kube/access-reviews.ts';
export type { ArgoApplicationSeed, FluxSeed, ManagedRef } from './kube/gitops.ts';
export type { ManagedFieldsEntry } from './kube/managed-fields.ts';
export { statusObject } from './kube/errors.ts';

export interface StandInOptions {
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  token?: string;
  /** The time of managedFields, watch timeouts and bookmarks (default: the system clock). */
  clock?: Clock;
  /** How often a watch that allows bookmarks gets one (default 60 s, as the API server's). */
  bookmarkIntervalMs?: number;
}

export class KubeApiStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly store: ObjectStore;
  /** SelfSubjectAccessReviews: every one asked, and the denials a test set (`denyAccess`). */
  readonly accessReviews = new AccessReviews();
  private readonly requestHandler: KubeRequestHandler;
  private readonly watches: WatchServer;
  /** The field manager of each request (its `fieldManager`, else from its user agent). */
  private readonly managers = new WeakMap<RecordedRequest, string>();
  private scripts: Script[] = [];
  private readonly server: Server;

  private constructor(private readonly options: StandInOptions) {
    const clock = options.clock ?? systemClock;
    this.store = new ObjectStore(() => clock.now());
    this.requestHandler = new KubeRequestHandler(this.store);
    this.watches = new WatchServer(this.store, clock, options.bookmarkIntervalMs ?? 60_000);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(options: StandInOptions = {}): Promise<KubeApiStandIn> {
    const api = new KubeApiStandIn(options);
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  /** Where the server listens (`start` resolves once it does). */
  get url(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string')
      throw new Error('the Kubernetes API stand-in is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    this.watches.cut('drop');
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** The requests that change something (everything but GET). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  /** `method path` lines with the answered status, for asserting call sequences. */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
  }

  /** The next `times` matching requests are answered with an error Status and not processed. */
  failNext(
    matcher: RequestMatcher,
    failure: { status: number; times?: number; reason?: string; message?: string },
  ): void {
    const reason = failure.reason ?? REASONS[failure.status] ?? 'Unknown';
    this.scripts.push({
      matcher,
      times: failure.times ?? 1,
      apply: async () =>
        new ApiError(failure.status, failure.message ?? `scripted failure: ${failure.status} ${reason}`, reason),
    });
  }

  /** The next `times` matching requests wait `ms` before they are processed (and answered). */
  delayNext(matcher: RequestMatcher, delay: { ms: number; times?: number }): void {
    this.scripts.push({ matcher, times: delay.times ?? 1, apply: () => new Promise((r) => setTimeout(r, delay.ms)) });
  }

  /** Runs `fn` just before the next matching request is processed: a concurrent writer. */
  beforeNext(matcher: RequestMatcher, fn: (api: KubeApiStandIn) => void, times = 1): void {
    this.scripts.push({
      matcher,
      times,
      apply: async () => {
        fn(this);
      },
    });
  }

  /** Stores an object directly (no request recorded), as `kubectl apply` would have. */
  create(obj: KubeObject & { kind: string }): KubeObject {
    const type = typeByKind(obj.kind);
    const writer = { manager: 'kubectl-client-side-apply', operation: 'Update' as const };
    const existing = this.store.get(type, obj.metadata.namespace ?? 'default', obj.metadata.name);
    if (!existing) return this.store.create(type, obj, writer);
    const rv = existing.metadata.resourceVersion;
    return this.store.update(type, { ...obj, metadata: { ...obj.metadata, resourceVersion: rv } }, false, writer);
  }

  /** The stored object (a copy), or undefined. */
  object(kind: string, namespace: string, name: string): KubeObject | undefined {
    return this.store.get(typeByKind(kind), namespace, name);
  }

  /** Like `object`, failing the test when it is missing. */
  mustGet(kind: string, namespace: string, name: string): KubeObject {
    const o = this.object(kind, namespace, name);
    if (!o) throw new Error(`the stand-in has no ${kind} ${namespace}/${name}`);
    return o;
  }

  list(kind: string, namespace?: string, labelSelector?: string): KubeObject[] {
    return this.store.list(typeByKind(kind), namespace, labelSelector);
  }

  /** Edits a stored object in place, as another writer would (`kubectl edit`; bumps resourceVersion). */
  edit(kind: string, namespace: string, name: string, change: (o: KubeObject) => void): KubeObject {
    return this.editAs('kubectl-edit', kind, namespace, name, change);
  }

  /** Edits a stored object in place as field manager `manager` (an Update, like `edit`). */
  editAs(manager: string, kind: string, namespace: string, name: string, change: (o: KubeObject) => void): KubeObject {
    const o = this.mustGet(kind, namespace, name);
    change(o);
    return this.store.update(typeByKind(kind), o, false, { manager, operation: 'Update' });
  }

  /**
   * A forced server-side apply of `config` (a partial object, merged in) by field manager
   * `manager`, as a GitOps controller syncing from git: it then owns exactly the fields of `config`.
   */
  applyAs(
    manager: string,
    kind: string,
    namespace: string,
    name: string,
    config: { metadata?: Partial<ObjectMeta>; [field: string]: unknown },
  ): KubeObject {
    const type = typeByKind(kind);
    const writer = { manager, operation: 'Apply' as const, applied: config };
    const existing = this.store.get(type, namespace, name);
    if (!existing)
      return this.store.create(type, { ...config, metadata: { ...config.metadata, name, namespace } }, writer);
    return this.store.update(type, mergePatch(existing, config) as KubeObject, false, writer);
  }

  /**
   * Who set a field last: the managers whose managedFields include `path`, dotted
   * (`spec.selector.version`) or as keys when one holds a dot (`['metadata', 'annotations', key]`).
   */
  managersOf(kind: string, namespace: string, name: string, path: string | string[]): string[] {
    const fields = (typeof path === 'string' ? path.split('.') : path).map((p) => `f:${p}`);
    return (this.mustGet(kind, namespace, name).metadata.managedFields ?? [])
      .filter((e) => {
        let node: unknown = e.fieldsV1;
        for (const f of fields) node = (node as Record<string, unknown> | undefined)?.[f];
        return node !== undefined;
      })
      .map((e) => e.manager);
  }

  /** SelfSubjectAccessReviews matching `denial` answer `allowed: false` (all others are allowed). */
  denyAccess(denial: AccessDenial): void {
    this.accessReviews.deny(denial);
  }

  setPodReady(namespace: string, name: string, ready: boolean): void {
    this.store.setPodReady(namespace, name, ready);
  }

  seedPromptService(options: SeedOptions): SeededService {
    return seedPromptService(this, options);
  }

  seedArgoApplication(seed: ArgoApplicationSeed): KubeObject {
    return seedArgoApplication(this, seed);
  }

  seedFluxKustomization(seed: FluxSeed): KubeObject {
    return seedFluxKustomization(this, seed);
  }

  seedFluxHelmRelease(seed: FluxSeed): KubeObject {
    return seedFluxHelmRelease(this, seed);
  }

  /** The git revision a GitOps object reports: Argo CD's `status.sync.revision`, Flux's `lastAppliedRevision`. */
  setGitOpsRevision(kind: 'Application' | 'Kustomization' | 'HelmRelease', ns: string, name: string, rev: string) {
    return setGitOpsRevision(this, kind, ns, name, rev);
  }

  // --- watches ------------------------------------------------------------------------------

  /** How many watches are open now. */
  get openWatches(): number {
    return this.watches.openCount;
  }

  /** A BOOKMARK now on every open watch that allows them; how many got one. */
  sendBookmarks(): number {
    return this.watches.sendBookmarks();
  }

  /** Forgets the event history: a watch from any resourceVersion before now is answered 410 Expired. */
  compactHistory(): void {
    this.store.compactHistory();
  }

  /**
   * Ends every open watch, as the API server does when it closes them (the client re-watches from
   * the last resourceVersion it saw); `drop` cuts the connections instead (the client sees an
   * error). How many were cut.
   */
  cutWatches(mode: 'end' | 'drop' = 'end'): number {
    return this.watches.cut(mode);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const record: RecordedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type']?.split(';')[0]?.trim(),
      body: undefined,
      status: 0,
    };
    this.requests.push(record);
    this.managers.set(record, url.searchParams.get('fieldManager') || defaultFieldManager(req.headers['user-agent']));
    const send = (code: number, body: unknown) => {
      record.status = code;
      if (res.destroyed) return;
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      if (raw) {
        try {
          record.body = JSON.parse(raw);
        } catch {
          record.body = raw;
          throw new ApiError(400, `the request body is not JSON: ${raw.slice(0, 80)}`);
        }
      }
      if (this.options.token && req.headers.authorization !== `Bearer ${this.options.token}`)
        throw new ApiError(401, 'Unauthorized');
      for (const s of this.scripts.filter((x) => x.times > 0 && matches(x.matcher, record))) {
        s.times--;
        const failure = await s.apply(record);
        if (failure instanceof ApiError) throw failure;
      }
      this.scripts = this.scripts.filter((s) => s.times > 0);
      if (isWatchRequest(record)) return this.watches.serve(record, res);
      const [code, body] = this.accessReviews.answer(record) ?? this.answer(record);
      send(code, body);
    } catch (e) {
      if (e instanceof ApiError) send(e.code, statusObject(e.code, e.message, e.reason, e.details));
      else if (e instanceof PatchError) send(e.status, statusObject(e.status, e.message));
      else if (e instanceof SelectorError) send(400, statusObject(400, e.message));
      else send(500, statusObject(500, `stand-in bug: ${(e as Error).stack ?? String(e)}`));
    }
  }

  private answer(r: RecordedRequest): [number, unknown] {
    return this.requestHandler.answer(r, this.managers.get(r) ?? 'unknown');
  }

  // --- fault injection for the fault suite (test/faults) ------------------------------------

  /** Writes that were carried out (answered 2xx, or applied and then left unanswered by `applyThenHang`). */
  appliedWrites(): RecordedRequest[] {
    return this.writes().filter((r) => r.status >= 200 && r.status < 300);
  }

  /**
   * The next `times` matching requests are carried out (the change is stored and the status
   * recorded) but never answered: the connection is held until the client gives up. What a client
   * sees when the API server applies a write and the answer is lost.
   */
  applyThenHang(matcher: RequestMatcher, times = 1): void {
    this.scripts.push({
      matcher,
      times,
      apply: async (r) => {
        const [code] = this.answer(r);
        r.status = code;
        await new Promise<never>(() => undefined);
      },
    });
  }

  /**
   * Hands the next `times` matching requests to `decide` before they are processed; it resolves
   * 'apply' (processed and answered as usual) or 'drop' (never processed, never answered: the
   * request is lost, e.g. because the client was killed while sending it).
   */
  interceptNext(matcher: RequestMatcher, decide: (r: RecordedRequest) => Promise<'apply' | 'drop'>, times = 1): void {
    this.scripts.push({
      matcher,
      times,
      apply: async (r) => {
        if ((await decide(r)) === 'drop') await new Promise<never>(() => undefined);
      },
    });
  }

  /**
   * A 409 storm: just before each of the next `times` matching requests, another writer changes
   * the object (an annotation; its resourceVersion moves), so a write guarded by the
   * resourceVersion read before is refused with 409 Conflict.
   */
  concurrentWriterNext(
    matcher: RequestMatcher,
    object: { kind: string; namespace: string; name: string },
    times = 1,
  ): void {
    let n = 0;
    this.beforeNext(
      matcher,
      (api) => {
        n++;
        api.edit(object.kind, object.namespace, object.name, (o) => {
          o.metadata.annotations = { ...o.metadata.annotations, 'faults.rewind.test/other-writer': String(n) };
        });
      },
      times,
    );
  }
}
