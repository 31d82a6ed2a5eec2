/**
 * `drills:` of config/rewind.yml: when drills run (cron and time zone), on which service, how the
 * fault is injected and the scenarios to pick from. Whether the injector may aim at its target is
 * judged over the whole file (drill-target.ts), in schema.ts.
 */
import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';
import { CRON_FIELDS, explainCron } from './cron-text.ts';
import { duration, kubeName, latency, ratio, show, strict, text, url } from './zod-kit.ts';

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
    strict(
      { kind: z.literal('istio-fault'), virtualService: kubeName('the VirtualService that gets the fault') },
      'key',
      ' for injector kind istio-fault',
    ),
    strict({ kind: z.literal('http'), url: url('the fault endpoint URL') }, 'key', ' for injector kind http'),
    strict({ kind: z.literal('simulated') }, 'key', ' for injector kind simulated'),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `expected injector kind: one of istio-fault | http | simulated; got ` +
          `${show((iss.input as { kind?: unknown } | undefined)?.kind)}`
        : undefined,
  },
);

const scenarioName = z.string().regex(/^[a-z0-9][-a-z0-9]*$/, {
  error: (iss) =>
    `expected a scenario name of lower-case letters, digits and "-" (it is typed in /drill run); got ` +
    `${show(iss.input)}`,
});
const scenarioBase = { name: scenarioName, title: text('a title').optional(), expectedResponse: duration() };
const scenario = z.discriminatedUnion(
  'trigger',
  [
    strict(
      { ...scenarioBase, trigger: z.literal('inject_errors'), errorRate: ratio() },
      'key',
      ' for trigger inject_errors',
    ),
    strict(
      { ...scenarioBase, trigger: z.literal('inject_latency'), latency: latency() },
      'key',
      ' for trigger inject_latency',
    ),
    strict(
      { ...scenarioBase, trigger: z.literal('partial_outage'), errorRate: ratio(), share: ratio() },
      'key',
      ' for trigger partial_outage',
    ),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `expected trigger: one of inject_errors | inject_latency | partial_outage; got ` +
          `${show((iss.input as { trigger?: unknown } | undefined)?.trigger)}`
        : undefined,
  },
);
const scenarios = z
  .array(scenario)
  .superRefine(
    (list, ctx) => {
      const seen = new Map<string, number>();
      list.forEach((s, i) => {
        if (typeof s?.name !== 'string') return;
        const first = seen.get(s.name);
        if (first !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `scenario name "${s.name}" is used twice (first at scenarios[${first}])`,
            input: s.name,
          });
        else seen.set(s.name, i);
      });
    },
    { when: (p) => !p.issues.some((i) => i.path?.[1] === 'name' || (i.path?.length ?? 0) <= 1) },
  )
  .transform((list) => list.map((s) => ({ ...s, title: s.title ?? s.name })))
  // Titles in English like the default locale; a team writing in Japanese names its own scenarios.
  .prefault([
    {
      name: 'high-error-rate',
      title: 'High error rate',
      trigger: 'inject_errors',
      errorRate: '20%',
      expectedResponse: '5m',
    },
    {
      name: 'latency-spike',
      title: 'Latency spike',
      trigger: 'inject_latency',
      latency: 12000,
      expectedResponse: '10m',
    },
    {
      name: 'partial-outage',
      title: 'Partial outage',
      trigger: 'partial_outage',
      errorRate: '100%',
      share: '30%',
      expectedResponse: '15m',
    },
  ]);

export const drills = strict({
  schedule: z
    .string()
    .refine((e) => isValidCron(e), {
      error: (iss) =>
        `${explainCron(String(iss.input))}; expected a cron expression such as "0 10 1 1,4,7,10 *" (${CRON_FIELDS})`,
    })
    .default('0 10 1 1,4,7,10 *'),
  timezone: z
    .string()
    .refine(isTimeZone, {
      error: (iss) => `expected an IANA time zone such as Asia/Tokyo or UTC; got ${show(iss.input)}`,
    })
    .default('Asia/Tokyo'),
  announceBefore: duration().prefault('7d'),
  service: z.string().optional(),
  maxDuration: duration().prefault('30m'),
  injector: injector.prefault({ kind: 'simulated' }),
  scenarios,
});
