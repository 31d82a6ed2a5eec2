/**
 * `services:` of config/rewind.yml: per service its namespace, its router and its fallback chain
 * of versions. The `router:` keys are each router module's own (src/adapters/kube/routers lists
 * the kinds once); this file only joins them into one union and checks what a router needs of
 * every version.
 */
import { z } from 'zod';
import { ROUTER_KINDS, ROUTER_SCHEMAS, routerModule } from '../adapters/kube/routers/registry.ts';
import { GITOPS_ON_ROLLBACK, GITOPS_TOOLS } from '../domain/gitops.ts';
import { choice, kubeName, latency, show, strict, text, whenSound } from './zod-kit.ts';

const router = z.discriminatedUnion('kind', ROUTER_SCHEMAS, {
  error: (iss) =>
    iss.code === 'invalid_union'
      ? `expected router kind: one of ${ROUTER_KINDS.join(' | ')}; got ` +
        `${show((iss.input as { kind?: unknown } | undefined)?.kind)}`
      : undefined,
});

/** Runbook fallback chain: 3000 ms for the newest version, 5000 ms for the next, 10000 ms after that. */
const DEFAULT_TIMEOUTS_MS = [3000, 5000, 10000] as const;
const version = strict({
  version: z
    .string({
      error: (iss) =>
        `expected the version as text, e.g. v1.5.0; got ` +
        `${show(iss.input)}${typeof iss.input === 'number' ? ' (quote it so YAML keeps it as written)' : ''}`,
    })
    .min(1, { error: 'expected the version as text, e.g. v1.5.0; got an empty string' }),
  deployment: kubeName('the Deployment name').optional(),
  backend: kubeName('the backend Service name').optional(),
  subset: text('the DestinationRule subset').optional(),
  timeout: latency().optional(),
});

/** Who re-applies the routing object from git; detected from the object's labels when absent. */
const gitops = strict({
  tool: choice(GITOPS_TOOLS, 'gitops tool'),
  application: kubeName('the Argo CD Application, or the Flux Kustomization or HelmRelease').optional(),
  appNamespace: kubeName('the namespace of that object').optional(),
  onRollback: choice(GITOPS_ON_ROLLBACK, 'gitops onRollback').default('pause'),
});

const service = strict({
  context: text('a kubeconfig context name').optional(),
  namespace: kubeName('a namespace').default('default'),
  versionLabel: text('the pod label that carries the version').default('version'),
  router,
  versions: z
    .array(version)
    .min(1, { error: 'expected at least one version, newest first' })
    .transform((vs) =>
      vs.map((v, i) => ({ ...v, timeout: v.timeout ?? DEFAULT_TIMEOUTS_MS[Math.min(i, 2)] ?? 10000 })),
    ),
  finalMessage: text('the message returned when every version failed').default('サービスが一時的に利用できません'),
  drill: choice(['allowed', 'denied'], 'drill').default('denied'),
  gitops: gitops.optional(),
}).superRefine(
  (s, ctx) => {
    const seen = new Map<string, number>();
    // Which per-version key the router finds versions by (backend, subset, deployment), if any.
    const need = routerModule(s.router.kind)?.versionKey ?? null;
    s.versions.forEach((v, i) => {
      const first = seen.get(v.version);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['versions', i, 'version'],
          message: `version "${v.version}" is listed twice (first at versions[${first}])`,
          input: v.version,
        });
      else seen.set(v.version, i);
      if (need && v[need.key] === undefined) {
        const needed = `${need.key} (${need.what})`;
        ctx.addIssue({
          code: 'custom',
          path: ['versions', i, need.key],
          message: `the ${s.router.kind} router needs ${needed} on every version; ${v.version} has none`,
          input: undefined,
        });
      }
    });
  },
  { when: whenSound(['router'], ['versions']) },
);

const serviceName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
export const services = z
  .record(serviceName, service, {
    error: (iss) =>
      iss.code === 'invalid_type'
        ? `expected services: a map of service name to its settings; got ${show(iss.input)}`
        : iss.code === 'invalid_key'
          ? `expected a service name of lower-case letters, digits and "-" (it is typed in /rollback commands); got ` +
            `${show(iss.input)}`
          : undefined,
  })
  .refine((r) => Object.keys(r).length > 0, { error: 'expected at least one service' });
