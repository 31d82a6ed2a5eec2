/**
 * The stored shape of every kind of timeline line, as zod schemas typed against the domain's
 * TimelineDetails: a schema that reads a field the domain does not have (or misses one it needs)
 * fails to compile. Rows written by earlier builds must keep loading, so a field a writer added later
 * has a default or is optional. Unknown keys are dropped rather than refused: a newer build may add
 * an optional detail, and this one can still read the line.
 */
import { z } from 'zod';
import { DRILL_STATUSES } from '../domain/drill-records.ts';
import { ROLLBACK_STRATEGIES } from '../domain/rollback-record.ts';
import type { FinishReason } from '../domain/step-facts.ts';
import type {
  CanaryCancelReason,
  EscalationReason,
  RecordedReason,
  RollbackEndReason,
  StatusReason,
} from '../domain/timeline-reasons.ts';
import {
  ALERT_STATUSES,
  TIMELINE_KINDS,
  type BreachRecord,
  type TimelineDetails,
  type TimelineKind,
} from '../domain/timeline.ts';
import { BUSINESS_IMPACTS, FIX_TIMES, USER_IMPACTS } from '../domain/types.ts';
import { ACTION, INCIDENT_STATUS, TIER } from './columns.ts';
import { drillEndingSchema } from './drill-schemas.ts';
import { abortCauseSchema, metricNameSchema, metricUnitSchema, stepFailureSchema } from './rollback-schemas.ts';

const STRATEGY = z.enum(ROLLBACK_STRATEGIES);

const BREACH: z.ZodType<BreachRecord> = z.object({
  metric: metricNameSchema,
  unit: metricUnitSchema,
  op: z.enum(['>', '>=', '<', '<=']),
  threshold: z.number(),
  value: z.number(),
});

/**
 * Breaches are readings taken as they came: one that cannot be read (a value JSON turned into null)
 * is left out, as the head message always did, instead of making the whole incident unreadable.
 */
const BREACHES = z
  .array(z.unknown())
  .default([])
  .transform((items) =>
    items.flatMap((item) => {
      const breach = BREACH.safeParse(item);
      return breach.success ? [breach.data] : [];
    }),
  );

const ROLLBACK_ID = z.string().min(1);
const SLACK_MESSAGE = z.object({ channel: z.string(), ts: z.string() });
/** A reason an earlier build kept as an English sentence: read as the `recorded` kind, shown as written. */
const RECORDED = z.string().transform((text): RecordedReason => ({ kind: 'recorded', text }));
const RECORDED_KIND = z.object({ kind: z.literal('recorded'), text: z.string() });

const FINISH_REASON = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dry_run') }),
  z.object({ kind: z.literal('stopped_in_place'), by: z.string() }),
  z.object({
    kind: z.literal('canary_back'),
    cause: abortCauseSchema.nullable(),
    line: z.string(),
    stable: z.string().nullable(),
  }),
  z.object({ kind: z.literal('failed'), failure: stepFailureSchema }),
  z.object({ kind: z.literal('superseded'), incidentId: z.string(), service: z.string() }),
  z.object({
    kind: z.literal('not_started'),
    problem: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('no_ready_replicas'), service: z.string(), version: z.string(), desired: z.number() }),
      z.object({ kind: z.literal('error'), message: z.string() }),
    ]),
  }),
]) satisfies z.ZodType<FinishReason>;

// Fails to compile when FinishReason gains a kind the timeline cannot read back.
const everyFinishKindRead: Record<Exclude<FinishReason['kind'], z.output<typeof FINISH_REASON>['kind']>, never> = {};
void everyFinishKindRead;

const STATUS_REASON = z.union([
  RECORDED,
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('recovered_after_rollback') }),
    z.object({ kind: z.literal('fix_deployed_as_canary'), version: z.string() }),
    z.object({
      kind: z.literal('drill_over'),
      drillId: z.string(),
      ending: drillEndingSchema.nullable(),
      status: z.enum(DRILL_STATUSES),
    }),
    z.object({ kind: z.literal('manual_rollback') }),
    z.object({ kind: z.literal('rollback_ended'), why: FINISH_REASON }),
    RECORDED_KIND,
  ]),
]) satisfies z.ZodType<StatusReason>;

const END_REASON = z.union([RECORDED, FINISH_REASON, RECORDED_KIND]) satisfies z.ZodType<RollbackEndReason>;

const CANCEL_REASON = z.union([
  RECORDED,
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('superseded'), incidentId: z.string(), service: z.string() }),
    RECORDED_KIND,
  ]),
]) satisfies z.ZodType<CanaryCancelReason>;

const ESCALATION_REASON = z.union([
  RECORDED,
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('engine_failed'),
      noun: z.enum(['rollback', 'canary']),
      rollbackId: z.string(),
      failure: stepFailureSchema,
    }),
    RECORDED_KIND,
  ]),
]) satisfies z.ZodType<EscalationReason>;

const ROLLBACK_END = z.object({
  rollbackId: ROLLBACK_ID,
  reason: END_REASON.nullable().optional(),
  error: z.string().optional(),
});
const ROLLBACK_STARTED = z.object({
  rollbackId: ROLLBACK_ID,
  from: z.string().nullable(),
  to: z.string(),
  strategy: STRATEGY,
});
const ROLLBACK_CONTROL = z.object({ rollbackId: ROLLBACK_ID });

/** A kind with its details: what reading a stored line gives before the row's own columns join it. */
type KindedDetails = { [K in TimelineKind]: { kind: K; detail: TimelineDetails[K] } };

/** The details' schema, its output tagged with the kind so a reader can narrow on it. */
function kinded<K extends TimelineKind, S extends z.ZodType<TimelineDetails[K]>>(kind: K, schema: S) {
  return schema.transform((detail) => ({ kind, detail }));
}

type DetailSchemas = { [K in TimelineKind]: z.ZodType<KindedDetails[K]> };

/**
 * The schema of each kind's details. `satisfies` checks that every kind has one and that each reads
 * exactly the details the domain declares for it.
 */
export const DETAIL_SCHEMAS = {
  detected: kinded(
    'detected',
    z.object({
      service: z.string(),
      version: z.string().nullable(),
      severity: TIER,
      title: z.string(),
      drill: z.boolean(),
      // Lines written straight from the lifecycle (not through the incident service) had none.
      breaches: BREACHES,
      declared: z.boolean().optional(),
      drillId: z.string().optional(),
    }),
  ),
  status: kinded(
    'status',
    z.object({
      rollbackId: ROLLBACK_ID.optional(),
      strategy: STRATEGY.optional(),
      tier: TIER.optional(),
      declared: z.boolean().optional(),
      action: ACTION.optional(),
      reason: STATUS_REASON.nullable().optional(),
      error: z.string().optional(),
    }),
  ),
  ack: kinded('ack', z.object({ status: INCIDENT_STATUS })),
  severity: kinded('severity', z.object({ from: TIER, to: TIER })),
  posted: kinded('posted', SLACK_MESSAGE),
  stakeholder_notice: kinded('stakeholder_notice', SLACK_MESSAGE),
  alert: kinded(
    'alert',
    z.object({ fingerprint: z.string(), severity: TIER, summary: z.string(), status: z.enum(ALERT_STATUSES) }),
  ),
  trigger: kinded('trigger', z.object({ tier: TIER, version: z.string().nullable(), breaches: BREACHES })),
  tier_cleared: kinded('tier_cleared', z.object({ tier: TIER, version: z.string().nullable() })),
  assessment: kinded(
    'assessment',
    z.object({
      userImpact: z.enum(USER_IMPACTS).optional(),
      businessImpact: z.enum(BUSINESS_IMPACTS).optional(),
      fixTime: z.enum(FIX_TIMES).optional(),
      recommended: ACTION,
      rule: z.number().int().nullable(),
      // Written since the recommendation is checked against the service; earlier lines lack them.
      matrixRecommended: ACTION.optional(),
      insteadBecause: z.enum(['moves_at_once', 'abort_if_holds']).optional(),
    }),
  ),
  decision: kinded('decision', z.object({ action: ACTION, recommended: ACTION.nullable().default(null) })),
  rollback_requested: kinded(
    'rollback_requested',
    z.object({ rollbackId: ROLLBACK_ID, strategy: STRATEGY, from: z.string().nullable(), to: z.string() }),
  ),
  canary_requested: kinded(
    'canary_requested',
    z.object({ rollbackId: ROLLBACK_ID, from: z.string().nullable(), to: z.string(), steps: z.array(z.number()) }),
  ),
  canary_cancelled: kinded('canary_cancelled', z.object({ rollbackId: ROLLBACK_ID, reason: CANCEL_REASON })),
  approval: kinded('approval', z.object({ rollbackId: ROLLBACK_ID, have: z.number().int(), need: z.number().int() })),
  rollback_scheduled: kinded('rollback_scheduled', z.object({ rollbackId: ROLLBACK_ID, at: z.number() })),
  rollback_started: kinded('rollback_started', ROLLBACK_STARTED),
  canary_started: kinded('canary_started', ROLLBACK_STARTED),
  rollback_succeeded: kinded('rollback_succeeded', ROLLBACK_END),
  rollback_failed: kinded('rollback_failed', ROLLBACK_END),
  rollback_aborted: kinded('rollback_aborted', ROLLBACK_END),
  canary_succeeded: kinded('canary_succeeded', ROLLBACK_END),
  canary_failed: kinded('canary_failed', ROLLBACK_END),
  canary_aborted: kinded('canary_aborted', ROLLBACK_END),
  rollback_pause: kinded('rollback_pause', ROLLBACK_CONTROL),
  rollback_resume: kinded('rollback_resume', ROLLBACK_CONTROL),
  rollback_abort: kinded('rollback_abort', ROLLBACK_CONTROL),
  gitops_paused: kinded('gitops_paused', z.object({ rollbackId: ROLLBACK_ID, target: z.string(), sent: z.boolean() })),
  gitops_resumed: kinded('gitops_resumed', z.object({ rollbackId: ROLLBACK_ID, target: z.string() })),
  complaint: kinded('complaint', z.object({ text: z.string(), complaintId: z.number().int() })),
  escalation: kinded(
    'escalation',
    z.object({
      level: z.number().int(),
      label: z.string(),
      notify: z.array(z.string()),
      lateMs: z.number(),
      early: z.boolean().optional(),
      reason: ESCALATION_REASON.optional(),
    }),
  ),
  postmortem_scheduled: kinded('postmortem_scheduled', z.object({ at: z.number() })),
  checklist: kinded('checklist', z.object({ list: z.string(), checked: z.number().int(), of: z.number().int() })),
  rca_drafted: kinded(
    'rca_drafted',
    z.object({}).transform((): Record<string, never> => ({})),
  ),
} satisfies DetailSchemas;

const KNOWN_KINDS: ReadonlySet<string> = new Set(TIMELINE_KINDS);

export function isTimelineKind(kind: string): kind is TimelineKind {
  return KNOWN_KINDS.has(kind);
}
