/**
 * A stand-in Kubernetes API server on 127.0.0.1 (plain node:http) that the real
 * `@kubernetes/client-node` talks to. It answers like the API server for the objects Rewind reads
 * and changes: GET / LIST (labelSelector) / POST / PUT (409 on a stale resourceVersion) / PATCH
 * (JSON patch with `test` ops → 422 when one fails, merge patch, strategic merge patch → 415 on
 * custom resources) / DELETE, the Deployment `scale` subresource, and `Status` objects on errors.
 * A Deployment controller and an EndpointSlice controller keep pods and slices consistent
 * (src/demo/stand-ins/kube/store.ts). Every request is recorded; failures and delays can be scripted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PatchError, clone, jsonPatch, mergePatch, strategicMergePatch } from './kube/patch.ts';
import { SelectorError } from './kube/selectors.ts';
import { ObjectStore, RESOURCE_TYPES, apiVersionOf, groupResource, typeByKind, type KubeObject, type ResourceType } from './kube/store.ts';
import { seedPromptService, type SeedOptions, type SeededService } from './kube/seed.ts';

export type { KubeObject } from './kube/store.ts';
export type { SeedOptions, SeededService, SeedVersion } from './kube/seed.ts';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/v1/namespaces/prompts/services/prompt-service`. */
  path: string;
  query: Record<string, string>;
  /** Media type of the request body without parameters, e.g. `application/merge-patch+json`. */
  contentType: string | undefined;
  /** The parsed JSON body (undefined without a body). */
  body: unknown;
  /** The status code answered (filled in once the answer is sent). */
  status: number;
}

export type RequestMatcher = { method?: string; path?: string | RegExp; contentType?: string } | ((r: RecordedRequest) => boolean);

export interface StandInOptions {
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  token?: string;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict',
  410: 'Expired', 415: 'UnsupportedMediaType', 422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError',
  503: 'ServiceUnavailable', 504: 'Timeout',
};

export function statusObject(code: number, message: string, reason = REASONS[code] ?? 'Unknown', details?: Record<string, unknown>) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

class ApiError extends Error {
  constructor(readonly code: number, message: string, readonly reason?: string, readonly details?: Record<string, unknown>) {
    super(message);
  }
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

interface Route {
  type: ResourceType;
  version: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

function parseRoute(path: string): Route | null {
  const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (seg[0] === 'api') [group, version, rest] = ['', seg[1], seg.slice(2)];
  else if (seg[0] === 'apis') [group, version, rest] = [seg[1] ?? '', seg[2], seg.slice(3)];
  else return null;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) [namespace, rest] = [rest[1], rest.slice(2)];
  const [plural, name, subresource, ...extra] = rest;
  const type = RESOURCE_TYPES.find((t) => t.group === group && t.plural === plural);
  if (!type || !version || !type.versions.includes(version) || extra.length > 0) return null;
  return { type, version, namespace, name, subresource };
}

function matches(m: RequestMatcher, r: RecordedRequest): boolean {
  if (typeof m === 'function') return m(r);
  if (m.method && m.method.toUpperCase() !== r.method) return false;
  if (m.contentType && m.contentType !== r.contentType) return false;
  if (typeof m.path === 'string' && m.path !== r.path) return false;
  if (m.path instanceof RegExp && !m.path.test(r.path)) return false;
  return true;
}

interface Script {
  matcher: RequestMatcher;
  times: number;
  apply: (r: RecordedRequest) => Promise<ApiError | void>;
}

export class KubeApiStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly store = new ObjectStore();
  private scripts: Script[] = [];
  private server!: Server;
  url = '';

  private constructor(private readonly options: StandInOptions) {}

  static async start(options: StandInOptions = {}): Promise<KubeApiStandIn> {
    const api = new KubeApiStandIn(options);
    api.server = createServer((req, res) => void api.handle(req, res));
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    return api;
  }

  async close(): Promise<void> {
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
  failNext(matcher: RequestMatcher, failure: { status: number; times?: number; reason?: string; message?: string }): void {
    const reason = failure.reason ?? REASONS[failure.status] ?? 'Unknown';
    this.scripts.push({
      matcher,
      times: failure.times ?? 1,
      apply: async () => new ApiError(failure.status, failure.message ?? `scripted failure: ${failure.status} ${reason}`, reason),
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
    const existing = this.store.get(type, obj.metadata.namespace ?? 'default', obj.metadata.name);
    if (!existing) return this.store.create(type, obj);
    return this.store.update(type, { ...obj, metadata: { ...obj.metadata, resourceVersion: existing.metadata.resourceVersion } }, false);
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

  /** Edits a stored object in place, as another writer would (bumps resourceVersion). */
  edit(kind: string, namespace: string, name: string, change: (o: KubeObject) => void): KubeObject {
    const o = this.mustGet(kind, namespace, name);
    change(o);
    return this.store.update(typeByKind(kind), o, false);
  }

  setPodReady(namespace: string, name: string, ready: boolean): void {
    this.store.setPodReady(namespace, name, ready);
  }

  seedPromptService(options: SeedOptions): SeededService {
    return seedPromptService(this, options);
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
      if (this.options.token && req.headers.authorization !== `Bearer ${this.options.token}`) throw new ApiError(401, 'Unauthorized');
      for (const s of this.scripts.filter((x) => x.times > 0 && matches(x.matcher, record))) {
        s.times--;
        const failure = await s.apply(record);
        if (failure instanceof ApiError) throw failure;
      }
      this.scripts = this.scripts.filter((s) => s.times > 0);
      const [code, body] = this.dispatch(record);
      send(code, body);
    } catch (e) {
      if (e instanceof ApiError) send(e.code, statusObject(e.code, e.message, e.reason, e.details));
      else if (e instanceof PatchError) send(e.status, statusObject(e.status, e.message));
      else if (e instanceof SelectorError) send(400, statusObject(400, e.message));
      else send(500, statusObject(500, `stand-in bug: ${(e as Error).stack ?? String(e)}`));
    }
  }

  private dispatch(r: RecordedRequest): [number, unknown] {
    const route = parseRoute(r.path);
    if (!route) throw new ApiError(404, 'the server could not find the requested resource');
    const { type, version, namespace, name, subresource } = route;
    const out = (o: KubeObject): KubeObject => ({ ...o, apiVersion: apiVersionOf(type, version) });
    if (!name) {
      if (r.method === 'GET') {
        const items = this.store.list(type, namespace, r.query.labelSelector).map((o) => {
          if (!type.builtin) return out(o);
          // The API server leaves kind and apiVersion off the items of built-in lists.
          const { kind: _k, apiVersion: _a, ...rest } = o;
          return rest;
        });
        return [200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type, version), metadata: { resourceVersion: this.store.currentRevision }, items }];
      }
      if (r.method === 'POST' && namespace) {
        const body = this.objectBody(r.body);
        if (this.store.get(type, namespace, body.metadata.name)) {
          throw new ApiError(409, `${groupResource(type)} "${body.metadata.name}" already exists`, 'AlreadyExists', { name: body.metadata.name, kind: type.plural });
        }
        return [201, out(this.store.create(type, { ...body, metadata: { ...body.metadata, namespace } }))];
      }
      throw new ApiError(405, `method ${r.method} is not allowed on a collection`);
    }
    if (!namespace) throw new ApiError(404, 'the server could not find the requested resource');
    const stored = this.store.get(type, namespace, name);
    const notFound = () => new ApiError(404, `${groupResource(type)} "${name}" not found`, 'NotFound', { name, ...(type.group ? { group: type.group } : {}), kind: type.plural });
    if (subresource !== undefined) {
      if (type.plural !== 'deployments' || subresource !== 'scale') throw new ApiError(404, 'the server could not find the requested resource');
      if (!stored) throw notFound();
      return [200, this.scale(r, type, stored)];
    }
    if (r.method === 'GET') {
      if (!stored) throw notFound();
      return [200, out(stored)];
    }
    if (r.method === 'DELETE') {
      if (!this.store.delete(type, namespace, name)) throw notFound();
      return [200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, kind: type.plural } }];
    }
    if (!stored) throw notFound();
    let next: KubeObject;
    if (r.method === 'PUT') {
      next = this.objectBody(r.body);
      if (next.metadata.name !== name) throw new ApiError(400, `the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
      const rv = next.metadata.resourceVersion;
      if (rv === undefined || rv === '') {
        if (!type.builtin) throw new ApiError(422, `${type.kind}.${type.group} "${name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`);
        next.metadata.resourceVersion = stored.metadata.resourceVersion;
      }
    } else if (r.method === 'PATCH') {
      next = this.patched(r, type, out(stored)) as KubeObject;
      if (next?.metadata?.name !== name) throw new ApiError(400, 'metadata.name cannot be changed by a patch');
    } else {
      throw new ApiError(405, `method ${r.method} is not allowed`);
    }
    this.checkPrecondition(type, stored, next.metadata.resourceVersion);
    return [200, out(this.store.update(type, { ...next, metadata: { ...next.metadata, namespace } }, true))];
  }

  private objectBody(body: unknown): KubeObject {
    const o = body as KubeObject | undefined;
    if (!o || typeof o !== 'object' || !o.metadata?.name) throw new ApiError(400, 'the request body must be an object with metadata.name');
    return clone(o);
  }

  private checkPrecondition(type: ResourceType, stored: KubeObject, rv: string | undefined): void {
    if (rv !== undefined && rv !== stored.metadata.resourceVersion) {
      throw new ApiError(
        409,
        `Operation cannot be fulfilled on ${groupResource(type)} "${stored.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
        'Conflict',
        { name: stored.metadata.name, ...(type.group ? { group: type.group } : {}), kind: type.plural },
      );
    }
  }

  private patched(r: RecordedRequest, type: ResourceType, current: unknown): unknown {
    const ct = r.contentType ?? '';
    if (!PATCH_TYPES.includes(ct) || (!type.builtin && ct === 'application/strategic-merge-patch+json')) {
      throw new ApiError(
        415,
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${type.builtin ? ', application/strategic-merge-patch+json' : ''}`,
      );
    }
    if (ct === 'application/json-patch+json') return jsonPatch(current, r.body);
    if (ct === 'application/merge-patch+json') return mergePatch(current, r.body);
    return strategicMergePatch(current, r.body);
  }

  private scale(r: RecordedRequest, type: ResourceType, deployment: KubeObject): unknown {
    const asScale = (d: KubeObject) => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: d.metadata.name, namespace: d.metadata.namespace, uid: d.metadata.uid, resourceVersion: d.metadata.resourceVersion, creationTimestamp: d.metadata.creationTimestamp },
      spec: { replicas: d.spec?.replicas ?? 1 },
      status: {
        replicas: d.status?.replicas ?? 0,
        selector: Object.entries((d.spec?.selector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(','),
      },
    });
    if (r.method === 'GET') return asScale(deployment);
    let next: { metadata?: { resourceVersion?: string }; spec?: { replicas?: unknown } };
    if (r.method === 'PUT') next = clone(r.body) as typeof next;
    else if (r.method === 'PATCH') next = this.patched(r, type, asScale(deployment)) as typeof next;
    else throw new ApiError(405, `method ${r.method} is not allowed on the scale subresource`);
    const replicas = next?.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(422, `Scale.autoscaling "${deployment.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
    }
    this.checkPrecondition(type, deployment, next.metadata?.resourceVersion);
    return asScale(this.store.update(type, { ...deployment, spec: { ...deployment.spec, replicas } }, true));
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
        const [code] = this.dispatch(r);
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
  concurrentWriterNext(matcher: RequestMatcher, object: { kind: string; namespace: string; name: string }, times = 1): void {
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

