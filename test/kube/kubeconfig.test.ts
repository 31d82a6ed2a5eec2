/**
 * Where the kubeconfig comes from, and what is said when there is none: KUBECONFIG (a list is
 * merged), else ~/.kube/config, else the in-cluster service account — and otherwise "no kubeconfig
 * found", never the client library's invented context "loaded-context" on localhost:8080.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KubeClients, KubeContextError, NO_KUBECONFIG } from '../../src/adapters/kube/clients.ts';
import { toKubeError } from '../../src/adapters/kube/errors.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';

const emptyHome = () => mkdtempSync(join(tmpdir(), 'rewind-home-'));
const IN_A_POD = existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');

describe('KubeClients without a kubeconfig file given', () => {
  it.skipIf(IN_A_POD)('with no KUBECONFIG, no ~/.kube/config and no service account, says so on every use', () => {
    const clients = new KubeClients({ env: { HOME: emptyHome() } });
    expect(clients.unavailable).toBe(NO_KUBECONFIG);
    expect(NO_KUBECONFIG).toBe('no kubeconfig found: set KUBECONFIG or run inside the cluster');
    expect(clients.contexts()).toEqual([]);
    expect(() => clients.forContext()).toThrow(new KubeContextError(NO_KUBECONFIG));
    expect(() => clients.forContext('prod')).toThrow(NO_KUBECONFIG);
  });

  it('reads ~/.kube/config from HOME', () => {
    const home = emptyHome();
    mkdirSync(join(home, '.kube'));
    writeKubeconfig([{ name: 'laptop', server: 'http://127.0.0.1:9' }], 'laptop', join(home, '.kube', 'config'));
    const clients = new KubeClients({ env: { HOME: home } });
    expect(clients.unavailable).toBeUndefined();
    expect(clients.forContext()).toMatchObject({ context: 'laptop', server: 'http://127.0.0.1:9' });
  });

  it('merges a KUBECONFIG list, and KUBECONFIG wins over ~/.kube/config', () => {
    const home = emptyHome();
    mkdirSync(join(home, '.kube'));
    writeKubeconfig([{ name: 'laptop', server: 'http://127.0.0.1:9' }], 'laptop', join(home, '.kube', 'config'));
    const a = writeKubeconfig([{ name: 'prod', server: 'http://127.0.0.1:10' }]);
    const b = writeKubeconfig([{ name: 'staging', server: 'http://127.0.0.1:11' }]);
    const clients = new KubeClients({ env: { HOME: home, KUBECONFIG: [a, b].join(delimiter) } });
    expect(clients.contexts()).toEqual(['prod', 'staging']);
    expect(clients.forContext('staging').server).toBe('http://127.0.0.1:11');
  });

  it('a KUBECONFIG that cannot be read is named with the reason, not thrown at construction', () => {
    const folder = emptyHome();
    const missing = join(folder, 'nope');
    expect(new KubeClients({ env: { KUBECONFIG: missing } }).unavailable).toBe(
      `cannot read the kubeconfig ${missing}: the file does not exist`,
    );
    expect(new KubeClients({ kubeconfigPath: folder }).unavailable).toBe(
      `cannot read the kubeconfig ${folder}: it is a directory`,
    );
    expect(() => new KubeClients({ kubeconfigPath: folder }).forContext('prod')).toThrow(
      `cannot read the kubeconfig ${folder}: it is a directory`,
    );
  });

  it('inside a Kubernetes call the reason stays what it is, not "the API server could not be reached"', () => {
    const err = toKubeError(new KubeContextError(NO_KUBECONFIG), 'VirtualService prompts/x', 'read');
    expect({ status: err.status, reason: err.reason, message: err.message }).toEqual({
      status: 0,
      reason: 'Kubeconfig',
      message: `read VirtualService prompts/x failed: ${NO_KUBECONFIG}`,
    });
  });
});
