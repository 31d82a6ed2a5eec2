/**
 * A drill's injector may only aim at the drill service's own routing object: `rewind
 * validate-config` (and `rewind start`) refuse a config whose istio-fault VirtualService or http
 * URL belongs to another service, with the YAML path and line and the service that owns it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfigText } from '../../src/config/load.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import { shippedConfigDoc, type ServiceInput } from '../support/config-doc.ts';
import { cleanEnv, runRewind, tempDir } from '../support/run-cli.ts';

type Injector = NonNullable<ConfigInput['drills']>['injector'];
/** The config `base` writes, with its two services. */
type Doc = ConfigInput & { services: Record<'app' | 'app-staging', ServiceInput> };

const versions = [
  { version: 'v2', deployment: 'app-v2', backend: 'app-v2', subset: 'v2' },
  { version: 'v1', deployment: 'app-v1', backend: 'app-v1', subset: 'v1' },
];

/** app: production, drill: denied; app-staging: the drill service, its own VirtualService app-staging. */
function base(injector: Injector, edit: (c: Doc) => void = () => {}): Doc {
  const c: Doc = {
    slack: { incidentChannel: 'C0INC', stakeholderChannel: 'C0STK', drillChannel: 'C0DRL', approvers: ['U0LEAD'] },
    services: {
      app: { namespace: 'prompts', router: { kind: 'istio', virtualService: 'app-main' }, versions },
      'app-staging': {
        namespace: 'prompts',
        router: { kind: 'istio', virtualService: 'app-staging', route: 1 },
        versions,
        drill: 'allowed',
      },
    },
    drills: { service: 'app-staging', injector },
  };
  edit(c);
  return c;
}

function problems(config: Doc): [string, string][] {
  const r = parseConfigText(stringify(config), 'rewind.yml');
  return r.ok ? [] : r.problems.map((p) => [p.path, p.message]);
}

const DENIED = 'which is drill: denied and not allowed for drills';

describe('istio-fault: the VirtualService must be the drill service’s own', () => {
  it('its own VirtualService is valid', () => {
    expect(problems(base({ kind: 'istio-fault', virtualService: 'app-staging' }))).toEqual([]);
  });

  it('the denied service’s VirtualService is refused, naming the service that owns it', () => {
    expect(problems(base({ kind: 'istio-fault', virtualService: 'app-main' }))).toEqual([
      [
        'drills.injector.virtualService',
        `VirtualService prompts/app-main belongs to service app (its istio router's VirtualService), ${DENIED}; the ` +
          `istio-fault injector writes only into the drill service's own VirtualService: set ` +
          `drills.injector.virtualService to app-staging`,
      ],
    ]);
  });

  it('a VirtualService named after the denied service (whatever its router) is refused', () => {
    const selector = (c: Doc) => (c.services.app.router = { kind: 'service-selector', service: 'app' });
    expect(problems(base({ kind: 'istio-fault', virtualService: 'app' }, selector))).toEqual([
      [
        'drills.injector.virtualService',
        `VirtualService prompts/app belongs to service app (its service-selector router's Service and its name), ` +
          `${DENIED}; the istio-fault injector writes only into the drill service's own VirtualService: set ` +
          `drills.injector.virtualService to app-staging`,
      ],
    ]);
  });

  it('a VirtualService no service routes through is refused too: it is not the drill service’s', () => {
    expect(problems(base({ kind: 'istio-fault', virtualService: 'someone-elses' }))).toEqual([
      [
        'drills.injector.virtualService',
        'VirtualService prompts/someone-elses is not the routing object of the drill service app-staging, whose ' +
          "router names VirtualService app-staging; the istio-fault injector writes only into the drill service's " +
          'own VirtualService: set drills.injector.virtualService to app-staging',
      ],
    ]);
  });

  it('a drill service routed without istio has no VirtualService of its own', () => {
    const replicas = (c: Doc) => (c.services['app-staging'].router = { kind: 'replicas' });
    expect(problems(base({ kind: 'istio-fault', virtualService: 'app-staging' }, replicas))).toEqual([
      [
        'drills.injector.virtualService',
        'VirtualService prompts/app-staging is not the routing object of the drill service app-staging; the ' +
          "istio-fault injector writes only into the drill service's own VirtualService, and app-staging routes with " +
          'router kind replicas, so it has none: route it through istio (router.kind: istio) or use injector kind ' +
          'http or simulated',
      ],
    ]);
  });

  it('a VirtualService both services route through is refused in one cluster, allowed across contexts', () => {
    const shared = (contexts: [string, string]) => (c: Doc) => {
      c.services.app.router = { kind: 'istio', virtualService: 'app-staging' };
      c.services.app.context = contexts[0];
      c.services['app-staging'].context = contexts[1];
    };
    expect(problems(base({ kind: 'istio-fault', virtualService: 'app-staging' }, shared(['prod', 'prod'])))).toEqual([
      [
        'drills.injector.virtualService',
        `VirtualService prompts/app-staging is the routing object of app-staging but also belongs to service app ` +
          `(its istio router's VirtualService), ${DENIED}; a drill must not fault a route another service uses`,
      ],
    ]);
    // Another context is another cluster as far as the config can tell; the run checks the API servers.
    expect(problems(base({ kind: 'istio-fault', virtualService: 'app-staging' }, shared(['prod', 'staging'])))).toEqual(
      [],
    );
  });

  it('another namespace’s VirtualService of the same name is not the denied service’s', () => {
    const elsewhere = (c: Doc) => {
      c.services.app.namespace = 'production';
      c.services.app.router = { kind: 'istio', virtualService: 'app-staging' };
    };
    expect(problems(base({ kind: 'istio-fault', virtualService: 'app-staging' }, elsewhere))).toEqual([]);
  });

  it('a broken router is reported as itself, not also as a drill target problem', () => {
    const broken = (c: Doc) => Reflect.deleteProperty(c.services['app-staging'].router, 'virtualService');
    expect(problems(base({ kind: 'istio-fault', virtualService: 'app-main' }, broken)).map(([p]) => p)).toEqual([
      'services.app-staging.router.virtualService',
    ]);
  });
});

describe('http: a URL that reaches another service’s Service is refused', () => {
  it.each([
    ['http://app.prompts/admin/fault', 'Service prompts/app', 'its name'],
    ['http://app/admin/fault', 'Service "app"', 'its name'],
    [
      'http://app-v2.prompts.svc.cluster.local:8080/admin/fault',
      'Service prompts/app-v2',
      'the backend Service of its version v2',
    ],
  ])('%s', (url, where, via) => {
    expect(problems(base({ kind: 'http', url }))).toEqual([
      [
        'drills.injector.url',
        `${url} reaches ${where}, which belongs to service app (${via}), ${DENIED}; the http injector must reach the ` +
          `drill service app-staging's own fault endpoint`,
      ],
    ]);
  });

  it.each([
    ['http://app-mesh.prompts/admin/fault', 'Service prompts/app-mesh', 'named after it'],
    [
      'http://app-main-canary.prompts.svc.cluster.local/fault',
      'Service prompts/app-main-canary',
      "named after app-main, its istio router's VirtualService",
    ],
  ])('%s, a Service named after the denied service, is refused too', (url, where, via) => {
    expect(problems(base({ kind: 'http', url }))).toEqual([
      [
        'drills.injector.url',
        `${url} reaches ${where}, which belongs to service app (${via}), ${DENIED}; the http injector must reach the ` +
          `drill service app-staging's own fault endpoint`,
      ],
    ]);
  });

  it('the drill service’s own endpoint, another namespace or an outside host is valid', () => {
    for (const url of [
      'http://app-staging.prompts/admin/fault',
      'http://app-staging-faults.prompts/admin/fault',
      'http://app.elsewhere.svc/admin/fault',
      'https://faults.example.com/app',
    ]) {
      expect(problems(base({ kind: 'http', url })), url).toEqual([]);
    }
  });
});

describe('the command line', () => {
  /** The shipped config with the injector aimed at production's routing, as the probe had it. */
  function aimedAtProduction(): { file: string; line: number } {
    const doc = shippedConfigDoc();
    doc.services['prompt-service'].router = { kind: 'istio', virtualService: 'prompt-service', route: 0 };
    // The probe ran staging in production's namespace (the shipped config gives it its own).
    doc.services['prompt-service-staging'].namespace = 'prompts';
    doc.drills.injector = { kind: 'istio-fault', virtualService: 'prompt-service' };
    const text = stringify(doc);
    const file = join(tempDir('rewind-drill-target-'), 'rewind.yml');
    writeFileSync(file, text);
    const lines = text.split('\n');
    const injector = lines.findIndex((l) => /^\s+injector:/.test(l));
    const line = lines.findIndex((l, i) => i > injector && /^\s+virtualService: prompt-service$/.test(l)) + 1;
    expect(line).toBeGreaterThan(0);
    return { file, line };
  }
  const MESSAGE =
    `drills.injector.virtualService: VirtualService prompts/prompt-service belongs to service prompt-service (its ` +
    `istio router's VirtualService and its name), ${DENIED}; the istio-fault injector writes only into the drill ` +
    `service's own VirtualService: set drills.injector.virtualService to prompt-service-staging`;

  it(
    'rewind validate-config exits 1 with the line of the injector’s virtualService',
    { timeout: 120_000 },
    async () => {
      const { file, line } = aimedAtProduction();
      const r = await runRewind(['validate-config', file], cleanEnv());
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([`${file}:${line}:21 ${MESSAGE}`]);
    },
  );

  it('rewind start refuses the same config before connecting to anything', { timeout: 120_000 }, async () => {
    const { file, line } = aimedAtProduction();
    const r = await runRewind(
      ['start'],
      cleanEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret', REWIND_CONFIG: file }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:${line}:21 ${MESSAGE}`);
  });
});
