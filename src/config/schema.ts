/**
 * The shape of config/rewind.yml (docs/configuration.md) as one zod
 * schema. Input is what people type (`5m`, `10%`, `"error_rate > 10%"`); output is the typed
 * `Config` the bot runs on: the same key names, with durations and latencies in milliseconds,
 * ratios as 0–1 numbers and conditions parsed. Every object is strict, every key but the Slack
 * channels, the approvers and the services has the runbook's default.
 */
import { z } from 'zod';
import { validate as isValidCron } from 'node-cron';
import { parseCondition } from '../domain/conditions.ts';
import { METRIC_NAMES, type MetricName } from '../domain/metrics.ts';
import { ACTIONS, BUSINESS_IMPACTS, FIX_TIMES, USER_IMPACTS } from '../domain/types.ts';
import { drillTargetIssue, soundForDrillTarget } from './drill-target.ts';
import { CRON_FIELDS, explainCron } from './cron-text.ts';
import { didYouMean } from './suggest.ts';
import { DURATION_PATTERN, LATENCY_PATTERN, RATIO_PATTERN, parseDuration, parseLatencyMs, parseRatio } from './units.ts';

/**
 * What editors are told about fields whose zod input is wider than what people should write
 * (a duration accepts numbers only to say "add a unit"); json-schema.ts substitutes these.
 */
export const editorSchemas = z.registry<{ jsonSchema: Record<string, unknown> }>();

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));

/**
 * A strict object whose unknown-key message names the key and lists the allowed ones. Several
 * unknown keys in one object give one message line per key, in `keys` order, so load.ts can
 * point at each key separately.
 */
function strict<T extends z.core.$ZodLooseShape>(shape: T, noun = 'key', where = '') {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? iss.keys.map((k) => `unknown ${noun} "${k}"${where}${didYouMean(k, Object.keys(shape))}; allowed ${noun}s: ${allowed}`).join('\n')
        : undefined,
  });
}

/** A unit-bearing field: text or number in, milliseconds or a fraction out, with the unit parser's message. */
function unit(parse: (v: string | number) => number, expected: string, jsonSchema: Record<string, unknown>, min = 0) {
  const input = z.union([z.string(), z.number()], { error: (iss) => `${expected}; got ${show(iss.input)}` });
  editorSchemas.add(input, { jsonSchema: { description: expected.replace(/^expected /, ''), ...jsonSchema } });
  return input.transform((v, ctx) => {
    try {
      const n = parse(v);
      if (n < min) throw new Error(`${expected} and greater than 0; got ${show(v)}`);
      return n;
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message, input: v });
      return z.NEVER;
    }
  });
}

const duration = (min = 1) =>
  unit(parseDuration, 'expected a duration such as 30s, 5m, 2h, 7d', { type: 'string', pattern: DURATION_PATTERN }, min);
const ratio = () =>
  unit(parseRatio, 'expected a ratio between 0 and 1 such as 0.10 or 10%', {
    anyOf: [{ type: 'number', minimum: 0, maximum: 1 }, { type: 'string', pattern: RATIO_PATTERN }],
  });
const latency = () =>
  unit(parseLatencyMs, 'expected a latency in milliseconds such as 10000, 10000ms or 10s', {
    anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: LATENCY_PATTERN }],
  });

const condition = z
  .string({ error: (iss) => `expected a condition such as "error_rate > 10%"; got ${show(iss.input)}` })
  .meta({ description: 'a condition "<metric> <op> <value>" such as "error_rate > 10%" or "p99_latency > 10000"' })
  .transform((text, ctx) => {
    const r = parseCondition(text);
    if (r.ok) return r.condition;
    ctx.addIssue({ code: 'custom', message: r.error, input: text });
    return z.NEVER;
  });

const text = (what: string) =>
  z.string({ error: (iss) => `expected ${what}; got ${show(iss.input)}` }).min(1, { error: `expected ${what}; got an empty string` });

/** Kubernetes object names (DNS-1123 subdomain), so a typo fails here rather than at the API server. */
const kubeName = (what: string) =>
  text(what).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
    error: (iss) => `expected ${what}: a Kubernetes name of lower-case letters, digits, "-" and "."; got ${show(iss.input)}`,
  });

const channelId = z.string().regex(/^[CGD][A-Z0-9]+$/, {
  error: (iss) => `expected a Slack channel ID such as C0123ABCD (C, G or D, then capitals and digits; not the #name); got ${show(iss.input)}`,
}).meta({ description: 'a Slack channel ID such as C0123ABCD' });
const principalId = z.string().regex(/^[UWS][A-Z0-9]+$/, {
  error: (iss) => `expected a Slack user ID (U…, W…) or user-group ID (S…), such as U0123ABCD; got ${show(iss.input)}`,
}).meta({ description: 'a Slack user ID (U…, W…) or user-group ID (S…)' });

const choice = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: (iss) => `expected ${what}: one of ${values.join(' | ')}; got ${show(iss.input)}` });

const int = (min: number, max: number, what: string) =>
  z.int({ error: (iss) => `expected ${what}: a whole number from ${min} to ${max}; got ${show(iss.input)}` })
    .min(min, { error: (iss) => `expected ${what} of at least ${min}; got ${show(iss.input)}` })
    .max(max, { error: (iss) => `expected ${what} of at most ${max}; got ${show(iss.input)}` });

/** Run a cross-field check even when unrelated parts failed, as long as the fields it reads are sound. */
const whenSound =
  (...prefixes: PropertyKey[][]) =>
  (payload: { issues: { path?: PropertyKey[] }[] }) =>
    !payload.issues.some((i) => !i.path?.length || prefixes.some((p) => p.every((k, n) => i.path?.[n] === k)));

// ---------------------------------------------------------------------------------------------
// slack, escalation, metrics

const slack = strict({
  incidentChannel: channelId,
  stakeholderChannel: channelId,
  /** The severity at which the stakeholder channel first hears of an incident (after a rollback at the latest). */
  stakeholderSeverity: choice(['watch', 'warning', 'critical'], 'the severity at which stakeholders are first told of an incident')
    .default('warning')
    .meta({ description: 'the severity at which the stakeholder channel first hears of an incident (or at the rollback, if it never gets there)' }),
  drillChannel: channelId,
  approvers: z.array(principalId).min(1, { error: 'expected at least one approver (a user ID U… / W… or a user-group ID S…)' }),
  requiredApprovals: int(1, 10, 'requiredApprovals').default(1),
});

const escalationLevel = strict({ after: duration(), label: text('a label such as "Senior engineer"'), notify: z.array(principalId).min(1) });
const escalation = strict({
  stopOnAck: z.boolean().default(false),
  levels: z
    .array(escalationLevel)
    .superRefine((levels, ctx) => {
      levels.forEach((l, i) => {
        const prev = levels[i - 1];
        if (prev && typeof prev.after === 'number' && typeof l.after === 'number' && l.after <= prev.after) {
          ctx.addIssue({ code: 'custom', path: [i, 'after'], message: `escalation levels must come later and later: level ${i + 1} fires no later than level ${i}`, input: l.after });
        }
      });
    })
    .prefault([
      { after: '15m', label: 'Senior engineer', notify: ['S0SENIOR'] },
      { after: '30m', label: 'Manager', notify: ['U0MANAGER'] },
    ]),
});

const url = (what: string) => z.url({ protocol: /^https?$/, error: (iss) => `expected ${what} (http:// or https://); got ${show(iss.input)}` });
const queryText = text('a PromQL query');
const queries = strict(
  Object.fromEntries(METRIC_NAMES.map((m) => [m, queryText.optional()])) as Record<MetricName, z.ZodOptional<typeof queryText>>,
  'metric',
  ' in metrics.queries',
);
const REFERENCE_QUERIES: Partial<Record<MetricName, string>> = (() => {
  const total = 'sum(rate(prompt_requests_total{service="$service",version="$version"}[$window]))';
  const quantile = (q: string) =>
    `1000 * histogram_quantile(${q}, sum by (le) (rate(prompt_request_duration_seconds_bucket{service="$service",version="$version"}[$window])))`;
  return {
    error_rate: `sum(rate(prompt_requests_total{service="$service",version="$version",code=~"5.."}[$window])) / ${total}`,
    availability: `sum(rate(prompt_requests_total{service="$service",version="$version",code!~"5.."}[$window])) / ${total}`,
    p50_latency: quantile('0.50'),
    p95_latency: quantile('0.95'),
    p99_latency: quantile('0.99'),
    hallucination_rate: `sum(rate(prompt_hallucinations_total{service="$service",version="$version"}[$window])) / ${total}`,
  };
})();

const metrics = strict({
  provider: choice(['prometheus', 'http-json', 'simulated'], 'a metrics provider').default('prometheus'),
  prometheus: strict({ url: url('the Prometheus base URL') }).optional(),
  httpJson: strict({ url: url('a URL template with $metric, $service, $version, $window'), path: text('where the number is in the JSON answer').default('value') }).optional(),
  queries: queries.prefault(REFERENCE_QUERIES),
}).superRefine((m, ctx) => {
  if (m.provider === 'prometheus' && !m.prometheus) {
    ctx.addIssue({ code: 'custom', path: ['prometheus', 'url'], message: 'provider is prometheus, so metrics.prometheus.url is required (e.g. http://prometheus.monitoring:9090)', input: undefined });
  }
  if (m.provider === 'http-json' && !m.httpJson) {
    ctx.addIssue({ code: 'custom', path: ['httpJson', 'url'], message: 'provider is http-json, so metrics.httpJson.url is required', input: undefined });
  }
}, { when: whenSound(['provider'], ['prometheus'], ['httpJson']) });

// ---------------------------------------------------------------------------------------------
// triggers, matrix, rollback

const conditions = (defaults: string[]) => z.array(condition).prefault(defaults);
const triggers = strict({
  observationWindow: duration().prefault('5m'),
  confirmationWindow: duration(0).prefault('2m'),
  evaluationInterval: duration().prefault('30s'),
  autoRollback: choice(['critical', 'off'], 'autoRollback').default('critical'),
  critical: conditions(['error_rate > 10%', 'availability < 95%', 'p99_latency > 10000']),
  warning: conditions(['error_rate > 5%', 'p95_latency > 3000', 'hallucination_rate > 15%']),
  watch: conditions(['error_rate > 2%', 'p50_latency > 1000', 'user_complaints > 5']),
});

const matrixRule = strict({
  userImpact: choice([...USER_IMPACTS, '-'], 'userImpact'),
  businessImpact: choice([...BUSINESS_IMPACTS, '-'], 'businessImpact'),
  fixTime: choice([...FIX_TIMES, '-'], 'fixTime'),
  action: choice(ACTIONS, 'an action'),
});
const matrix = strict({
  rules: z.array(matrixRule).prefault([
    { userImpact: 'all', businessImpact: 'high', fixTime: '-', action: 'immediate' },
    { userImpact: 'all', businessImpact: 'medium', fixTime: 'long', action: 'immediate' },
    { userImpact: 'partial', businessImpact: 'high', fixTime: 'long', action: 'gradual' },
    { userImpact: 'partial', businessImpact: 'medium', fixTime: 'short', action: 'fix' },
    { userImpact: 'minor', businessImpact: 'low', fixTime: '-', action: 'next_release' },
  ]),
  default: choice(ACTIONS, 'the default action').default('gradual'),
});

const phase = strict({ weight: int(0, 100, 'weight (percent of traffic left on the new version)'), observe: duration().optional() });
const phases = z
  .array(phase)
  .min(1, { error: 'expected at least one phase, ending with { weight: 0 }' })
  .superRefine((list, ctx) => {
    list.forEach((p, i) => {
      const prev = list[i - 1];
      const last = i === list.length - 1;
      if (prev && p.weight >= prev.weight) {
        ctx.addIssue({ code: 'custom', path: [i, 'weight'], message: `phase weights must go strictly down: ${p.weight} follows ${prev.weight}`, input: p.weight });
      }
      if (last && p.weight !== 0) {
        ctx.addIssue({ code: 'custom', path: [i, 'weight'], message: `the last phase must take the new version to 0; got ${p.weight}`, input: p.weight });
      }
      if (!last && p.observe === undefined) {
        ctx.addIssue({ code: 'custom', path: [i, 'observe'], message: `phase ${i + 1} (weight ${p.weight}) needs observe: how long to watch before the next phase, e.g. 10m`, input: undefined });
      }
      if (last && p.weight === 0 && p.observe !== undefined) {
        ctx.addIssue({ code: 'custom', path: [i, 'observe'], message: 'the last phase ends the rollback, so observe does not apply (rollback.verifyWindow sets the check after it)', input: p.observe });
      }
    });
  }, { when: (p) => !p.issues.some((i) => i.path?.[1] === 'weight' || (i.path?.length ?? 0) <= 1) })
  .prefault([{ weight: 25, observe: '10m' }, { weight: 5, observe: '10m' }, { weight: 0 }]);

const canarySteps = z
  .array(int(1, 100, 'a canary step (percent of traffic on the fix)'))
  .min(1)
  .superRefine((steps, ctx) => {
    steps.forEach((s, i) => {
      const prev = steps[i - 1];
      if (prev !== undefined && s <= prev) ctx.addIssue({ code: 'custom', path: [i], message: `canary steps must go strictly up: ${s} follows ${prev}`, input: s });
    });
    if (steps.at(-1) !== 100) ctx.addIssue({ code: 'custom', path: [steps.length - 1], message: `the last canary step must be 100; got ${steps.at(-1)}`, input: steps.at(-1) });
  })
  .default([1, 5, 25, 50, 100]);

export interface PostMortemAt {
  kind: 'next_working_day';
  hour: number;
  minute: number;
  text: string;
}
const postMortemAt = z
  .string({ error: (iss) => `expected "next working day HH:MM"; got ${show(iss.input)}` })
  .regex(/^\s*next working day\s+\d{1,2}:\d{2}\s*$/i, { error: (iss) => `expected "next working day HH:MM", such as "next working day 10:00"; got ${show(iss.input)}` })
  .transform((raw, ctx): PostMortemAt => {
    const m = /^\s*next working day\s+(\d{1,2}):(\d{2})\s*$/i.exec(raw);
    const hour = Number(m?.[1]);
    const minute = Number(m?.[2]);
    if (!m || hour > 23 || minute > 59) {
      ctx.addIssue({ code: 'custom', message: `expected "next working day HH:MM" with a 24-hour time such as "next working day 10:00"; got ${show(raw)}`, input: raw });
      return z.NEVER;
    }
    return { kind: 'next_working_day', hour, minute, text: raw.trim() };
  });

const rollback = strict({
  dryRun: z.boolean().default(false),
  verifyWindow: duration().prefault('5m'),
  gradual: strict({ phases, abortIf: condition.prefault('error_rate > 5%') }).prefault({}),
  cautiousCanary: strict({ steps: canarySteps, observe: duration().prefault('20m') }).prefault({}),
  postMortemAt: postMortemAt.prefault('next working day 10:00'),
});

// ---------------------------------------------------------------------------------------------
// services

const ROUTER_KINDS = ['service-selector', 'gateway-api', 'istio', 'nginx', 'replicas'] as const;
const routerKind = <K extends (typeof ROUTER_KINDS)[number]>(kind: K) => z.literal(kind);
const router = z.discriminatedUnion(
  'kind',
  [
    strict({ kind: routerKind('service-selector'), service: kubeName('the Service whose selector is switched') }, 'key', ' for router kind service-selector'),
    strict({ kind: routerKind('gateway-api'), httpRoute: kubeName('the HTTPRoute name'), rule: int(0, 1000, 'rule (index in spec.rules)').default(0) }, 'key', ' for router kind gateway-api'),
    strict({ kind: routerKind('istio'), virtualService: kubeName('the VirtualService name'), route: int(0, 1000, 'route (index in spec.http)').default(0) }, 'key', ' for router kind istio'),
    strict({ kind: routerKind('nginx'), ingress: kubeName('the main Ingress name'), canaryIngress: kubeName('the canary Ingress name') }, 'key', ' for router kind nginx'),
    strict({ kind: routerKind('replicas') }, 'key', ' for router kind replicas'),
  ],
  { error: (iss) => (iss.code === 'invalid_union' ? `expected router kind: one of ${ROUTER_KINDS.join(' | ')}; got ${show((iss.input as { kind?: unknown } | undefined)?.kind)}` : undefined) },
);

/** Runbook fallback chain: 3000 ms for the newest version, 5000 ms for the next, 10000 ms after that. */
const DEFAULT_TIMEOUTS_MS = [3000, 5000, 10000] as const;
const version = strict({
  version: z.string({ error: (iss) => `expected the version as text, e.g. v1.5.0; got ${show(iss.input)}${typeof iss.input === 'number' ? ' (quote it so YAML keeps it as written)' : ''}` }).min(1, { error: 'expected the version as text, e.g. v1.5.0; got an empty string' }),
  deployment: kubeName('the Deployment name').optional(),
  backend: kubeName('the backend Service name').optional(),
  subset: text('the DestinationRule subset').optional(),
  timeout: latency().optional(),
});

/** Which per-version field each router kind addresses versions by. */
const VERSION_FIELD_BY_ROUTER = {
  'gateway-api': ['backend', "the Service named in the HTTPRoute's backendRefs"],
  istio: ['subset', "the VirtualService destination's subset"],
  replicas: ['deployment', 'the Deployment that is scaled'],
} as const;

const service = strict({
  context: text('a kubeconfig context name').optional(),
  namespace: kubeName('a namespace').default('default'),
  versionLabel: text('the pod label that carries the version').default('version'),
  router,
  versions: z
    .array(version)
    .min(1, { error: 'expected at least one version, newest first' })
    .transform((vs) => vs.map((v, i) => ({ ...v, timeout: v.timeout ?? DEFAULT_TIMEOUTS_MS[Math.min(i, 2)] ?? 10000 }))),
  finalMessage: text('the message returned when every version failed').default('サービスが一時的に利用できません'),
  drill: choice(['allowed', 'denied'], 'drill').default('denied'),
}).superRefine((s, ctx) => {
  const seen = new Map<string, number>();
  s.versions.forEach((v, i) => {
    const first = seen.get(v.version);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['versions', i, 'version'], message: `version "${v.version}" is listed twice (first at versions[${first}])`, input: v.version });
    else seen.set(v.version, i);
    const need = s.router.kind in VERSION_FIELD_BY_ROUTER ? VERSION_FIELD_BY_ROUTER[s.router.kind as keyof typeof VERSION_FIELD_BY_ROUTER] : undefined;
    if (need && v[need[0]] === undefined) {
      ctx.addIssue({ code: 'custom', path: ['versions', i, need[0]], message: `the ${s.router.kind} router needs ${need[0]} (${need[1]}) on every version; ${v.version} has none`, input: undefined });
    }
  });
}, { when: whenSound(['router'], ['versions']) });

const serviceName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
const services = z
  .record(serviceName, service, {
    error: (iss) =>
      iss.code === 'invalid_type'
        ? `expected services: a map of service name to its settings; got ${show(iss.input)}`
        : iss.code === 'invalid_key'
          ? `expected a service name of lower-case letters, digits and "-" (it is typed in /rollback commands); got ${show(iss.input)}`
          : undefined,
  })
  .refine((r) => Object.keys(r).length > 0, { error: 'expected at least one service' });

// ---------------------------------------------------------------------------------------------
// drills

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const injector = z.discriminatedUnion(
  'kind',
  [
    strict({ kind: z.literal('istio-fault'), virtualService: kubeName('the VirtualService that gets the fault') }, 'key', ' for injector kind istio-fault'),
    strict({ kind: z.literal('http'), url: url('the fault endpoint URL') }, 'key', ' for injector kind http'),
    strict({ kind: z.literal('simulated') }, 'key', ' for injector kind simulated'),
  ],
  { error: (iss) => (iss.code === 'invalid_union' ? `expected injector kind: one of istio-fault | http | simulated; got ${show((iss.input as { kind?: unknown } | undefined)?.kind)}` : undefined) },
);

const scenarioName = z.string().regex(/^[a-z0-9][-a-z0-9]*$/, { error: (iss) => `expected a scenario name of lower-case letters, digits and "-" (it is typed in /drill run); got ${show(iss.input)}` });
const scenarioBase = { name: scenarioName, title: text('a title').optional(), expectedResponse: duration() };
const scenario = z.discriminatedUnion(
  'trigger',
  [
    strict({ ...scenarioBase, trigger: z.literal('inject_errors'), errorRate: ratio() }, 'key', ' for trigger inject_errors'),
    strict({ ...scenarioBase, trigger: z.literal('inject_latency'), latency: latency() }, 'key', ' for trigger inject_latency'),
    strict({ ...scenarioBase, trigger: z.literal('partial_outage'), errorRate: ratio(), share: ratio() }, 'key', ' for trigger partial_outage'),
  ],
  { error: (iss) => (iss.code === 'invalid_union' ? `expected trigger: one of inject_errors | inject_latency | partial_outage; got ${show((iss.input as { trigger?: unknown } | undefined)?.trigger)}` : undefined) },
);
const scenarios = z
  .array(scenario)
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((s, i) => {
      if (typeof s?.name !== 'string') return;
      const first = seen.get(s.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `scenario name "${s.name}" is used twice (first at scenarios[${first}])`, input: s.name });
      else seen.set(s.name, i);
    });
  }, { when: (p) => !p.issues.some((i) => i.path?.[1] === 'name' || (i.path?.length ?? 0) <= 1) })
  .transform((list) => list.map((s) => ({ ...s, title: s.title ?? s.name })))
  .prefault([
    { name: 'high-error-rate', title: '高エラー率シミュレーション', trigger: 'inject_errors', errorRate: '20%', expectedResponse: '5m' },
    { name: 'latency-spike', title: 'レイテンシスパイク', trigger: 'inject_latency', latency: 12000, expectedResponse: '10m' },
    { name: 'partial-outage', title: '部分障害', trigger: 'partial_outage', errorRate: '100%', share: '30%', expectedResponse: '15m' },
  ]);

const drills = strict({
  schedule: z
    .string()
    .refine((e) => isValidCron(e), { error: (iss) => `${explainCron(String(iss.input))}; expected a cron expression such as "0 10 1 1,4,7,10 *" (${CRON_FIELDS})` })
    .default('0 10 1 1,4,7,10 *'),
  timezone: z.string().refine(isTimeZone, { error: (iss) => `expected an IANA time zone such as Asia/Tokyo or UTC; got ${show(iss.input)}` }).default('Asia/Tokyo'),
  announceBefore: duration().prefault('7d'),
  service: z.string().optional(),
  maxDuration: duration().prefault('30m'),
  injector: injector.prefault({ kind: 'simulated' }),
  scenarios,
});

// ---------------------------------------------------------------------------------------------
// the whole file

export const configSchema = strict({
  locale: choice(['en', 'ja'], 'locale').default('en'),
  slack,
  escalation: escalation.prefault({}),
  metrics: metrics.prefault({ provider: 'prometheus', prometheus: { url: 'http://prometheus.monitoring:9090' } }),
  triggers: triggers.prefault({}),
  matrix: matrix.prefault({}),
  rollback: rollback.prefault({}),
  services,
  drills: drills.prefault({}),
})
  .superRefine((c, ctx) => {
    const named = c.drills.service;
    if (named === undefined) return;
    const target = c.services[named];
    if (!target) {
      ctx.addIssue({ code: 'custom', path: ['drills', 'service'], message: `drills.service names "${named}", which is not a configured service; configured: ${Object.keys(c.services).join(', ')}`, input: named });
    } else if (target.drill !== 'allowed') {
      ctx.addIssue({ code: 'custom', path: ['drills', 'service'], message: `drills inject real faults, so "${named}" must be marked drill: allowed (it is drill: ${String(target.drill)})`, input: named });
    }
  }, {
    // A broken service entry must not also be reported as "not allowed for drills".
    when: (p) => !p.issues.some((i) => {
      const [a, b, k, d] = i.path ?? [];
      return a === undefined || (a === 'drills' && (b === undefined || b === 'service')) || (a === 'services' && (k === undefined || (k === 'drill' && d === undefined)));
    }),
  })
  .superRefine((c, ctx) => {
    const issue = drillTargetIssue(c);
    if (issue) ctx.addIssue({ code: 'custom', ...issue, input: c.drills.injector });
  }, { when: (p) => soundForDrillTarget(p.issues) })
  /** Without drills.service, drills run on the first service marked `drill: allowed` (null: none is). */
  .transform((c) => ({
    ...c,
    drills: { ...c.drills, service: c.drills.service ?? Object.keys(c.services).find((n) => c.services[n]?.drill === 'allowed') ?? null },
  }));

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type ServiceConfig = Config['services'][string];
export type RouterConfig = ServiceConfig['router'];
export type RouterKind = RouterConfig['kind'];
export type VersionConfig = ServiceConfig['versions'][number];
export type MatrixRule = Config['matrix']['rules'][number];
export type GradualPhase = Config['rollback']['gradual']['phases'][number];
export type EscalationLevel = Config['escalation']['levels'][number];
export type DrillScenario = Config['drills']['scenarios'][number];
export type InjectorConfig = Config['drills']['injector'];
export type MetricsConfig = Config['metrics'];
