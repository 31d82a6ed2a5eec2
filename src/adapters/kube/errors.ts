/**
 * Every failure of a Kubernetes call surfaces as a KubeError naming the object it was about. The
 * engine decides what to retry (`retryable`); this layer never retries on its own, except the
 * read-modify-write loop of custom resources, whose 409 is answered by re-reading (optimistic.ts).
 * Each KubeError carries its `kubeProblem`, the same failure as data, for the services to say in
 * any language; its message is that problem's English line.
 */
import { kubeProblemLine, type KubeAction, type KubeProblem } from '../../domain/kube-problem.ts';

/**
 * No kubeconfig, or a context it lacks (clients.ts throws it). Declared here rather than next to
 * the clients so that this file, and the router modules config loads through it, import nothing
 * of the client library.
 */
export class KubeContextError extends Error {
  override readonly name = 'KubeContextError';
}

/**
 * The client library's ApiException, recognised by its shape (a numeric HTTP `code`, the response
 * `body` and `headers`) instead of by class, for the same reason. Node's own errors carry a
 * string `code`, so they never match.
 */
function isApiException(err: unknown): err is Error & { code: number; body: unknown } {
  return (
    err instanceof Error && typeof (err as { code?: unknown }).code === 'number' && 'body' in err && 'headers' in err
  );
}

export class KubeError extends Error {
  override readonly name = 'KubeError';

  constructor(
    /** HTTP status; 0 when no answer came (timeout, connection refused). */
    readonly status: number,
    /**
     * The API server's Status reason (`NotFound`, `Conflict`, `Invalid`…), or `Timeout` /
     * `Unreachable` / `Kubeconfig` (none found, or no such context).
     */
    readonly reason: string,
    message: string,
    /** What the call was about: `Kind namespace/name`. */
    readonly target: string,
    /** The failure as data; without one, the message is all there is to say. */
    readonly kubeProblem: KubeProblem = { kind: 'other', message, status: status > 0 ? status : null },
  ) {
    super(message);
  }

  /** Worth trying again later: no answer, throttled, or a server-side failure. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** A config or cluster-shape problem the router cannot work around (not an API failure). */
export class RouterError extends Error {
  override readonly name = 'RouterError';
}

const REASON_BY_STATUS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** ApiException.body is the raw response text; the API server puts a Status object in it. */
function parseStatus(body: unknown): { message?: string; reason?: string } {
  const parsed =
    typeof body === 'string'
      ? (() => {
          try {
            return JSON.parse(body) as unknown;
          } catch {
            return undefined;
          }
        })()
      : body;
  if (parsed && typeof parsed === 'object') {
    const s = parsed as { message?: unknown; reason?: unknown };
    return {
      message: typeof s.message === 'string' ? s.message : undefined,
      reason: typeof s.reason === 'string' ? s.reason : undefined,
    };
  }
  return { message: typeof body === 'string' && body.trim() ? body.trim().slice(0, 300) : undefined };
}

/** What the client threw, as a problem of `action` on `target`. */
function problemOf(err: unknown, target: string, action: KubeAction): KubeProblem {
  // No kubeconfig, or a context it lacks: say that, not that a server could not be reached.
  if (err instanceof KubeContextError) return { kind: 'kubeconfig', action, target, message: err.message };
  if (isApiException(err)) {
    const status = err.code;
    const { message, reason } = parseStatus(err.body);
    const why = reason ?? REASON_BY_STATUS[status] ?? 'Unknown';
    return { kind: 'http', action, target, status, reason: why, message: message ?? null };
  }
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { kind: 'client_timeout', action, target };
  const code = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
  return { kind: 'unreachable', action, target, code };
}

const REASON_BY_KIND: Record<'kubeconfig' | 'client_timeout' | 'unreachable', string> = {
  kubeconfig: 'Kubeconfig',
  client_timeout: 'Timeout',
  unreachable: 'Unreachable',
};

export function toKubeError(err: unknown, target: string, action: KubeAction): KubeError {
  if (err instanceof KubeError) return err;
  const problem = problemOf(err, target, action);
  const line = kubeProblemLine(problem, '');
  // Status 0 (no answer) keeps a missing kubeconfig retryable, as the connection refused it used to end in was.
  if (problem.kind === 'http') return new KubeError(problem.status, problem.reason, line, target, problem);
  if (problem.kind === 'kubeconfig' || problem.kind === 'client_timeout' || problem.kind === 'unreachable')
    return new KubeError(0, REASON_BY_KIND[problem.kind], line, target, problem);
  return new KubeError(0, 'Unknown', line, target, problem);
}

/** Runs one API call, turning whatever it throws into a KubeError about `target`. */
export async function kubeCall<T>(target: string, action: KubeAction, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toKubeError(err, target, action);
  }
}
