/**
 * Whether the server a kubeconfig context names is a Kubernetes API server at all. A kubeconfig
 * pointing at some other HTTP server (a load balancer's default page, a web app, a wrong port)
 * answers every request with its own page, and every check after would fail with that page and a
 * fix that does not apply ("create the Service", "deploy the version"). So the doctor asks first,
 * once per context, with a question every API server answers: a SelfSubjectAccessReview. An API
 * server answers it with the review, or with a Status object when it refuses it (401, 403): both are
 * Kubernetes objects; anything else is not an API server.
 */
import type { KubeApis } from '../adapters/kube/clients.ts';
import { toKubeError } from '../adapters/kube/errors.ts';
import { accessReview } from './access.ts';

export type ServerAnswer =
  | { kubernetes: true }
  /** `contentType` is the media type of the answer, without its parameters. */
  | { kubernetes: false; status: number; contentType: string };

/** The client library's ApiException: the server answered, with an error status. */
function isAnswer(err: unknown): err is Error & { code: number; body: unknown; headers: Record<string, string> } {
  const e = err as { code?: unknown; headers?: unknown } | null;
  return err instanceof Error && typeof e?.code === 'number' && typeof e.headers === 'object' && e.headers !== null;
}

function kindOf(body: unknown): unknown {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body) as unknown;
    } catch {
      return undefined;
    }
  }
  return parsed !== null && typeof parsed === 'object' ? (parsed as { kind?: unknown }).kind : undefined;
}

const KUBERNETES_KINDS = new Set(['SelfSubjectAccessReview', 'Status']);

/**
 * Asks the server of `apis` whether Rewind may get Deployments in `namespace` (a question, which
 * changes nothing) and says whether what answered is an API server. Throws a KubeError when
 * nothing answered (no connection, no kubeconfig credentials that work on the wire).
 */
export async function askServer(apis: KubeApis, namespace: string): Promise<ServerAnswer> {
  let status: number;
  let headers: Record<string, string>;
  let body: unknown;
  try {
    const info = await apis.custom.createClusterCustomObjectWithHttpInfo(
      accessReview({ namespace, group: 'apps', resource: 'deployments', verb: 'get' }),
    );
    ({ httpStatusCode: status, headers, data: body } = info);
  } catch (err) {
    if (!isAnswer(err)) throw toKubeError(err, `the API server ${apis.server}`, 'read');
    ({ code: status, headers, body } = err);
  }
  if (KUBERNETES_KINDS.has(String(kindOf(body)))) return { kubernetes: true };
  const contentType = (headers['content-type'] ?? '').split(';')[0]?.trim() || 'no Content-Type';
  return { kubernetes: false, status, contentType };
}
