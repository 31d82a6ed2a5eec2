/**
 * How the stand-in API server answers one request: the path routed to a resource type, then GET,
 * LIST (labelSelector, fieldSelector on metadata.name / namespace), POST, PUT (409 on a stale
 * resourceVersion), PATCH (JSON patch with `test` ops → 422 when one fails, merge patch, strategic
 * merge patch → 415 on custom resources), DELETE and the Deployment `scale` subresource, carried
 * out on the object store; every write records its field manager (`fieldManager`, else the user
 * agent's). Watches are answered by watch.ts.
 */
import { ApiError } from './errors.ts';
import { clone, jsonPatch, mergePatch, strategicMergePatch } from './patch.ts';
import type { RecordedRequest } from './requests.ts';
import { parseFieldSelector } from './selectors.ts';
import {
  RESOURCE_TYPES,
  apiVersionOf,
  groupResource,
  type KubeObject,
  type ObjectStore,
  type ResourceType,
} from './store.ts';

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

export interface Route {
  type: ResourceType;
  version: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

export function parseRoute(path: string): Route | null {
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

const update = (manager: string) => ({ manager, operation: 'Update' as const });

/** Carries out requests on the object store, as the API server would. */
export class KubeRequestHandler {
  constructor(private readonly store: ObjectStore) {}

  /**
   * The status code and body of the answer; an ApiError (or a patch or selector error) for a
   * refusal. `manager` is the field manager of a write (its `fieldManager`, or the user agent's).
   */
  answer(r: RecordedRequest, manager: string): [number, unknown] {
    const route = parseRoute(r.path);
    if (!route) throw new ApiError(404, 'the server could not find the requested resource');
    const { type, version, namespace, name, subresource } = route;
    const out = (o: KubeObject): KubeObject => ({ ...o, apiVersion: apiVersionOf(type, version) });
    if (!name) {
      if (r.method === 'GET') {
        const fields = parseFieldSelector(r.query.fieldSelector);
        const items = this.store
          .list(type, namespace, r.query.labelSelector)
          .filter(fields)
          .map((o) => {
            if (!type.builtin) return out(o);
            // The API server leaves kind and apiVersion off the items of built-in lists.
            const { kind: _k, apiVersion: _a, ...rest } = o;
            return rest;
          });
        return [
          200,
          {
            kind: `${type.kind}List`,
            apiVersion: apiVersionOf(type, version),
            metadata: { resourceVersion: this.store.currentRevision },
            items,
          },
        ];
      }
      if (r.method === 'POST' && namespace) {
        const body = this.objectBody(r.body);
        if (this.store.get(type, namespace, body.metadata.name)) {
          throw new ApiError(409, `${groupResource(type)} "${body.metadata.name}" already exists`, 'AlreadyExists', {
            name: body.metadata.name,
            kind: type.plural,
          });
        }
        const created = this.store.create(
          type,
          { ...body, metadata: { ...body.metadata, namespace } },
          update(manager),
        );
        return [201, out(created)];
      }
      throw new ApiError(405, `method ${r.method} is not allowed on a collection`);
    }
    if (!namespace) throw new ApiError(404, 'the server could not find the requested resource');
    const stored = this.store.get(type, namespace, name);
    const notFound = () =>
      new ApiError(404, `${groupResource(type)} "${name}" not found`, 'NotFound', {
        name,
        ...(type.group ? { group: type.group } : {}),
        kind: type.plural,
      });
    if (subresource !== undefined) {
      if (type.plural !== 'deployments' || subresource !== 'scale')
        throw new ApiError(404, 'the server could not find the requested resource');
      if (!stored) throw notFound();
      return [200, this.scale(r, type, stored, manager)];
    }
    if (r.method === 'GET') {
      if (!stored) throw notFound();
      return [200, out(stored)];
    }
    if (r.method === 'DELETE') {
      if (!this.store.delete(type, namespace, name)) throw notFound();
      return [
        200,
        { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, kind: type.plural } },
      ];
    }
    if (!stored) throw notFound();
    let next: KubeObject;
    if (r.method === 'PUT') {
      next = this.objectBody(r.body);
      if (next.metadata.name !== name)
        throw new ApiError(
          400,
          `the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`,
        );
      const rv = next.metadata.resourceVersion;
      if (rv === undefined || rv === '') {
        if (!type.builtin)
          throw new ApiError(
            422,
            `${type.kind}.${type.group} "${name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be ` +
              `specified for an update`,
          );
        next.metadata.resourceVersion = stored.metadata.resourceVersion;
      }
    } else if (r.method === 'PATCH') {
      next = this.patched(r, type, out(stored)) as KubeObject;
      if (next?.metadata?.name !== name) throw new ApiError(400, 'metadata.name cannot be changed by a patch');
    } else {
      throw new ApiError(405, `method ${r.method} is not allowed`);
    }
    this.checkPrecondition(type, stored, next.metadata.resourceVersion);
    const updated = this.store.update(
      type,
      { ...next, metadata: { ...next.metadata, namespace } },
      true,
      update(manager),
    );
    return [200, out(updated)];
  }

  private objectBody(body: unknown): KubeObject {
    const o = body as KubeObject | undefined;
    if (!o || typeof o !== 'object' || !o.metadata?.name)
      throw new ApiError(400, 'the request body must be an object with metadata.name');
    return clone(o);
  }

  private checkPrecondition(type: ResourceType, stored: KubeObject, rv: string | undefined): void {
    if (rv !== undefined && rv !== stored.metadata.resourceVersion) {
      throw new ApiError(
        409,
        `Operation cannot be fulfilled on ${groupResource(type)} "${stored.metadata.name}": the object has been ` +
          `modified; please apply your changes to the latest version and try again`,
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
        `the body of the request was in an unknown format - accepted media types include: ` +
          `application/json-patch+json, application/merge-patch+json, ` +
          `application/apply-patch+yaml${type.builtin ? ', application/strategic-merge-patch+json' : ''}`,
      );
    }
    if (ct === 'application/json-patch+json') return jsonPatch(current, r.body);
    if (ct === 'application/merge-patch+json') return mergePatch(current, r.body);
    return strategicMergePatch(current, r.body);
  }

  private scale(r: RecordedRequest, type: ResourceType, deployment: KubeObject, manager: string): unknown {
    const asScale = (d: KubeObject) => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: d.metadata.name,
        namespace: d.metadata.namespace,
        uid: d.metadata.uid,
        resourceVersion: d.metadata.resourceVersion,
        creationTimestamp: d.metadata.creationTimestamp,
      },
      spec: { replicas: d.spec?.replicas ?? 1 },
      status: {
        replicas: d.status?.replicas ?? 0,
        selector: Object.entries((d.spec?.selector?.matchLabels ?? {}) as Record<string, string>)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      },
    });
    if (r.method === 'GET') return asScale(deployment);
    let next: { metadata?: { resourceVersion?: string }; spec?: { replicas?: unknown } };
    if (r.method === 'PUT') next = clone(r.body) as typeof next;
    else if (r.method === 'PATCH') next = this.patched(r, type, asScale(deployment)) as typeof next;
    else throw new ApiError(405, `method ${r.method} is not allowed on the scale subresource`);
    const replicas = next?.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(
        422,
        `Scale.autoscaling "${deployment.metadata.name}" is invalid: spec.replicas: Invalid value: ` +
          `${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      );
    }
    this.checkPrecondition(type, deployment, next.metadata?.resourceVersion);
    const scaled = { ...deployment, spec: { ...deployment.spec, replicas } };
    return asScale(this.store.update(type, scaled, true, { ...update(manager), subresource: 'scale' }));
  }
}
