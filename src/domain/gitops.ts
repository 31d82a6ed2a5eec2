/**
 * Who owns a service's routing object in git, and how a rollback keeps that owner from undoing it.
 *
 * Argo CD with self-heal re-applies git within seconds, and Flux on its interval: a rollback that
 * patches a Service selector, an HTTPRoute or a VirtualService they manage is silently reverted to
 * the bad version. The owner is read from the object's own marks (Argo CD's tracking annotation or
 * instance label, Flux's name/namespace labels, an Argo Rollouts ownerReference), unless the
 * service's `gitops:` setting names it. Pausing is a merge patch on the owner: Argo CD's
 * `spec.syncPolicy.automated` removed (the policy before is kept to restore it), Flux's
 * `spec.suspend` set.
 */

export const GITOPS_TOOLS = ['argocd', 'flux', 'none'] as const;
export type GitOpsTool = (typeof GITOPS_TOOLS)[number];

export const GITOPS_ON_ROLLBACK = ['pause', 'warn'] as const;
/** pause: turn the owner's sync off for the rollback and offer to resume it; warn: only say sync may undo it. */
export type GitOpsOnRollback = (typeof GITOPS_ON_ROLLBACK)[number];

export const FLUX_KINDS = ['Kustomization', 'HelmRelease'] as const;
export type FluxKind = (typeof FLUX_KINDS)[number];

/** Where Argo CD keeps its Applications unless told otherwise. */
export const ARGOCD_NAMESPACE = 'argocd';
/** Where Flux keeps its Kustomizations and HelmReleases unless told otherwise. */
export const FLUX_NAMESPACE = 'flux-system';

/** Argo CD's default tracking label: its value is the Application's name. */
export const ARGOCD_INSTANCE_LABEL = 'app.kubernetes.io/instance';
/** Argo CD's annotation tracking: `<app>:<group>/<kind>:<namespace>/<name>` (app may be `<namespace>_<name>`). */
export const ARGOCD_TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
const FLUX_LABELS: Record<FluxKind, { name: string; namespace: string }> = {
  Kustomization: { name: 'kustomize.toolkit.fluxcd.io/name', namespace: 'kustomize.toolkit.fluxcd.io/namespace' },
  HelmRelease: { name: 'helm.toolkit.fluxcd.io/name', namespace: 'helm.toolkit.fluxcd.io/namespace' },
};

/** The `gitops:` setting of one service, as parsed. */
export interface GitOpsSetting {
  tool: GitOpsTool;
  /** argocd: the Application; flux: the Kustomization or HelmRelease. */
  application?: string | undefined;
  /** Where that object lives, when not in the tool's usual namespace. */
  appNamespace?: string | undefined;
  onRollback: GitOpsOnRollback;
}

/** The metadata of a routing object, as far as ownership is read from it. */
export interface OwnedObjectMeta {
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
  ownerReferences?: ReadonlyArray<{ kind: string; name: string }> | undefined;
}

/** How the owner was found: named in config, from the tracking annotation, or from a label. */
export type OwnerSource = 'config' | 'annotation' | 'label';

/**
 * Who re-applies the routing object from git. A Flux owner named only in config has no kind yet
 * (null): its Kustomization is looked for first, then its HelmRelease. Argo Rollouts owns the
 * object without git in between, so it is said, never paused.
 */
export type GitOpsOwner =
  | { tool: 'argocd'; application: string; namespace: string; source: OwnerSource }
  | { tool: 'flux'; kind: FluxKind | null; name: string; namespace: string; source: OwnerSource }
  | { tool: 'argo-rollouts'; rollout: string }
  | { tool: 'none' };

/** A GitOps controller Rewind can pause (Argo CD or Flux), as opposed to Argo Rollouts or nobody. */
export type SyncOwner = Extract<GitOpsOwner, { tool: 'argocd' | 'flux' }>;

export function isSyncOwner(owner: GitOpsOwner): owner is SyncOwner {
  return owner.tool === 'argocd' || owner.tool === 'flux';
}

/** Argo CD names an Application outside its own namespace `<namespace>_<app>`, in labels and tracking ids alike. */
function applicationRef(app: string): { application: string; namespace: string | null } {
  const sep = app.indexOf('_');
  return sep > 0
    ? { namespace: app.slice(0, sep), application: app.slice(sep + 1) }
    : { application: app, namespace: null };
}

/** The Application named by a tracking id (`<app>:<group>/<kind>:<namespace>/<name>`). */
function trackedApplication(trackingId: string): { application: string; namespace: string | null } | null {
  const app = trackingId.split(':')[0]?.trim() ?? '';
  if (app === '' || !trackingId.includes(':')) return null;
  return applicationRef(app);
}

/**
 * The owner the object's marks name. The tracking annotation is Argo CD's own word; Flux's labels
 * come before the instance label because a Helm chart Flux installed carries
 * `app.kubernetes.io/instance` too (the caller confirms an Application of that name exists).
 */
export function ownerFromMetadata(meta: OwnedObjectMeta, appNamespace?: string): GitOpsOwner {
  const labels = meta.labels ?? {};
  const tracking = meta.annotations?.[ARGOCD_TRACKING_ANNOTATION];
  const tracked = tracking ? trackedApplication(tracking) : null;
  if (tracked)
    return {
      tool: 'argocd',
      application: tracked.application,
      namespace: tracked.namespace ?? appNamespace ?? ARGOCD_NAMESPACE,
      source: 'annotation',
    };
  for (const kind of FLUX_KINDS) {
    const name = labels[FLUX_LABELS[kind].name];
    if (name)
      return {
        tool: 'flux',
        kind,
        name,
        namespace: labels[FLUX_LABELS[kind].namespace] ?? appNamespace ?? FLUX_NAMESPACE,
        source: 'label',
      };
  }
  const instance = labels[ARGOCD_INSTANCE_LABEL] ? applicationRef(labels[ARGOCD_INSTANCE_LABEL]) : null;
  if (instance) {
    const namespace = instance.namespace ?? appNamespace ?? ARGOCD_NAMESPACE;
    return { tool: 'argocd', application: instance.application, namespace, source: 'label' };
  }
  const rollout = meta.ownerReferences?.find((o) => o.kind === 'Rollout');
  if (rollout) return { tool: 'argo-rollouts', rollout: rollout.name };
  return { tool: 'none' };
}

/**
 * The owner the service's setting names, or null when the setting leaves it to detection (no
 * setting, or a tool without an application). `tool: none` says nobody, whatever the labels say.
 */
export function ownerFromSetting(setting: GitOpsSetting | undefined): GitOpsOwner | null {
  if (!setting) return null;
  if (setting.tool === 'none') return { tool: 'none' };
  if (!setting.application) return null;
  if (setting.tool === 'argocd')
    return {
      tool: 'argocd',
      application: setting.application,
      namespace: setting.appNamespace ?? ARGOCD_NAMESPACE,
      source: 'config',
    };
  return {
    tool: 'flux',
    kind: null,
    name: setting.application,
    namespace: setting.appNamespace ?? FLUX_NAMESPACE,
    source: 'config',
  };
}

/** The setting's owner when it names one, else what the object's marks say. */
export function routingOwner(setting: GitOpsSetting | undefined, meta: OwnedObjectMeta | null): GitOpsOwner {
  const named = ownerFromSetting(setting);
  if (named) return named;
  // Without an application, the setting's appNamespace is where the marked owner lives.
  const detected = meta ? ownerFromMetadata(meta, setting?.appNamespace) : { tool: 'none' as const };
  // A setting that names the tool but not the object keeps detection to that tool.
  if (setting && setting.tool !== detected.tool && detected.tool !== 'argo-rollouts') return { tool: 'none' };
  return detected;
}

/** What the owner's object says now: whether it syncs on its own, and the git revision it last applied. */
export interface SyncState {
  /** Argo CD: automated sync is off; Flux: suspended. */
  paused: boolean;
  /** Argo CD: automated sync with self-heal on (re-applies git within seconds); Flux always reconciles. */
  selfHeal: boolean;
  /** Argo CD `status.sync.revision`, Flux `status.lastAppliedRevision`; null when not reported. */
  revision: string | null;
  /** Argo CD: `spec.syncPolicy` as it is (null when absent); Flux: absent. */
  syncPolicy?: Record<string, unknown> | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The sync state of an Argo CD Application object. */
export function argoSyncState(app: unknown): SyncState {
  const spec = isRecord(app) && isRecord(app.spec) ? app.spec : {};
  const status = isRecord(app) && isRecord(app.status) ? app.status : {};
  const syncPolicy = isRecord(spec.syncPolicy) ? spec.syncPolicy : null;
  const automated = syncPolicy && isRecord(syncPolicy.automated) ? syncPolicy.automated : null;
  // `enabled: false` (Argo CD 3) turns automated sync off while keeping its settings.
  const on = automated !== null && automated.enabled !== false;
  const sync = isRecord(status.sync) ? status.sync : {};
  return {
    paused: !on,
    selfHeal: on && automated?.selfHeal === true,
    revision: typeof sync.revision === 'string' ? sync.revision : null,
    syncPolicy,
  };
}

/** The sync state of a Flux Kustomization or HelmRelease object. */
export function fluxSyncState(object: unknown): SyncState {
  const spec = isRecord(object) && isRecord(object.spec) ? object.spec : {};
  const status = isRecord(object) && isRecord(object.status) ? object.status : {};
  const paused = spec.suspend === true;
  const revision = typeof status.lastAppliedRevision === 'string' ? status.lastAppliedRevision : null;
  return { paused, selfHeal: !paused, revision };
}

/** The JSON merge patch that pauses the owner: Argo CD's automated sync removed, Flux suspended. */
export function pausePatch(owner: SyncOwner): Record<string, unknown> {
  return owner.tool === 'argocd' ? { spec: { syncPolicy: { automated: null } } } : { spec: { suspend: true } };
}

/**
 * The JSON merge patch that resumes it: Argo CD gets back the sync policy kept at the pause (its
 * automated settings among it), Flux is no longer suspended.
 */
export function resumePatch(owner: SyncOwner, keptSyncPolicy: Record<string, unknown> | null): Record<string, unknown> {
  if (owner.tool === 'flux') return { spec: { suspend: false } };
  return { spec: { syncPolicy: keptSyncPolicy } };
}

/** `Application argocd/prompt-service`, `Kustomization flux-system/apps`: the owner's object as a target. */
export function ownerTarget(owner: SyncOwner): string {
  return owner.tool === 'argocd'
    ? `Application ${owner.namespace}/${owner.application}`
    : `${owner.kind ?? 'Kustomization'} ${owner.namespace}/${owner.name}`;
}

/** One line for logs and the CLI: who manages the routing. */
export function ownerLine(owner: GitOpsOwner, selfHeal: boolean | null = null): string {
  switch (owner.tool) {
    case 'argocd':
      return (
        `routing managed by Argo CD application ${owner.application}` +
        (selfHeal === null ? '' : selfHeal ? ' with self-heal on' : ' with self-heal off')
      );
    case 'flux':
      return `routing managed by Flux ${owner.kind ?? 'Kustomization'} ${owner.namespace}/${owner.name}`;
    case 'argo-rollouts':
      return `routing owned by Argo Rollouts rollout ${owner.rollout}`;
    case 'none':
      return 'routing managed by no GitOps controller';
  }
}

/** One field to change in git so the repository says what the rollback did: `spec.selector.version: v1.5.0`. */
export interface GitChange {
  /** `Kind namespace/name`, as the switch reported its write. */
  target: string;
  field: string;
  value: unknown;
}

/** A write as the switch step kept it (SentChange). */
export interface WrittenChange {
  method: 'PATCH' | 'PUT';
  target: string;
  body: unknown;
}

/** `a.b["x.y"][0]`: a key with a dot or slash in brackets, so the path reads back unambiguously. */
function pathOf(keys: readonly (string | number)[]): string {
  return keys
    .map((k, i) =>
      typeof k === 'number' ? `[${k}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? (i === 0 ? k : `.${k}`) : `["${k}"]`,
    )
    .join('');
}

function leaves(value: unknown, keys: (string | number)[], out: Array<{ keys: (string | number)[]; value: unknown }>) {
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, [...keys, i], out));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) leaves(v, [...keys, k], out);
  else out.push({ keys, value });
  return out;
}

/** A JSON pointer's tokens (`/spec/replicas` → spec, replicas), `~1` and `~0` unescaped, indices as numbers. */
function pointerKeys(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((t) => (/^\d+$/.test(t) ? Number(t) : t));
}

/**
 * The fields the rollback set, per object, to commit where the object is kept: a merge patch's
 * leaves, a JSON patch's `add`/`replace` values, and from a whole object written back (VirtualService,
 * HTTPRoute) its `weight` fields — the only ones a router changes there.
 */
export function gitChangesOf(changes: readonly WrittenChange[]): GitChange[] {
  const out: GitChange[] = [];
  const seen = new Map<string, GitChange>();
  const add = (target: string, keys: (string | number)[], value: unknown) => {
    // A patch guards itself with metadata.resourceVersion; of metadata only labels and annotations belong in git.
    if (keys[0] === 'metadata' && keys[1] !== 'labels' && keys[1] !== 'annotations') return;
    const field = pathOf(keys);
    const key = `${target} ${field}`;
    const known = seen.get(key);
    // The last write of a field wins: a gradual rollback sets a weight once per phase.
    if (known) known.value = value;
    else {
      const change = { target, field, value };
      seen.set(key, change);
      out.push(change);
    }
  };
  for (const c of changes) {
    if (Array.isArray(c.body)) {
      for (const op of c.body as unknown[])
        if (isRecord(op) && (op.op === 'add' || op.op === 'replace') && typeof op.path === 'string')
          add(c.target, pointerKeys(op.path), op.value);
    } else if (c.method === 'PUT') {
      const spec = isRecord(c.body) ? c.body.spec : undefined;
      for (const leaf of leaves(spec, ['spec'], []))
        if (leaf.keys.at(-1) === 'weight') add(c.target, leaf.keys, leaf.value);
    } else for (const leaf of leaves(c.body, [], [])) add(c.target, leaf.keys, leaf.value);
  }
  return out;
}
