/**
 * The router kinds are listed once (src/adapters/kube/routers/registry.ts); the config schema, the
 * traits the domain decides by, the drill-target check and RBAC follow from the modules. These
 * tests hold the modules and everything built from them to agreeing.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { KubeApis } from '../../src/adapters/kube/clients.ts';
import { buildRouter } from '../../src/adapters/kube/routers/index.ts';
import {
  ROUTER_KINDS,
  ROUTER_MODULES,
  routerFacts,
  routerKindsThrough,
  routingObjects,
} from '../../src/adapters/kube/routers/registry.ts';
import type { RouterModule } from '../../src/adapters/kube/routers/types.ts';
import { judgment } from '../../src/config/derive.ts';
import { buildJsonSchema } from '../../src/config/json-schema.ts';
import { parseConfigText } from '../../src/config/load.ts';
import { loadGraph } from '../support/load-graph.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const modules: readonly RouterModule[] = ROUTER_MODULES;

/** The least a kind's settings need: every required key of its schema, named "app". */
function minimalSettings(module: RouterModule): Record<string, unknown> {
  const schema = module.schema.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as { required?: string[] };
  return Object.fromEntries((schema.required ?? []).map((key) => [key, key === 'kind' ? module.kind : 'app']));
}

/** A config of one service on `router`, with every per-version key a router may need. */
function configText(router: Record<string, unknown>): string {
  return stringify({
    slack: { incidentChannel: 'C0INC', stakeholderChannel: 'C0STK', drillChannel: 'C0DRL', approvers: ['U0LEAD'] },
    services: {
      app: {
        router,
        versions: [
          { version: 'v2', deployment: 'app-v2', backend: 'app-v2', subset: 'v2' },
          { version: 'v1', deployment: 'app-v1', backend: 'app-v1', subset: 'v1' },
        ],
      },
    },
  });
}

function parsed(router: Record<string, unknown>) {
  const r = parseConfigText(configText(router), 'rewind.yml');
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return r.config;
}

describe('the router registry and the config schema agree', () => {
  it('lists each kind once, in the order messages name them', () => {
    expect(new Set(ROUTER_KINDS).size).toBe(ROUTER_KINDS.length);
    expect(ROUTER_KINDS).toEqual(['service-selector', 'gateway-api', 'istio', 'nginx', 'replicas']);
  });

  it.each(modules.map((m) => [m.kind, m] as const))('%s: its minimal settings parse, as that kind', (kind, module) => {
    const config = parsed(minimalSettings(module));
    expect(config.services.app?.router.kind).toBe(kind);
  });

  it('the union has exactly the registered kinds: the JSON schema offers them and an unknown kind names them', () => {
    const schema = buildJsonSchema() as {
      properties: {
        services: {
          additionalProperties: { properties: { router: { oneOf: { properties: { kind: { const: string } } }[] } } };
        };
      };
    };
    const offered = schema.properties.services.additionalProperties.properties.router.oneOf.map(
      (o) => o.properties.kind.const,
    );
    expect(offered).toEqual(ROUTER_KINDS);
    const r = parseConfigText(configText({ kind: 'linkerd' }), 'rewind.yml');
    expect(r.ok ? [] : r.problems.map((p) => p.message)).toEqual([
      `expected router kind: one of ${ROUTER_KINDS.join(' | ')}; got "linkerd"`,
    ]);
  });

  it('every router kind the shipped config uses is registered', () => {
    const shipped = parse(readFileSync(`${root}/config/rewind.yml`, 'utf8')) as {
      services: Record<string, { router: { kind: string } }>;
    };
    for (const s of Object.values(shipped.services)) expect(ROUTER_KINDS).toContain(s.router.kind);
  });
});

describe('router traits, from each module', () => {
  it('only the Service selector moves traffic at once; the weighted routers and replicas split it', () => {
    expect(Object.fromEntries(modules.map((m) => [m.kind, m.traits.movesAtOnce]))).toEqual({
      'service-selector': true,
      'gateway-api': false,
      istio: false,
      nginx: false,
      replicas: false,
    });
  });

  it.each(modules.map((m) => [m.kind, m] as const))(
    '%s: its Router says the same kind and all-or-nothing as its traits',
    (kind, module) => {
      const config = parsed(minimalSettings(module));
      const service = config.services.app!;
      // Building a Router sends nothing: the clients are only used when it reads or writes.
      const { router } = buildRouter(service.router, { apis: {} as KubeApis, serviceName: 'app', service });
      expect(router).toMatchObject({ kind, allOrNothing: module.traits.movesAtOnce });
    },
  );

  it.each(modules.map((m) => [m.kind, m] as const))(
    '%s: the objects it routes through are of the kinds its traits list',
    (_kind, module) => {
      const settings = parsed(minimalSettings(module)).services.app!.router;
      for (const o of routingObjects(settings)) expect(module.traits.routesThrough).toContain(o.kind);
    },
  );

  it('names the objects each kind routes through, with the route it moves traffic on', () => {
    expect(routingObjects({ kind: 'istio', virtualService: 'vs', route: 2 } as never)).toEqual([
      { kind: 'VirtualService', name: 'vs', route: 2 },
    ]);
    expect(
      routingObjects({ kind: 'nginx', ingress: 'main', canaryIngress: 'canary' } as never).map((o) => o.name),
    ).toEqual(['main', 'canary']);
    expect(routingObjects({ kind: 'replicas' })).toEqual([]);
    expect(routingObjects({ kind: 'linkerd' })).toEqual([]);
    expect(routerKindsThrough('VirtualService')).toEqual(['istio']);
  });

  it('the domain gets the name for texts and the traits to decide by, through the config', () => {
    expect(routerFacts({ kind: 'service-selector' })).toEqual({ name: 'service-selector', movesAtOnce: true });
    expect(routerFacts({ kind: 'istio' })).toEqual({ name: 'istio', movesAtOnce: false });
    const config = parsed({ kind: 'service-selector', service: 'app' });
    expect(judgment(config).routers).toEqual({ app: { name: 'service-selector', movesAtOnce: true } });
  });

  it('deploy/rbac/roles/<kind> grants every verb on every resource its router declares it uses', () => {
    for (const m of modules) {
      const docs = readFileSync(`${root}/deploy/rbac/roles/${m.kind}/role.yaml`, 'utf8')
        .split(/^---$/m)
        .map(
          (d) =>
            parse(d) as {
              kind?: string;
              rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
            } | null,
        );
      const rules = docs.find((d) => d?.kind === 'Role')?.rules ?? [];
      const granted = (group: string, resource: string, verb: string) =>
        rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
      for (const a of m.traits.access) {
        for (const verb of a.verbs)
          expect(granted(a.group, a.resource, verb), `${m.kind}: ${verb} ${a.group || 'core'}/${a.resource}`).toBe(
            true,
          );
      }
    }
  });
});

describe('config loads the router modules without the Kubernetes client', () => {
  it('nothing the registry loads imports @kubernetes/client-node or any I/O module', () => {
    const { files, packages } = loadGraph('src/adapters/kube/routers/registry.ts', root);
    expect(files).toContain('src/adapters/kube/routers/istio.ts');
    expect(Object.fromEntries(packages)).toEqual({ zod: expect.any(String) });
  });
});
