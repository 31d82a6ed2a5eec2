/**
 * Why a Kubernetes call failed, as data: what the API server answered, that it could not be
 * reached, that it did not answer in time. The Kubernetes adapter makes one from whatever the
 * client threw; the retry helper adds its own (no answer within its timeout). Each has one
 * English line (logs, the rollback's `error`), word for word what these errors always said; the
 * Slack adapter says the rest in the reader's language and quotes only the server's own words.
 */

/** What a call did, as the Kubernetes adapter names it in its errors (`PATCH of HTTPRoute ns/name`). */
export type KubeAction = 'read' | 'list' | 'PATCH of' | 'PUT of' | 'read scale of' | 'PATCH of the scale of';

export type KubeProblem =
  /** The API server answered with an error; `message` is its own words, null when it gave none. */
  | { kind: 'http'; action: KubeAction; target: string; status: number; reason: string; message: string | null }
  /** No connection; `code` is what the network said (`ECONNREFUSED`, or its message). */
  | { kind: 'unreachable'; action: KubeAction; target: string; code: string }
  /** The client's own request timeout ran out. */
  | { kind: 'client_timeout'; action: KubeAction; target: string }
  /** No kubeconfig, or no such context in it; `message` says which. */
  | { kind: 'kubeconfig'; action: KubeAction; target: string; message: string }
  /** Every write of a read-modify-write loop was refused with 409; `last` is the last refusal. */
  | { kind: 'conflict_retries'; target: string; writes: number; last: KubeProblem }
  /** The retry helper's timeout ran out before the call answered. */
  | { kind: 'no_answer'; withinMs: number }
  /** Anything else an adapter threw (a split the router cannot express…): its message as it was. */
  | { kind: 'other'; message: string; status: number | null };

const seconds = (ms: number) => `${ms / 1000}s`;
const NO_MESSAGE = 'no message from the API server';

/**
 * The English line of a problem, as the error that carried it always read. `what` names the call
 * for the retry helper's own timeout, which says it (`read back x routing: no answer …`).
 */
export function kubeProblemLine(p: KubeProblem, what: string): string {
  switch (p.kind) {
    case 'http':
      return `${p.action} ${p.target} failed: ${p.status} ${p.reason}: ${p.message ?? NO_MESSAGE}`;
    case 'unreachable':
      return `${p.action} ${p.target} failed: the API server could not be reached (${p.code})`;
    case 'client_timeout':
      return `${p.action} ${p.target} failed: no answer from the API server in time`;
    case 'kubeconfig':
      return `${p.action} ${p.target} failed: ${p.message}`;
    case 'conflict_retries':
      return (
        `${p.target} kept changing underneath: ${p.writes} writes in a row were refused with 409 Conflict ` +
        `(${kubeProblemLine(p.last, what)})`
      );
    case 'no_answer':
      return `${what}: no answer from the Kubernetes API within ${seconds(p.withinMs)}`;
    case 'other':
      return p.message;
  }
}

/** One failure a retry got past, in a few words: `no answer within 15s`, `HTTP 500: etcdserver: leader changed`. */
export function absorbedProblemLine(p: KubeProblem): string {
  if (p.kind === 'no_answer') return `no answer within ${seconds(p.withinMs)}`;
  if (p.kind === 'other' && p.status !== null && p.status > 0 && !p.message.includes(String(p.status)))
    return `HTTP ${p.status}: ${p.message}`;
  return kubeProblemLine(p, '');
}

/** A Kubernetes call that failed for good; `attempts` is null when it was an answer and not retried. */
export interface KubeCallFailure {
  attempts: number | null;
  problem: KubeProblem;
}

/** `read back x routing failed (after 3 attempts): …`: the line the retry helper's error always had. */
export function kubeCallFailureLine(what: string, f: KubeCallFailure): string {
  const attempts = f.attempts === null ? '' : ` (after ${f.attempts} attempts)`;
  return `${what} failed${attempts}: ${kubeProblemLine(f.problem, what)}`;
}
