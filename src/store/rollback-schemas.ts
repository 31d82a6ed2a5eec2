/**
 * The shapes of a rollback's JSON columns (`rollbacks.plan`, `rollback_steps.detail`), checked when
 * a row is read. They follow the domain's types field for field (a compile-time check below says
 * so), and accept the rows earlier builds wrote: extra fields are dropped, a missing phase is none.
 */
import { z } from 'zod';
import { METRIC_NAME_SHAPE, METRIC_UNITS, type MetricSample } from '../domain/metrics.ts';
import type { RollbackPlanRecord, RollbackStepDetail } from '../domain/rollback-record.ts';
import type { KubeAction, KubeProblem } from '../domain/kube-problem.ts';
import type { AbortCause, KubeCall, StepFailure } from '../domain/step-facts.ts';
import { FLUX_KINDS, GITOPS_ON_ROLLBACK, type SyncOwner } from '../domain/gitops.ts';

const split = z.record(z.string(), z.number());

/**
 * Metric readings, of built-in and custom metrics alike; a value stored as null (a NaN reading
 * becomes null in JSON) is not a reading, nor is a key that cannot be a metric's name.
 */
const metricSample = z.record(z.string(), z.unknown()).transform((raw): MetricSample => {
  const sample: MetricSample = {};
  for (const [name, value] of Object.entries(raw)) {
    if (METRIC_NAME_SHAPE.test(name) && typeof value === 'number' && Number.isFinite(value)) sample[name] = value;
  }
  return sample;
});
/** A metric named in a record: a built-in, or a custom metric then kept with its unit (recordedUnit). */
const metricName = z.string().regex(METRIC_NAME_SHAPE);
const metricUnit = z.enum(METRIC_UNITS).optional();

const kubeCall: z.ZodType<KubeCall> = z.discriminatedUnion('op', [
  z.object({ op: z.literal('read_routing'), service: z.string() }),
  z.object({ op: z.literal('write_routing'), service: z.string(), split }),
  z.object({ op: z.literal('read_back'), service: z.string() }),
  z.object({ op: z.literal('read_endpoints'), version: z.string() }),
  z.object({ op: z.literal('read_deployment'), version: z.string() }),
  z.object({ op: z.literal('read_gitops'), service: z.string() }),
  z.object({ op: z.literal('pause_gitops'), target: z.string() }),
  z.object({ op: z.literal('resume_gitops'), target: z.string() }),
]);

const kubeAction: z.ZodType<KubeAction> = z.enum([
  'read',
  'list',
  'PATCH of',
  'PUT of',
  'read scale of',
  'PATCH of the scale of',
]);
const onObject = { action: kubeAction, target: z.string() };
const kubeProblem: z.ZodType<KubeProblem> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('http'),
      ...onObject,
      status: z.number(),
      reason: z.string(),
      message: z.string().nullable(),
    }),
    z.object({ kind: z.literal('unreachable'), ...onObject, code: z.string() }),
    z.object({ kind: z.literal('client_timeout'), ...onObject }),
    z.object({ kind: z.literal('kubeconfig'), ...onObject, message: z.string() }),
    z.object({ kind: z.literal('conflict_retries'), target: z.string(), writes: z.number(), last: kubeProblem }),
    z.object({ kind: z.literal('no_answer'), withinMs: z.number() }),
    z.object({ kind: z.literal('other'), message: z.string(), status: z.number().nullable() }),
  ]),
);

const stepFailure: z.ZodType<StepFailure> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('read_back_mismatch'), back: split, wanted: split }),
  z.object({ kind: z.literal('no_ready_endpoints'), version: z.string(), service: z.string() }),
  z.object({
    kind: z.literal('not_recovered'),
    windowMs: z.number(),
    version: z.string(),
    breaching: z.array(z.string()),
  }),
  z.object({ kind: z.literal('canary_not_from_stable'), split, stable: z.string() }),
  z.object({ kind: z.literal('serving_unknown'), service: z.string() }),
  z.object({ kind: z.literal('from_unknown') }),
  z.object({
    kind: z.literal('kube_call_failed'),
    call: kubeCall,
    attempts: z.number().nullable(),
    problem: kubeProblem,
  }),
  z.object({ kind: z.literal('kube_error'), call: kubeCall, message: z.string() }),
  z.object({ kind: z.literal('unexpected'), message: z.string() }),
]);

const abortCause: z.ZodType<AbortCause> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('abort_if_held'),
    metric: metricName,
    unit: metricUnit,
    version: z.string(),
    value: z.number().nullable(),
    condition: z.string(),
  }),
  z.object({
    kind: z.literal('not_healthy'),
    windowMs: z.number(),
    version: z.string(),
    breaching: z.array(z.string()),
  }),
  z.object({ kind: z.literal('stopped_by'), by: z.string() }),
  z.object({ kind: z.literal('error'), failure: stepFailure }),
]);

const sentChange = z.object({
  method: z.enum(['PATCH', 'PUT']),
  target: z.string(),
  contentType: z.string(),
  body: z.unknown(),
  conflicts: z.number().optional(),
});

const ownerSource = z.enum(['config', 'annotation', 'label']);
const syncOwner: z.ZodType<SyncOwner> = z.discriminatedUnion('tool', [
  z.object({ tool: z.literal('argocd'), application: z.string(), namespace: z.string(), source: ownerSource }),
  z.object({
    tool: z.literal('flux'),
    kind: z.enum(FLUX_KINDS).nullable(),
    name: z.string(),
    namespace: z.string(),
    source: ownerSource,
  }),
]);

/** Fields any step may carry. Rows of the first builds wrote `phase` on every step; a test row may not. */
const base = {
  phase: z.number().nullable().default(null),
  tick: z.number().optional(),
  error: z.string().optional(),
  stoppedBecause: z.string().optional(),
};
const remainingMs = z.number().nullable().optional();

const stepDetail = z.discriminatedUnion('kind', [
  z.object({
    ...base,
    kind: z.literal('confirm'),
    from: z.string().optional(),
    split: split.optional(),
    baseline: metricSample.nullable().optional(),
  }),
  z.object({
    ...base,
    kind: z.literal('set_weight'),
    weight: z.number(),
    changes: z.array(sentChange).optional(),
    inPlace: z.array(sentChange).optional(),
    revert: z.boolean().optional(),
    reason: z.string().optional(),
    cause: abortCause.optional(),
  }),
  z.object({
    ...base,
    kind: z.literal('observe'),
    observeMs: z.number(),
    observeUntil: z.number().optional(),
    lastSample: metricSample.nullable().optional(),
    remainingMs,
    abortIf: z.string().optional(),
  }),
  z.object({
    ...base,
    kind: z.literal('verify'),
    verifyMs: z.number().nullable().default(null),
    verifyUntil: z.number().optional(),
    series: z.record(z.string(), z.array(z.tuple([z.number(), z.number().nullable()]))).optional(),
    after: metricSample.optional(),
    recovered: z.boolean().optional(),
    remainingMs,
  }),
  z.object({ ...base, kind: z.literal('post_actions') }),
  z.object({
    ...base,
    kind: z.literal('stop'),
    revert: z.boolean().optional(),
    reason: z.string().optional(),
    cause: abortCause.optional(),
  }),
  z.object({
    ...base,
    kind: z.literal('gitops'),
    owner: syncOwner,
    onRollback: z.enum(GITOPS_ON_ROLLBACK),
    selfHeal: z.boolean(),
    revision: z.string().nullable().optional(),
    keptSyncPolicy: z.record(z.string(), z.unknown()).nullable().optional(),
    pausedBefore: z.boolean().optional(),
    changes: z.array(sentChange).optional(),
    dryRun: z.boolean().optional(),
    resumingAt: z.number().optional(),
    resumedBy: z.string().optional(),
    resumedAt: z.number().optional(),
  }),
]);

const plan = z.object({
  phases: z.array(z.number()).optional(),
  canarySteps: z.array(z.number()).optional(),
  requiredApprovals: z.number().optional(),
  currentWeight: z.number().optional(),
  startWeight: z.number().optional(),
});

/** Every key of every variant, so a field under another name on either side is found. */
type Keys<T> = T extends unknown ? keyof T : never;
type SameShape<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [Exclude<Keys<A>, Keys<B>> | Exclude<Keys<B>, Keys<A>>] extends [never]
      ? true
      : false
    : false
  : false;
const detailMatchesDomain: SameShape<z.output<typeof stepDetail>, RollbackStepDetail> = true;
const planMatchesDomain: SameShape<z.output<typeof plan>, RollbackPlanRecord> = true;
void [detailMatchesDomain, planMatchesDomain];

export const stepDetailSchema: z.ZodType<RollbackStepDetail> = stepDetail;
export const rollbackPlanSchema: z.ZodType<RollbackPlanRecord> = plan;
/** A step's failure and a canary's stop cause, as the timeline also keeps them (a rollback's end, an escalation). */
export const stepFailureSchema: z.ZodType<StepFailure> = stepFailure;
export const abortCauseSchema: z.ZodType<AbortCause> = abortCause;
export { metricName as metricNameSchema, metricUnit as metricUnitSchema };
