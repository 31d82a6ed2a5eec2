/**
 * `rewind doctor` with REWIND_DB naming PostgreSQL: the replicas elect the drift watch's runner with
 * the Lease `rewind-leader` in Rewind's namespace, so the doctor asks the API server for each verb
 * election uses and reads the Lease to say who holds it. With SQLite (one replica) it asks nothing
 * about a Lease. Run through the CLI entry point against the Kubernetes stand-in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli.ts';
import { shippedConfigDoc } from '../support/config-doc.ts';
import { KubeApiStandIn } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { freshDatabase, STORE_KINDS } from '../support/stores.ts';

const SECTION = 'Leader election';

interface Check {
  section: string;
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

let dir: string;
let kube: KubeApiStandIn;
let config: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewind-doctor-leader-'));
  kube = await KubeApiStandIn.start({ token: 'k8s-token' });
  config = join(dir, 'rewind.yml');
  // A config with a problem: the doctor then leaves out the service and metrics checks, which this file
  // is not about; the Lease is Rewind's own and is checked without a config.
  writeFileSync(config, stringify({ ...shippedConfigDoc(), services: {} }));
  vi.stubEnv(
    'KUBECONFIG',
    writeKubeconfig([{ name: 'test', server: kube.url, token: 'k8s-token' }], 'test', join(dir, 'kc')),
  );
  vi.stubEnv('POD_NAMESPACE', 'rewind-ha');
  vi.stubEnv('SLACK_BOT_TOKEN', 'xoxb-doctor-leader');
  vi.stubEnv('SLACK_API_URL', 'http://127.0.0.1:9/api/');
  vi.stubEnv('REWIND_CONFIG', undefined);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
});

async function leaderSection(): Promise<Check[]> {
  const lines: string[] = [];
  await runCli(['doctor', '--json', '--config', config], { log: (l) => lines.push(l), error: () => undefined });
  return (JSON.parse(lines.join('\n')) as Check[]).filter((c) => c.section === SECTION);
}

function seedLease(holder: string, renewedAgoMs: number): void {
  kube.create({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { namespace: 'rewind-ha', name: 'rewind-leader' },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: 15,
      renewTime: new Date(Date.now() - renewedAgoMs).toISOString(),
    },
  });
}

describe('rewind doctor: leader election', () => {
  it('asks nothing about a Lease when REWIND_DB is a SQLite file', async () => {
    vi.stubEnv('REWIND_DB', join(dir, 'rewind.db'));
    expect(await leaderSection()).toEqual([]);
    expect(kube.accessReviews.asked.filter((a) => a.resource === 'leases')).toEqual([]);
  });

  describe.skipIf(!STORE_KINDS.includes('postgres'))('on PostgreSQL', () => {
    beforeEach(() => {
      vi.stubEnv('REWIND_DB', freshDatabase('postgres').target);
    });

    it('names the Lease holder and asks for create, get and update on it in POD_NAMESPACE', async () => {
      seedLease('rewind-7d9f-abcde', 3_000);
      const checks = await leaderSection();
      expect(checks[0]).toMatchObject({ check: 'Lease', ok: true });
      expect(checks[0]?.detail).toMatch(
        /^Lease rewind-ha\/rewind-leader is held by rewind-7d9f-abcde, renewed \d+ s ago$/,
      );
      expect(checks[1]).toMatchObject({
        section: SECTION,
        check: 'access',
        ok: true,
        detail:
          'all 3 permissions granted: create leases (coordination.k8s.io) in rewind-ha; get, update leases ' +
          'rewind-leader (coordination.k8s.io) in rewind-ha',
      });
      expect(kube.accessReviews.asked.filter((a) => a.resource === 'leases')).toEqual([
        {
          namespace: 'rewind-ha',
          group: 'coordination.k8s.io',
          resource: 'leases',
          subresource: '',
          verb: 'create',
          allowed: true,
        },
        {
          namespace: 'rewind-ha',
          group: 'coordination.k8s.io',
          resource: 'leases',
          subresource: '',
          verb: 'get',
          name: 'rewind-leader',
          allowed: true,
        },
        {
          namespace: 'rewind-ha',
          group: 'coordination.k8s.io',
          resource: 'leases',
          subresource: '',
          verb: 'update',
          name: 'rewind-leader',
          allowed: true,
        },
      ]);
      // A question and a read: the doctor never takes the Lease.
      expect(kube.writes().filter((r) => r.path.includes('/leases'))).toEqual([]);
    });

    it('says a Lease not created yet and one that ran out, without failing', async () => {
      expect((await leaderSection())[0]).toMatchObject({
        ok: true,
        detail: 'Lease rewind-ha/rewind-leader does not exist yet: the first replica to start creates it',
      });
      seedLease('rewind-gone', 60_000);
      expect((await leaderSection())[0]?.detail).toMatch(
        /^Lease rewind-ha\/rewind-leader was last renewed by rewind-gone \d+ s ago and has run out: the next replica/,
      );
    });

    it('fails a verb the Role does not grant, naming the rule with its resourceNames', async () => {
      kube.denyAccess({ namespace: 'rewind-ha', resource: 'leases', verb: 'update', name: 'rewind-leader' });
      const denied = (await leaderSection()).filter((c) => !c.ok);
      expect(denied).toEqual([
        {
          section: SECTION,
          check: 'access update leases rewind-leader',
          ok: false,
          detail:
            'denied: update leases rewind-leader (group coordination.k8s.io) in namespace rewind-ha, which leader ' +
            'election (the drift watch runs on the replica holding the Lease) needs',
          fix:
            'add this rule to the Role bound to Rewind in namespace rewind-ha (deploy/rbac/roles/leader-election, ' +
            "bound in Rewind's own namespace): " +
            '{apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: ["rewind-leader"], verbs: ' +
            '["update"]}',
        },
      ]);
    });
  });
});
