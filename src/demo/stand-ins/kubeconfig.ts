/**
 * Writes a kubeconfig whose contexts point at Kubernetes API stand-ins (plain http on 127.0.0.1,
 * so `insecure-skip-tls-verify: true`, and a token user per context), and returns its path.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigContext {
  name: string;
  /** e.g. `http://127.0.0.1:PORT` (a KubeApiStandIn's `url`). */
  server: string;
  token?: string;
  namespace?: string;
}

/** Writes a kubeconfig for the contexts, to `file` or a new temporary file; returns its path. */
export function writeKubeconfig(
  contexts: KubeconfigContext[],
  currentContext = contexts[0]?.name,
  file?: string,
): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': currentContext,
    clusters: contexts.map((c) => ({
      name: `${c.name}-cluster`,
      cluster: { server: c.server, 'insecure-skip-tls-verify': true },
    })),
    users: contexts.map((c) => ({ name: `${c.name}-user`, user: { token: c.token ?? `token-${c.name}` } })),
    contexts: contexts.map((c) => ({
      name: c.name,
      context: {
        cluster: `${c.name}-cluster`,
        user: `${c.name}-user`,
        ...(c.namespace ? { namespace: c.namespace } : {}),
      },
    })),
  };
  const path = file ?? join(mkdtempSync(join(tmpdir(), 'rewind-kubeconfig-')), 'config');
  writeFileSync(path, stringify(doc));
  return path;
}
