/**
 * The shape of config/rewind.yml (docs/configuration.md) as one zod schema; `services:` and
 * `metrics:` (their router and provider settings come from the provider modules) and `drills:`
 * are joined in from their own files, the builders from zod-kit.ts. Input is what people type (`5m`, `10%`,
 * `"error_rate > 10%"`); output is the typed `Config` the bot runs on: the same key names, with
 * durations and latencies in milliseconds, ratios as 0–1 numbers and conditions parsed. Every
 * object is strict, every key but the Slack channels, the approvers and the services has the
 * runbook's default.
 */
import { z } from 'zod';
import { ACTIONS, BUSINESS_IMPACTS, FIX_TIMES, USER_IMPACTS } from '../domain/types.ts';
import { drillTargetIssue, soundForDrillTarget } from './drill-target.ts';
import { drills } from './drills-schema.ts';
import type { WrittenCondition } from '../domain/conditions.ts';
import { catalogueOf, conditionIssues, conditionsCheckable, metrics, resolvedCondition } from './metrics-schema.ts';
import { services } from './services-schema.ts';
import { channelId, choice, condition, duration, int, principalId, show, strict, text } from './zod-kit.ts';

export { editorSchemas } from './zod-kit.ts';

// ---------------------------------------------------------------------------------------------
// slack, escalation (metrics: metrics-schema.ts)

const slack = strict({
  incidentChannel: channelId,
  stakeholderChannel: channelId,
  /** The severity at which the stakeholder channel first hears of an incident (after a rollback at the latest). */
  stakeholderSeverity: choice(
    ['watch', 'warning', 'critical'],
    'the severity at which stakeholders are first told of an incident',
  )
    .default('warning')
    .meta({
      description:
        'the severity at which the stakeholder channel first hears of an incident (or at the rollback, if it never ' +
        'gets there)',
    }),
  drillChannel: channelId,
  approvers: z
    .array(principalId)
    .min(1, { error: 'expected at least one approver (a user ID U… / W… or a user-group ID S…)' }),
  requiredApprovals: int(1, 10, 'requiredApprovals').default(1),
});

const escalationLevel = strict({
  after: duration(),
  label: text('a label such as "Senior engineer"'),
  notify: z.array(principalId).min(1),
});
const escalation = strict({
  stopOnAck: z.boolean().default(false),
  levels: z
    .array(escalationLevel)
    .superRefine((levels, ctx) => {
      levels.forEach((l, i) => {
        const prev = levels[i - 1];
        if (prev && typeof prev.after === 'number' && typeof l.after === 'number' && l.after <= prev.after) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'after'],
            message: `escalation levels must come later and later: level ${i + 1} fires no later than level ${i}`,
            input: l.after,
          });
        }
      });
    })
    .prefault([
      { after: '15m', label: 'Senior engineer', notify: ['S0SENIOR'] },
      { after: '30m', label: 'Manager', notify: ['U0MANAGER'] },
    ]),
});

// ---------------------------------------------------------------------------------------------
// triggers, matrix, rollback (services: services-schema.ts, drills: drills-schema.ts)

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

const phase = strict({
  weight: int(0, 100, 'weight (percent of traffic left on the new version)'),
  observe: duration().optional(),
});
const phases = z
  .array(phase)
  .min(1, { error: 'expected at least one phase, ending with { weight: 0 }' })
  .superRefine(
    (list, ctx) => {
      list.forEach((p, i) => {
        const prev = list[i - 1];
        const last = i === list.length - 1;
        if (prev && p.weight >= prev.weight) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'weight'],
            message: `phase weights must go strictly down: ${p.weight} follows ${prev.weight}`,
            input: p.weight,
          });
        }
        if (last && p.weight !== 0) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'weight'],
            message: `the last phase must take the new version to 0; got ${p.weight}`,
            input: p.weight,
          });
        }
        if (!last && p.observe === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'observe'],
            message:
              `phase ${i + 1} (weight ${p.weight}) needs observe: how long to watch before the next phase, e.g. ` +
              `10m`,
            input: undefined,
          });
        }
        if (last && p.weight === 0 && p.observe !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'observe'],
            message:
              'the last phase ends the rollback, so observe does not apply (rollback.verifyWindow sets the check ' +
              'after it)',
            input: p.observe,
          });
        }
      });
    },
    { when: (p) => !p.issues.some((i) => i.path?.[1] === 'weight' || (i.path?.length ?? 0) <= 1) },
  )
  .prefault([{ weight: 25, observe: '10m' }, { weight: 5, observe: '10m' }, { weight: 0 }]);

const canarySteps = z
  .array(int(1, 100, 'a canary step (percent of traffic on the fix)'))
  .min(1)
  .superRefine((steps, ctx) => {
    steps.forEach((s, i) => {
      const prev = steps[i - 1];
      if (prev !== undefined && s <= prev)
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `canary steps must go strictly up: ${s} follows ${prev}`,
          input: s,
        });
    });
    if (steps.at(-1) !== 100)
      ctx.addIssue({
        code: 'custom',
        path: [steps.length - 1],
        message: `the last canary step must be 100; got ${steps.at(-1)}`,
        input: steps.at(-1),
      });
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
  .regex(/^\s*next working day\s+\d{1,2}:\d{2}\s*$/i, {
    error: (iss) => `expected "next working day HH:MM", such as "next working day 10:00"; got ${show(iss.input)}`,
  })
  .transform((raw, ctx): PostMortemAt => {
    const m = /^\s*next working day\s+(\d{1,2}):(\d{2})\s*$/i.exec(raw);
    const hour = Number(m?.[1]);
    const minute = Number(m?.[2]);
    if (!m || hour > 23 || minute > 59) {
      ctx.addIssue({
        code: 'custom',
        message:
          `expected "next working day HH:MM" with a 24-hour time such as "next working day 10:00"; got ` +
          `${show(raw)}`,
        input: raw,
      });
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
  .superRefine(
    (c, ctx) => {
      const named = c.drills.service;
      if (named === undefined) return;
      const target = c.services[named];
      if (!target) {
        ctx.addIssue({
          code: 'custom',
          path: ['drills', 'service'],
          message:
            `drills.service names "${named}", which is not a configured service; configured: ` +
            `${Object.keys(c.services).join(', ')}`,
          input: named,
        });
      } else if (target.drill !== 'allowed') {
        ctx.addIssue({
          code: 'custom',
          path: ['drills', 'service'],
          message:
            `drills inject real faults, so "${named}" must be marked drill: allowed (it is drill: ` +
            `${String(target.drill)})`,
          input: named,
        });
      }
    },
    {
      // A broken service entry must not also be reported as "not allowed for drills".
      when: (p) =>
        !p.issues.some((i) => {
          const [a, b, k, d] = i.path ?? [];
          return (
            a === undefined ||
            (a === 'drills' && (b === undefined || b === 'service')) ||
            (a === 'services' && (k === undefined || (k === 'drill' && d === undefined)))
          );
        }),
    },
  )
  .superRefine(
    (c, ctx) => {
      const issue = drillTargetIssue(c);
      if (issue) ctx.addIssue({ code: 'custom', ...issue, input: c.drills.injector });
    },
    { when: (p) => soundForDrillTarget(p.issues) },
  )
  // Conditions name built-in and custom metrics alike: checked once metrics.custom is known, and before any
  // transform (a transform stops every check after it when anything else in the file is wrong).
  .superRefine(conditionIssues, { when: conditionsCheckable })
  /** Without drills.service, drills run on the first service marked `drill: allowed` (null: none is). */
  .transform((c) => ({
    ...c,
    drills: {
      ...c.drills,
      service: c.drills.service ?? Object.keys(c.services).find((n) => c.services[n]?.drill === 'allowed') ?? null,
    },
  }))
  // Each condition in its metric's unit, from the catalogue of this file's metrics.
  .transform((c) => {
    const catalogue = catalogueOf(c.metrics);
    const resolve = (w: WrittenCondition) => resolvedCondition(w, catalogue);
    const { critical, warning, watch } = c.triggers;
    return {
      ...c,
      triggers: {
        ...c.triggers,
        critical: critical.map(resolve),
        warning: warning.map(resolve),
        watch: watch.map(resolve),
      },
      rollback: { ...c.rollback, gradual: { ...c.rollback.gradual, abortIf: resolve(c.rollback.gradual.abortIf) } },
    };
  });

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type ServiceConfig = Config['services'][string];
export type RouterConfig = ServiceConfig['router'];
export type RouterKind = RouterConfig['kind'];
export type VersionConfig = ServiceConfig['versions'][number];
export type MatrixRule = Config['matrix']['rules'][number];
export type EscalationLevel = Config['escalation']['levels'][number];
export type DrillScenario = Config['drills']['scenarios'][number];
export type InjectorConfig = Config['drills']['injector'];
