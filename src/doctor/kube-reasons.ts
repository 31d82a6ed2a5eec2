/**
 * A Kubernetes failure in the doctor's words: what the API server said (or that it said nothing),
 * without the action and target a check line already names.
 */
import { KubeContextError, KubeError, RouterError, toKubeError } from '../adapters/kube/errors.ts';
import { NoAnswerError, oneLine } from './checks.ts';

/** What a server wrote, on one line and short enough to read beside the check's name. */
function quoted(message: string): string {
  const flat = oneLine(message);
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

export function kubeReason(err: unknown): string {
  if (err instanceof NoAnswerError || err instanceof KubeContextError || err instanceof RouterError)
    return oneLine(err);
  // Anything else came from the client library: an answer of the API server, or none.
  const e = err instanceof KubeError ? err : toKubeError(err, '', 'read');
  const p = e.kubeProblem;
  switch (p.kind) {
    case 'http':
      return `${p.status} ${p.reason}: ${p.message === null ? 'no message' : quoted(p.message)}`;
    case 'unreachable':
      return `the API server could not be reached (${p.code})`;
    case 'client_timeout':
      return 'no answer from the API server in time';
    case 'kubeconfig':
      return oneLine(p.message);
    default:
      return oneLine(e);
  }
}

/**
 * No answer came at all (no connection, no kubeconfig, out of time): the rest of the cluster checks would fail alike.
 */
export function unanswered(err: unknown): boolean {
  if (err instanceof NoAnswerError || err instanceof KubeContextError) return true;
  return err instanceof KubeError && err.status === 0;
}
