/**
 * The doctor's leader-election checks, asked only when REWIND_DB is PostgreSQL (with SQLite there is
 * one replica and no Lease): the replicas elect the one that runs the drift watch with the Lease
 * `rewind-leader` in Rewind's own namespace, through the current kubeconfig context (a pod's own
 * cluster), as startup/leadership.ts does. A Role missing those verbs would leave every replica a
 * follower and the drift watch silently off, so each verb is asked as a SelfSubjectAccessReview, and
 * the Lease itself is read to say who holds it now.
 */
import type { V1Lease } from '@kubernetes/client-node';
import type { KubeApis, KubeClients } from '../adapters/kube/clients.ts';
import { LEADER_ELECTION_ACCESS, LEADER_LEASE, LEASE_TIMINGS } from '../adapters/kube/lease.ts';
import type { Clock } from '../clock.ts';
import { rewindNamespace } from '../startup/leadership.ts';
import { accessChecks, type AccessNeed } from './access.ts';
import { failed, oneLine, passed, withinDeadline, type DoctorCheck } from './checks.ts';
import { kubeReason } from './kube-reasons.ts';

const SECTION = 'Leader election';
const ROLE = "deploy/rbac/roles/leader-election, bound in Rewind's own namespace";

export interface LeaderDoctorInput {
  clients: KubeClients;
  podNamespace: string | undefined;
  clock: Clock;
  timeoutMs: number;
  /** Where the pod's service account namespace is mounted (a test points it elsewhere). */
  namespaceFile?: string;
}

/** Every verb election uses on the Lease, in `namespace`. */
export function leaderNeeds(namespace: string): AccessNeed[] {
  return LEADER_ELECTION_ACCESS.flatMap((a) =>
    a.verbs.flatMap((verb) =>
      (a.resourceNames ?? ['']).map((name) => ({
        namespace,
        group: a.group,
        resource: a.resource,
        subresource: '',
        verb,
        ...(name ? { name } : {}),
        neededBy: ['leader election (the drift watch runs on the replica holding the Lease)'],
        role: ROLE,
      })),
    ),
  );
}

export async function leaderChecks(input: LeaderDoctorInput): Promise<DoctorCheck[]> {
  const namespace = rewindNamespace(input.podNamespace, input.namespaceFile);
  const call = <T>(work: () => Promise<T>) => withinDeadline(input.clock, input.timeoutMs, work);
  let apis: KubeApis;
  try {
    apis = input.clients.forContext();
  } catch (err) {
    return [
      failed(
        SECTION,
        'kubeconfig',
        `no Kubernetes context for the Lease ${namespace}/${LEADER_LEASE}: ${oneLine(err)}; no replica would ` +
          'lead, so the drift watch would not run',
        "run Rewind in the cluster with its service account, or set a current context in Rewind's kubeconfig",
      ),
    ];
  }
  const lease = await leaseCheck(apis, namespace, input.clock, call);
  return [lease, ...(await accessChecks(SECTION, apis, leaderNeeds(namespace), call))];
}

async function leaseCheck(
  apis: KubeApis,
  namespace: string,
  clock: Clock,
  call: <T>(work: () => Promise<T>) => Promise<T>,
): Promise<DoctorCheck> {
  const where = `Lease ${namespace}/${LEADER_LEASE}`;
  const namespaceFrom = 'the namespace is POD_NAMESPACE, else the service account\'s, else "rewind"';
  let lease: V1Lease;
  try {
    lease = await call(() => apis.coordination.readNamespacedLease({ name: LEADER_LEASE, namespace }));
  } catch (err) {
    if ((err as { code?: unknown }).code === 404)
      return passed(SECTION, 'Lease', `${where} does not exist yet: the first replica to start creates it`);
    return failed(
      SECTION,
      'Lease',
      `${where} could not be read: ${kubeReason(err)}`,
      `check ${namespaceFrom}, and that Rewind may get it (the access checks below)`,
    );
  }
  const holder = lease.spec?.holderIdentity;
  const renewed = lease.spec?.renewTime ? new Date(String(lease.spec.renewTime)).getTime() : NaN;
  const durationMs = (lease.spec?.leaseDurationSeconds ?? LEASE_TIMINGS.leaseDurationMs / 1000) * 1000;
  if (!holder || Number.isNaN(renewed))
    return passed(SECTION, 'Lease', `${where} is free: the next replica to try takes it`);
  const ago = Math.max(0, Math.round((clock.now() - renewed) / 1000));
  if (clock.now() - renewed > durationMs)
    return passed(
      SECTION,
      'Lease',
      `${where} was last renewed by ${holder} ${ago} s ago and has run out: the next replica to try takes it ` +
        '(no replica leads right now, so the drift watch is not running)',
    );
  return passed(SECTION, 'Lease', `${where} is held by ${holder}, renewed ${ago} s ago`);
}
