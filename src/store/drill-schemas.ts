/**
 * The shapes of a drill row's JSON columns (scores, fault_applied, the ending kept in note), read
 * back with zod so a row this build cannot read is refused by name instead of flowing on half-typed.
 */
import { z } from 'zod';
import type { DrillRefusal } from '../domain/drill-refusals.ts';
import {
  DRILL_STATUSES,
  FAULT_TRIGGERS,
  INJECTOR_KINDS,
  type DrillEnding,
  type DrillScores,
  type FaultRemovalCause,
  type RemoveNote,
  type StoredFault,
} from '../domain/drill-records.ts';
import type { Scorecard } from '../domain/drills.ts';

const instant = z.number().nullable();

const simulatedMetrics = { metrics: z.array(z.string()), service: z.string(), version: z.string() };
const removeNoteSchema = z.union([
  z.string().transform((text): RemoveNote => ({ kind: 'recorded', text })),
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('http_removed'), drillId: z.string(), url: z.string() }),
    z.object({ kind: z.literal('http_gone'), drillId: z.string(), url: z.string(), status: z.number() }),
    z.object({ kind: z.literal('route_missing'), target: z.string(), routeIndex: z.number() }),
    z.object({ kind: z.literal('fault_gone'), target: z.string(), field: z.string() }),
    z.object({
      kind: z.literal('fault_changed'),
      target: z.string(),
      field: z.string(),
      found: z.string(),
      ours: z.string(),
    }),
    z.object({ kind: z.literal('fault_removed'), target: z.string(), field: z.string() }),
    z.object({ kind: z.literal('fault_restored'), target: z.string(), field: z.string() }),
    z.object({ kind: z.literal('simulated_inactive'), drillId: z.string(), ...simulatedMetrics }),
    z.object({ kind: z.literal('simulated_cleared'), ...simulatedMetrics }),
    z.object({ kind: z.literal('recorded'), text: z.string() }),
  ]),
]) satisfies z.ZodType<RemoveNote>;
const measured = z.object({ ms: z.number().nullable(), targetMs: z.number(), pass: z.boolean().nullable() });

const scorecardSchema = z.object({
  detection: measured,
  decision: measured,
  execution: measured,
  total: measured,
  communication: z.object({ average: z.number().nullable(), count: z.number() }),
  injected: z.boolean(),
  passed: z.boolean(),
}) satisfies z.ZodType<Scorecard>;

export const drillScoresSchema = z
  .object({
    times: z.object({
      injectedAt: instant,
      detectedAt: instant,
      postedAt: instant,
      decidedAt: instant,
      verifiedAt: instant,
    }),
    expectedMs: z.number(),
    scorecard: scorecardSchema,
  })
  .nullable() satisfies z.ZodType<DrillScores | null>;

const removalCauseSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('aborted'), by: z.string() }),
  z.object({ kind: z.literal('ended_while_applying') }),
  z.object({ kind: z.literal('apply_failed') }),
  z.object({ kind: z.literal('restarted') }),
  z.object({ kind: z.literal('retry') }),
  z.object({ kind: z.literal('max_duration') }),
  z.object({ kind: z.literal('traffic_switched') }),
]) satisfies z.ZodType<FaultRemovalCause>;

export const storedFaultSchema = z
  .object({
    injector: z.enum(INJECTOR_KINDS),
    spec: z.object({
      drillId: z.string(),
      service: z.string(),
      version: z.string(),
      scenario: z.string(),
      trigger: z.enum(FAULT_TRIGGERS),
      errorRate: z.number().nullable(),
      latencyMs: z.number().nullable(),
      share: z.number().nullable(),
      maxDurationMs: z.number(),
    }),
    detail: z.record(z.string(), z.unknown()).nullable(),
    appliedAt: instant,
    removedAt: instant,
    // Rows written before the cause was kept have none; before the note was data, it was an English line.
    removal: z
      .object({ removed: z.boolean(), note: removeNoteSchema, cause: removalCauseSchema.nullable().default(null) })
      .nullable(),
  })
  .nullable() satisfies z.ZodType<StoredFault | null>;

const drillId = z.string();
const service = z.string();

/** Why the injector could not run. */
const INJECTOR_PROBLEM = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('needs_kubernetes') }),
  z.object({ kind: z.literal('needs_simulated_metrics') }),
  z.object({ kind: z.literal('not_set_up') }),
  z.object({ kind: z.literal('other'), message: z.string() }),
]);

export const drillRefusalSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('drill_incident_open'), incidentId: z.string(), service }),
  z.object({ kind: z.literal('drill_already_running'), drillId }),
  z.object({ kind: z.literal('drill_rollback_active'), rollbackId: z.string(), service }),
  z.object({ kind: z.literal('drill_not_startable'), drillId: drillId.nullable() }),
  z.object({ kind: z.literal('drill_ended_while_applying'), drillId }),
  z.object({ kind: z.literal('drill_fault_not_applied'), drillId, message: z.string() }),
  z.object({ kind: z.literal('drill_started_meanwhile'), drillId }),
  z.object({ kind: z.literal('drill_not_running'), drillId, status: z.enum(DRILL_STATUSES) }),
  z.object({ kind: z.literal('drill_ended_meanwhile'), drillId }),
  z.object({ kind: z.literal('unknown_drill'), drillId: drillId.nullable() }),
  z.object({ kind: z.literal('drill_not_scored'), drillId }),
  z.object({ kind: z.literal('rating_out_of_range'), rating: z.number(), min: z.number(), max: z.number() }),
  z.object({ kind: z.literal('unknown_scenario'), scenario: z.string(), known: z.array(z.string()) }),
  z.object({ kind: z.literal('no_drill_service') }),
  z.object({ kind: z.literal('drill_service_unconfigured'), service }),
  z.object({ kind: z.literal('drill_not_allowed'), service }),
  z.object({ kind: z.literal('injector_unavailable'), problem: INJECTOR_PROBLEM }),
  z.object({ kind: z.literal('drill_refused'), service, reason: z.string(), reasonJa: z.string() }),
]) satisfies z.ZodType<DrillRefusal>;

export const drillEndingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cancelled'), by: z.string() }),
  z.object({ kind: z.literal('aborted'), by: z.string() }),
  z.object({ kind: z.literal('apply_failed'), message: z.string() }),
  z.object({ kind: z.literal('restarted') }),
  z.object({ kind: z.literal('not_recovered'), maxDurationMs: z.number() }),
  z.object({ kind: z.literal('rescheduled'), nextAt: z.number() }),
  z.object({ kind: z.literal('missed'), dueAt: z.number() }),
  z.object({ kind: z.literal('not_run'), refusal: drillRefusalSchema }),
  z.object({ kind: z.literal('recorded'), text: z.string() }),
]) satisfies z.ZodType<DrillEnding>;
