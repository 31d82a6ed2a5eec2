/**
 * The doctor's GitOps check, per service: who re-applies its routing object from git, read exactly
 * as a rollback reads it (the adapter's `read`, so the doctor and the rollback cannot disagree), and
 * what pausing that owner's sync needs on the cluster. A config that names an owner the cluster does
 * not have fails here, before a rollback would stop on it.
 */
import { FLUX_RESOURCES } from '../adapters/kube/gitops/flux.ts';
import { GITOPS_ACCESS, serviceGitOps } from '../adapters/kube/gitops/index.ts';
import { KubeError, RouterError } from '../adapters/kube/errors.ts';
import type { KubeApis } from '../adapters/kube/clients.ts';
import type { ServiceConfig } from '../config/schema.ts';
import {
  ARGOCD_NAMESPACE,
  FLUX_NAMESPACE,
  ownerLine,
  ownerTarget,
  type SyncOwner,
  type SyncState,
} from '../domain/gitops.ts';
import type { GitOpsReading } from '../services/ports.ts';
import { accessReview, roleRule, type AccessNeed } from './access.ts';
import { failed, passed, type DoctorCheck } from './checks.ts';
import { kubeReason } from './kube-reasons.ts';

export interface GitOpsDoctorResult {
  check: DoctorCheck;
  /** What pausing the owner needs, asked with the service's other access; none when nothing is paused. */
  needs: AccessNeed[];
}

const CHECK = 'gitops';

export async function gitopsCheck(
  section: string,
  name: string,
  service: ServiceConfig,
  apis: KubeApis,
  call: <T>(work: () => Promise<T>) => Promise<T>,
): Promise<GitOpsDoctorResult> {
  let reading: GitOpsReading;
  try {
    reading = await call(() => serviceGitOps(apis, service).read());
  } catch (err) {
    return { check: failed(section, CHECK, readFailure(err, name, service), readFix(err, name, service)), needs: [] };
  }
  const { owner, state, onRollback } = reading;
  if (owner.tool === 'none') {
    const why =
      service.gitops?.tool === 'none' ? `services.${name}.gitops says tool: none` : 'no Argo CD or Flux owner';
    return { check: passed(section, CHECK, `not managed by GitOps (${why})`), needs: [] };
  }
  if (owner.tool === 'argo-rollouts')
    return { check: passed(section, CHECK, `${ownerLine(owner)}: no git sync to pause`), needs: [] };
  const during =
    onRollback === 'warn'
      ? `left syncing during a rollback (onRollback: warn), so a sync may undo it`
      : state?.paused
        ? 'already paused, and left so during a rollback'
        : 'paused during a rollback';
  const managed = `routing managed by ${ownerName(owner)}, ${syncWords(owner, state)}`;
  // With warn nothing is patched; the rollback only says the sync is on.
  if (onRollback === 'warn') return { check: passed(section, CHECK, `${managed}: ${during}`), needs: [] };
  const needs = pauseNeeds(owner);
  const answered = await reviewed(apis, needs, call);
  // Reviews that could not be asked are asked again with the service's other access, which says why they fail.
  if (!answered) return { check: passed(section, CHECK, `${managed}: ${during}`), needs };
  const denied = answered.filter((a) => !a.allowed);
  if (denied.length === 0) {
    const granted = `${needs.map((n) => n.verb).join(', ')} ${needs[0]?.resource ?? ''} granted in ${owner.namespace}`;
    return { check: passed(section, CHECK, `${managed}: ${during} (${granted})`), needs: [] };
  }
  const missing = denied.map((a) => `${a.need.verb} ${a.need.resource} (group ${a.need.group})`).join(', ');
  const rules = denied.map((a) => roleRule(a.need)).join(', ');
  return {
    check: failed(
      section,
      CHECK,
      `${managed}: a rollback cannot pause its sync, because Rewind is denied ${missing} in namespace ` +
        `${owner.namespace}`,
      `add ${rules} to the Role bound to Rewind in namespace ${owner.namespace} ` +
        `(${denied[0]?.need.role ?? 'deploy/rbac/'}); ` +
        `or set services.${name}.gitops.onRollback: warn (the sync stays on and may undo a rollback), or ` +
        `services.${name}.gitops.tool: none when git does not manage this routing`,
    ),
    needs: [],
  };
}

/** The pause's access, asked here so the GitOps line says whether a rollback can pause; null when not answered. */
async function reviewed(
  apis: KubeApis,
  needs: AccessNeed[],
  call: <T>(work: () => Promise<T>) => Promise<T>,
): Promise<{ need: AccessNeed; allowed: boolean }[] | null> {
  try {
    return await Promise.all(
      needs.map(async (need) => {
        const review = (await call(() =>
          apis.custom.createClusterCustomObject(
            accessReview({ namespace: need.namespace, group: need.group, resource: need.resource, verb: need.verb }),
          ),
        )) as { status?: { allowed?: unknown } };
        return { need, allowed: review.status?.allowed === true };
      }),
    );
  } catch {
    return null;
  }
}

/** `Argo CD application argocd/prompt-service`, `Flux Kustomization flux-system/apps`. */
function ownerName(owner: SyncOwner): string {
  return owner.tool === 'argocd'
    ? `Argo CD application ${owner.namespace}/${owner.application}`
    : `Flux ${ownerTarget(owner)}`;
}

function syncWords(owner: SyncOwner, state: SyncState | null): string {
  if (owner.tool === 'flux') return state?.paused ? 'suspended' : 'reconciling';
  if (!state || state.paused) return 'automated sync off';
  return state.selfHeal ? 'self-heal on' : 'self-heal off';
}

/**
 * GITOPS_ACCESS in the owner's namespace. A Flux owner as read has its kind found, so only that
 * kind's resource is asked: a Kustomization's pause never touches HelmReleases.
 */
function pauseNeeds(owner: SyncOwner): AccessNeed[] {
  const folder = owner.tool === 'argocd' ? ARGOCD_NAMESPACE : FLUX_NAMESPACE;
  const role =
    owner.namespace === folder
      ? `deploy/rbac/${folder}/ has it: list rbac/${folder} in deploy/kustomization.yaml`
      : `copy deploy/rbac/${folder}/, set its namespace to ${owner.namespace} and list it in deploy/kustomization.yaml`;
  const kindResource = owner.tool === 'flux' && owner.kind ? FLUX_RESOURCES[owner.kind].plural : null;
  return GITOPS_ACCESS[owner.tool]
    .filter((a) => kindResource === null || a.resource === kindResource)
    .flatMap((a) =>
      a.verbs.map((verb) => ({
        namespace: owner.namespace,
        group: a.group,
        resource: a.resource,
        subresource: '',
        verb,
        neededBy: [`pausing the sync of ${ownerTarget(owner)} for a rollback`],
        role,
      })),
    );
}

/** A RouterError here is the adapter saying the owner the config names does not exist. */
const namedOwnerMissing = (err: unknown, service: ServiceConfig) =>
  err instanceof RouterError && service.gitops?.application !== undefined;

function readFailure(err: unknown, name: string, service: ServiceConfig): string {
  if (namedOwnerMissing(err, service)) return `${kubeReason(err)}, yet services.${name}.gitops names it`;
  return `who manages the routing could not be read: ${kubeReason(err)}`;
}

function readFix(err: unknown, name: string, service: ServiceConfig): string {
  if (namedOwnerMissing(err, service))
    return (
      `correct services.${name}.gitops.application (and appNamespace) to the object that syncs the routing, or set ` +
      'tool: none when nothing does'
    );
  if (err instanceof KubeError && err.status === 403)
    return (
      'grant Rewind get on it in the Role of its namespace (deploy/rbac/; deploy/rbac/argocd/ and ' +
      `deploy/rbac/flux-system/ for Argo CD and Flux objects), or set services.${name}.gitops.tool: none`
    );
  return "run rewind doctor again; if it keeps failing, look at the API server's health";
}
