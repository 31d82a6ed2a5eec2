/**
 * The custom resources GitOps controllers keep their sync in, read and patched through client-node's
 * CustomObjectsApi. Every write is a JSON merge patch (custom resources refuse strategic merge)
 * carrying fieldManager `rewind`, so managedFields name Rewind as the writer of what it changed.
 */
import type { KubeChange } from '../../../services/ports.ts';
import type { KubeApis } from '../clients.ts';
import { PATCH_CONTENT_TYPES } from '../content-types.ts';
import { KubeError, kubeCall } from '../errors.ts';

/** The field manager Rewind writes as. */
export const FIELD_MANAGER = 'rewind';

export interface CustomResource {
  kind: string;
  group: string;
  version: string;
  plural: string;
}

export interface ResourceRef {
  namespace: string;
  name: string;
}

const targetOf = (r: CustomResource, ref: ResourceRef) => `${r.kind} ${ref.namespace}/${ref.name}`;

/** The object, or null when the API server says it does not exist. */
export async function readCustomObject(apis: KubeApis, r: CustomResource, ref: ResourceRef): Promise<unknown> {
  try {
    return await kubeCall(targetOf(r, ref), 'read', () =>
      apis.custom.getNamespacedCustomObject({ group: r.group, version: r.version, plural: r.plural, ...ref }),
    );
  } catch (err) {
    if (err instanceof KubeError && err.status === 404) return null;
    throw err;
  }
}

/** Sends `body` as a JSON merge patch; the change as the engine reports it. */
export async function mergePatch(
  apis: KubeApis,
  r: CustomResource,
  ref: ResourceRef,
  body: Record<string, unknown>,
): Promise<KubeChange> {
  const contentType = PATCH_CONTENT_TYPES.merge;
  const target = targetOf(r, ref);
  await kubeCall(target, 'PATCH of', () =>
    apis.custom.patchNamespacedCustomObject(
      { group: r.group, version: r.version, plural: r.plural, ...ref, body, fieldManager: FIELD_MANAGER },
      apis.sendAs(contentType),
    ),
  );
  return { method: 'PATCH', target, contentType, body };
}
