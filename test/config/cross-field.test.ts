import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfigText } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';

type Json = Record<string, unknown>;

const service = (
  router: Json,
  versions: Json[] = [
    { version: 'v2', deployment: 'app-v2', backend: 'app-v2', subset: 'v2' },
    { version: 'v1', deployment: 'app-v1', backend: 'app-v1', subset: 'v1' },
  ],
): Json => ({ router, versions });

function base(): Json {
  return {
    slack: { incidentChannel: 'C0INC', stakeholderChannel: 'C0STK', drillChannel: 'C0DRL', approvers: ['U0LEAD'] },
    services: {
      app: service({ kind: 'service-selector', service: 'app' }),
      'app-staging': { ...service({ kind: 'istio', virtualService: 'app-staging' }), drill: 'allowed' },
    },
  };
}

function load(config: Json): ReturnType<typeof parseConfigText> {
  return parseConfigText(stringify(config), 'rewind.yml');
}

function valid(config: Json): Config {
  const r = load(config);
  if (!r.ok)
    throw new Error(`expected a valid config, got:\n${r.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return r.config;
}

/** [path, message] of every problem. */
function problems(config: Json): [string, string][] {
  const r = load(config);
  if (r.ok) throw new Error('expected problems, but the config is valid');
  return r.problems.map((p) => [p.path, p.message]);
}

const withService = (s: Json): Json => ({ ...base(), services: { app: s } });

describe('routers', () => {
  it('service-selector needs service', () => {
    expect(problems(withService(service({ kind: 'service-selector' })))).toEqual([
      [
        'services.app.router.service',
        'missing required key "service": expected the Service whose selector is switched',
      ],
    ]);
  });

  it('gateway-api needs httpRoute, defaults rule to 0, and needs a backend on every version', () => {
    expect(problems(withService(service({ kind: 'gateway-api' })))).toEqual([
      ['services.app.router.httpRoute', 'missing required key "httpRoute": expected the HTTPRoute name'],
    ]);
    expect(valid(withService(service({ kind: 'gateway-api', httpRoute: 'app' }))).services.app?.router).toEqual({
      kind: 'gateway-api',
      httpRoute: 'app',
      rule: 0,
    });
    expect(
      problems(
        withService(
          service({ kind: 'gateway-api', httpRoute: 'app', rule: 2 }, [
            { version: 'v2', backend: 'app-v2' },
            { version: 'v1' },
          ]),
        ),
      ),
    ).toEqual([
      [
        'services.app.versions[1].backend',
        "the gateway-api router needs backend (the Service named in the HTTPRoute's backendRefs) on every version; " +
          'v1 has none',
      ],
    ]);
  });

  it('istio needs virtualService, defaults route to 0, and needs a subset on every version', () => {
    expect(problems(withService(service({ kind: 'istio' })))).toEqual([
      ['services.app.router.virtualService', 'missing required key "virtualService": expected the VirtualService name'],
    ]);
    expect(valid(withService(service({ kind: 'istio', virtualService: 'app' }))).services.app?.router).toEqual({
      kind: 'istio',
      virtualService: 'app',
      route: 0,
    });
    expect(problems(withService(service({ kind: 'istio', virtualService: 'app' }, [{ version: 'v2' }])))).toEqual([
      [
        'services.app.versions[0].subset',
        "the istio router needs subset (the VirtualService destination's subset) on every version; v2 has none",
      ],
    ]);
  });

  it('nginx needs ingress and canaryIngress', () => {
    expect(problems(withService(service({ kind: 'nginx', ingress: 'app' })))).toEqual([
      ['services.app.router.canaryIngress', 'missing required key "canaryIngress": expected the canary Ingress name'],
    ]);
    expect(
      valid(withService(service({ kind: 'nginx', ingress: 'app', canaryIngress: 'app-canary' }))).services.app?.router
        .kind,
    ).toBe('nginx');
  });

  it('replicas needs a deployment on every version', () => {
    expect(
      problems(
        withService(service({ kind: 'replicas' }, [{ version: 'v2', deployment: 'app-v2' }, { version: 'v1' }])),
      ),
    ).toEqual([
      [
        'services.app.versions[1].deployment',
        'the replicas router needs deployment (the Deployment that is scaled) on every version; v1 has none',
      ],
    ]);
  });

  it('an unknown router kind lists the kinds', () => {
    expect(problems(withService(service({ kind: 'traefik' })))).toEqual([
      [
        'services.app.router.kind',
        'expected router kind: one of service-selector | gateway-api | istio | nginx | replicas; got "traefik"',
      ],
    ]);
  });
});

describe('services and versions', () => {
  it('versions must be unique', () => {
    expect(
      problems(
        withService(
          service({ kind: 'service-selector', service: 'app' }, [
            { version: 'v2' },
            { version: 'v1' },
            { version: 'v2' },
          ]),
        ),
      ),
    ).toEqual([['services.app.versions[2].version', 'version "v2" is listed twice (first at versions[0])']]);
  });

  it('a service needs at least one version', () => {
    expect(problems(withService(service({ kind: 'service-selector', service: 'app' }, [])))).toEqual([
      ['services.app.versions', 'expected at least one version, newest first'],
    ]);
  });

  it('service names are checked and point at the name itself', () => {
    const r = parseConfigText(
      'slack: { incidentChannel: C0A, stakeholderChannel: C0B, drillChannel: C0C, approvers: [U0A] }\nservices:\n  ' +
        'Prompt_Service:\n    router: { kind: replicas }\n    versions: [{ version: v1, deployment: a }]\n',
      'rewind.yml',
    );
    expect(r.ok ? [] : r.problems).toEqual([
      {
        file: 'rewind.yml',
        path: 'services.Prompt_Service',
        line: 3,
        column: 3,
        message:
          'expected a service name of lower-case letters, digits and "-" (it is typed in /rollback commands); got ' +
          '"Prompt_Service"',
      },
    ]);
  });

  it('at least one service is required', () => {
    expect(problems({ ...base(), services: {} })).toEqual([['services', 'expected at least one service']]);
  });

  it('a router problem does not hide problems elsewhere in the file', () => {
    expect(problems({ ...withService(service({ kind: 'istio' })), triggers: { observationWindow: '5 min' } })).toEqual([
      ['services.app.router.virtualService', 'missing required key "virtualService": expected the VirtualService name'],
      ['triggers.observationWindow', 'expected a duration such as 30s, 5m, 2h, 7d; got "5 min"'],
    ]);
  });
});

describe('slack IDs', () => {
  it('channels must be channel IDs, approvers and notify entries user or group IDs', () => {
    const config = base();
    config.slack = {
      incidentChannel: '#incident',
      stakeholderChannel: 'C0STK',
      drillChannel: 'c0lower',
      approvers: ['U0LEAD', 'alice'],
    };
    config.escalation = { levels: [{ after: '15m', label: 'Senior', notify: ['C0WRONG'] }] };
    const ps = problems(config);
    expect(ps.map(([path]) => path)).toEqual([
      'slack.incidentChannel',
      'slack.drillChannel',
      'slack.approvers[1]',
      'escalation.levels[0].notify[0]',
    ]);
    expect(ps[0]?.[1]).toBe(
      'expected a Slack channel ID such as C0123ABCD (C, G or D, then capitals and digits; not the #name); got ' +
        '"#incident"',
    );
    expect(ps[2]?.[1]).toBe('expected a Slack user ID (U…, W…) or user-group ID (S…), such as U0123ABCD; got "alice"');
  });

  it('accepts G and D channels and W and S principals', () => {
    const config = base();
    config.slack = {
      incidentChannel: 'G0PRIVATE',
      stakeholderChannel: 'D0DIRECT',
      drillChannel: 'C0DRL',
      approvers: ['W0ENTERPRISE', 'S0GROUP'],
      requiredApprovals: 2,
    };
    expect(valid(config).slack).toEqual({
      incidentChannel: 'G0PRIVATE',
      stakeholderChannel: 'D0DIRECT',
      stakeholderSeverity: 'warning',
      drillChannel: 'C0DRL',
      approvers: ['W0ENTERPRISE', 'S0GROUP'],
      requiredApprovals: 2,
    });
  });
});

describe('rollback', () => {
  const phases = (list: Json[]): Json => ({ ...base(), rollback: { gradual: { phases: list } } });

  it('gradual phases must go strictly down, end at 0, and observe every phase but the last', () => {
    expect(problems(phases([{ weight: 50, observe: '5m' }, { weight: 50, observe: '5m' }, { weight: 0 }]))).toEqual([
      ['rollback.gradual.phases[1].weight', 'phase weights must go strictly down: 50 follows 50'],
    ]);
    expect(
      problems(
        phases([
          { weight: 25, observe: '5m' },
          { weight: 5, observe: '5m' },
        ]),
      ),
    ).toEqual([['rollback.gradual.phases[1].weight', 'the last phase must take the new version to 0; got 5']]);
    expect(problems(phases([{ weight: 25 }, { weight: 0 }]))).toEqual([
      [
        'rollback.gradual.phases[0].observe',
        'phase 1 (weight 25) needs observe: how long to watch before the next phase, e.g. 10m',
      ],
    ]);
    expect(
      problems(
        phases([
          { weight: 25, observe: '5m' },
          { weight: 0, observe: '5m' },
        ]),
      ),
    ).toEqual([
      [
        'rollback.gradual.phases[1].observe',
        'the last phase ends the rollback, so observe does not apply (rollback.verifyWindow sets the check after it)',
      ],
    ]);
    expect(problems(phases([{ weight: 120, observe: '5m' }, { weight: 0 }]))).toEqual([
      [
        'rollback.gradual.phases[0].weight',
        'expected weight (percent of traffic left on the new version) of at most 100; got 120',
      ],
    ]);
    expect(valid(phases([{ weight: 10, observe: '90s' }, { weight: 0 }])).rollback.gradual.phases).toEqual([
      { weight: 10, observe: 90_000 },
      { weight: 0 },
    ]);
  });

  it('cautious canary steps must go strictly up and end at 100', () => {
    const canary = (steps: number[]): Json => ({ ...base(), rollback: { cautiousCanary: { steps } } });
    expect(problems(canary([1, 5, 5, 100]))).toEqual([
      ['rollback.cautiousCanary.steps[2]', 'canary steps must go strictly up: 5 follows 5'],
    ]);
    expect(problems(canary([1, 5, 50]))).toEqual([
      ['rollback.cautiousCanary.steps[2]', 'the last canary step must be 100; got 50'],
    ]);
    expect(valid(canary([10, 100])).rollback.cautiousCanary.steps).toEqual([10, 100]);
  });

  it('postMortemAt accepts "next working day HH:MM" only', () => {
    const at = (postMortemAt: string): Json => ({ ...base(), rollback: { postMortemAt } });
    expect(valid(at('next working day 14:30')).rollback.postMortemAt).toEqual({
      kind: 'next_working_day',
      hour: 14,
      minute: 30,
      text: 'next working day 14:30',
    });
    expect(problems(at('tomorrow'))).toEqual([
      ['rollback.postMortemAt', 'expected "next working day HH:MM", such as "next working day 10:00"; got "tomorrow"'],
    ]);
    expect(problems(at('next working day 25:00'))).toEqual([
      [
        'rollback.postMortemAt',
        'expected "next working day HH:MM" with a 24-hour time such as "next working day 10:00"; got "next working ' +
          'day 25:00"',
      ],
    ]);
  });
});

describe('escalation', () => {
  it('levels must come strictly later', () => {
    const config = {
      ...base(),
      escalation: {
        levels: [
          { after: '30m', label: 'Manager', notify: ['U0M'] },
          { after: '15m', label: 'Senior', notify: ['S0S'] },
        ],
      },
    };
    expect(problems(config)).toEqual([
      [
        'escalation.levels[1].after',
        'escalation levels must come later and later: level 2 fires no later than level 1',
      ],
    ]);
  });
});

describe('metrics', () => {
  it('prometheus needs metrics.prometheus.url', () => {
    expect(problems({ ...base(), metrics: { provider: 'prometheus' } })).toEqual([
      [
        'metrics.prometheus.url',
        'provider is prometheus, so metrics.prometheus.url is required (e.g. http://prometheus.monitoring:9090)',
      ],
    ]);
  });

  it('http-json needs metrics.httpJson.url, and path defaults to value', () => {
    expect(problems({ ...base(), metrics: { provider: 'http-json' } })).toEqual([
      ['metrics.httpJson.url', 'provider is http-json, so metrics.httpJson.url is required'],
    ]);
    const config = valid({
      ...base(),
      metrics: { provider: 'http-json', httpJson: { url: 'http://m/api/$metric?s=$service' } },
    });
    expect(config.metrics).toMatchObject({
      provider: 'http-json',
      httpJson: { url: 'http://m/api/$metric?s=$service', path: 'value' },
    });
  });

  it("the other providers' settings are checked as written, then left out of the parsed config", () => {
    const written = { prometheus: { url: 'http://p:9090' }, httpJson: { url: 'http://m/$metric', path: 'v' } };
    const chosen = valid({ ...base(), metrics: { provider: 'http-json', ...written } }).metrics;
    expect(Object.keys(chosen)).toEqual(['provider', 'httpJson', 'queries', 'custom']);
    // Narrowing on provider gives the chosen provider's settings, typed without `?.`.
    expect(chosen.provider === 'http-json' ? chosen.httpJson.path : 'not narrowed').toBe('v');
    expect(Object.keys(valid({ ...base(), metrics: { provider: 'simulated', ...written } }).metrics)).toEqual([
      'provider',
      'queries',
      'custom',
    ]);
    expect(problems({ ...base(), metrics: { provider: 'simulated', httpJson: { url: 'm' } } })).toEqual([
      [
        'metrics.httpJson.url',
        'expected a URL template with $metric, $service, $version, $window (http:// or https://); got "m"',
      ],
    ]);
  });

  it('simulated needs no URL', () => {
    expect(valid({ ...base(), metrics: { provider: 'simulated' } }).metrics.provider).toBe('simulated');
  });

  it('a URL must be http or https', () => {
    expect(problems({ ...base(), metrics: { prometheus: { url: 'prometheus:9090' } } })).toEqual([
      ['metrics.prometheus.url', 'expected the Prometheus base URL (http:// or https://); got "prometheus:9090"'],
    ]);
  });
});

describe('drills', () => {
  const drills = (d: Json): Json => ({ ...base(), drills: d });

  it('drills.service must name a configured service marked drill: allowed', () => {
    expect(problems(drills({ service: 'nope' }))).toEqual([
      [
        'drills.service',
        'drills.service names "nope", which is not a configured service; configured: app, app-staging',
      ],
    ]);
    expect(problems(drills({ service: 'app' }))).toEqual([
      ['drills.service', 'drills inject real faults, so "app" must be marked drill: allowed (it is drill: denied)'],
    ]);
    expect(valid(drills({ service: 'app-staging' })).drills.service).toBe('app-staging');
  });

  it('without drills.service, drills use the first service marked drill: allowed', () => {
    expect(valid(base()).drills.service).toBe('app-staging');
  });

  it('schedule must be a valid cron expression', () => {
    expect(problems(drills({ schedule: '0 25 * * *' }))).toEqual([
      [
        'drills.schedule',
        '25 is not an hour (0–23); expected a cron expression such as "0 10 1 1,4,7,10 *" (minute hour day-of-month ' +
          'month day-of-week)',
      ],
    ]);
    expect(problems(drills({ schedule: '0 10 1 1,4,7,13 *' }))).toEqual([
      [
        'drills.schedule',
        '1,4,7,13: 13 is not a month (1–12 or jan–dec); expected a cron expression such as "0 10 1 1,4,7,10 *" ' +
          '(minute hour day-of-month month day-of-week)',
      ],
    ]);
    expect(valid(drills({ schedule: '30 9 * * 1' })).drills.schedule).toBe('30 9 * * 1');
  });

  it('timezone must be a real IANA zone', () => {
    expect(problems(drills({ timezone: 'Tokyo/Japan' }))).toEqual([
      ['drills.timezone', 'expected an IANA time zone such as Asia/Tokyo or UTC; got "Tokyo/Japan"'],
    ]);
    expect(valid(drills({ timezone: 'Europe/Paris' })).drills.timezone).toBe('Europe/Paris');
  });

  it('injector kinds need their own fields and no others', () => {
    expect(problems(drills({ injector: { kind: 'istio-fault' } }))).toEqual([
      [
        'drills.injector.virtualService',
        'missing required key "virtualService": expected the VirtualService that gets the fault',
      ],
    ]);
    expect(problems(drills({ injector: { kind: 'http' } }))).toEqual([
      ['drills.injector.url', 'missing required key "url": expected the fault endpoint URL (http:// or https://)'],
    ]);
    expect(problems(drills({ injector: { kind: 'simulated', url: 'http://x' } }))).toEqual([
      ['drills.injector.url', 'unknown key "url" for injector kind simulated; allowed keys: kind'],
    ]);
    expect(problems(drills({ injector: { kind: 'chaos-mesh' } }))).toEqual([
      ['drills.injector.kind', 'expected injector kind: one of istio-fault | http | simulated; got "chaos-mesh"'],
    ]);
    expect(valid(drills({ injector: { kind: 'http', url: 'http://staging/admin/fault' } })).drills.injector).toEqual({
      kind: 'http',
      url: 'http://staging/admin/fault',
    });
  });

  it('scenarios need the fields of their trigger', () => {
    const scenarios = (list: Json[]): Json => drills({ scenarios: list });
    expect(problems(scenarios([{ name: 'e', trigger: 'inject_errors', expectedResponse: '5m' }]))).toEqual([
      [
        'drills.scenarios[0].errorRate',
        'missing required key "errorRate": expected a ratio between 0 and 1 such as 0.10 or 10%',
      ],
    ]);
    expect(problems(scenarios([{ name: 'l', trigger: 'inject_latency', expectedResponse: '5m' }]))).toEqual([
      [
        'drills.scenarios[0].latency',
        'missing required key "latency": expected a latency in milliseconds such as 10000, 10000ms or 10s',
      ],
    ]);
    expect(
      problems(scenarios([{ name: 'p', trigger: 'partial_outage', errorRate: '50%', expectedResponse: '5m' }])),
    ).toEqual([
      [
        'drills.scenarios[0].share',
        'missing required key "share": expected a ratio between 0 and 1 such as 0.10 or 10%',
      ],
    ]);
    expect(problems(scenarios([{ name: 'x', trigger: 'kill_pods', expectedResponse: '5m' }]))).toEqual([
      [
        'drills.scenarios[0].trigger',
        'expected trigger: one of inject_errors | inject_latency | partial_outage; got "kill_pods"',
      ],
    ]);
  });

  it('scenario names must be unique, and a missing title is the name', () => {
    const list = [
      { name: 'spike', trigger: 'inject_latency', latency: '8s', expectedResponse: '10m' },
      { name: 'spike', trigger: 'inject_errors', errorRate: 0.5, expectedResponse: '5m' },
    ];
    expect(problems(drills({ scenarios: list }))).toEqual([
      ['drills.scenarios[1].name', 'scenario name "spike" is used twice (first at scenarios[0])'],
    ]);
    expect(valid(drills({ scenarios: [list[0]] })).drills.scenarios).toEqual([
      { name: 'spike', title: 'spike', trigger: 'inject_latency', latency: 8000, expectedResponse: 600_000 },
    ]);
  });
});
