/**
 * Every refusal kind, once: rendered for Slack in English and Japanese, and as the plain line the
 * command line and the logs use. The table is keyed by kind, so a new kind without an example does
 * not compile.
 */
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn } from '../../../src/adapters/slack/blocks/format.ts';
import { refusalText } from '../../../src/adapters/slack/blocks/refusals.ts';
import type { Refusal as ViewRefusal } from '../../../src/adapters/slack/blocks/view-models.ts';
import type { RollbackStrategy } from '../../../src/domain/rollback-record.ts';
import type { RollbackControl } from '../../../src/services/ports.ts';
import { refusalLine, type ApproverAction, type Refusal } from '../../../src/services/refusals.ts';
import { englishWords } from '../../support/no-english.ts';
import { makeRollback } from '../blocks/support.ts';

type Examples = { [K in Refusal['kind']]: Extract<Refusal, { kind: K }>[] };

const SVC = 'prompt-service';
const CONTROLS: readonly RollbackControl[] = ['pause', 'resume', 'abort'];
const STRATEGIES: readonly RollbackStrategy[] = ['immediate', 'gradual', 'planned', 'canary'];
/** Every kind of action an approver is needed for, once (each strategy and each control too). */
const APPROVER_ACTIONS: ApproverAction[] = [
  ...STRATEGIES.map((strategy): ApproverAction => ({ kind: 'rollback', strategy })),
  { kind: 'approve_rollback' },
  ...CONTROLS.map((control): ApproverAction => ({ kind: 'control', control })),
  { kind: 'canary' },
  { kind: 'run_drill' },
  { kind: 'abort_drill' },
  { kind: 'resolve_incident' },
  { kind: 'resume_gitops' },
  { kind: 'reapply_drift' },
  { kind: 'accept_drift' },
];
const EXAMPLES: Examples = {
  not_approver: [
    ...APPROVER_ACTIONS.map((action): Extract<Refusal, { kind: 'not_approver' }> => ({
      kind: 'not_approver',
      action,
      approvers: ['U0LEAD'],
    })),
    { kind: 'not_approver', action: { kind: 'resolve_incident' }, approvers: [] },
  ],
  same_approver: [{ kind: 'same_approver', rollbackId: 'RB-0001' }],
  rollback_running: [{ kind: 'rollback_running', rollbackId: 'RB-0001' }],
  incident_resolved: [{ kind: 'incident_resolved', incidentId: 'INC-20260105-001' }],
  unknown_incident: [{ kind: 'unknown_incident', incidentId: 'INC-20260105-404' }],
  no_open_incident: [
    { kind: 'no_open_incident', service: SVC },
    { kind: 'no_open_incident', service: null },
  ],
  several_open_incidents: [{ kind: 'several_open_incidents', ids: ['INC-20260105-001', 'INC-20260105-002'] }],
  no_rollback: [{ kind: 'no_rollback', service: SVC }],
  already_paused: [{ kind: 'already_paused', rollbackId: 'RB-0001' }],
  not_paused: [{ kind: 'not_paused', rollbackId: 'RB-0001' }],
  gitops_not_paused: [{ kind: 'gitops_not_paused', rollbackId: 'RB-0001' }],
  gitops_failed: [
    {
      kind: 'gitops_failed',
      target: 'Application argocd/prompt-service',
      message: 'applications.argoproj.io "prompt-service" is forbidden',
    },
  ],
  unknown_drift: [{ kind: 'unknown_drift', driftId: 404 }],
  drift_settled: [{ kind: 'drift_settled', driftId: 7 }],
  drift_superseded: [{ kind: 'drift_superseded', driftId: 7 }],
  drift_reapply_failed: [{ kind: 'drift_reapply_failed', message: 'etcdserver: leader changed' }],
  not_started: [{ kind: 'not_started', rollbackId: 'RB-0001' }],
  already_serving: [{ kind: 'already_serving', service: SVC, version: 'v2.0.0' }],
  illegal_transition: [
    { kind: 'illegal_transition', incidentId: 'INC-20260105-001', from: 'resolved', to: 'rolling_back' },
  ],
  no_target_version: [{ kind: 'no_target_version', service: SVC, fromVersion: 'v1.0.0', known: ['v2.0.0', 'v1.0.0'] }],
  engine_unavailable: [
    {
      kind: 'engine_unavailable',
      what: { kind: 'rollback', strategy: 'gradual', service: SVC, from: 'v2.0.0', to: 'v1.5.0' },
    },
    {
      kind: 'engine_unavailable',
      what: { kind: 'rollback', strategy: 'immediate', service: SVC, from: null, to: 'v1.5.0' },
    },
    { kind: 'engine_unavailable', what: { kind: 'canary', service: SVC } },
    ...CONTROLS.map((control): Extract<Refusal, { kind: 'engine_unavailable' }> => ({
      kind: 'engine_unavailable',
      what: { kind: 'control', control, rollbackId: 'RB-0001' },
    })),
  ],
  unknown_service: [{ kind: 'unknown_service', service: 'ghost', known: [SVC] }],
  unknown_version: [{ kind: 'unknown_version', service: SVC, version: 'v9.9.9', known: ['v2.0.0'] }],
  service_mismatch: [{ kind: 'service_mismatch', incidentId: 'INC-20260105-001', service: SVC, shown: 'checkout' }],
  plan_changed: [
    {
      kind: 'plan_changed',
      service: SVC,
      strategy: 'gradual',
      changes: [{ field: 'to', shown: 'v1.5.0', now: 'v1.0.0' }],
    },
  ],
  dialog_unreadable: [{ kind: 'dialog_unreadable', dialog: 'confirm' }],
  planned_time: [{ kind: 'planned_time', service: SVC, at: Date.UTC(2026, 0, 5, 9), problem: 'too_far', maxDays: 7 }],
  gradual_not_possible: [{ kind: 'gradual_not_possible', service: SVC, router: 'service-selector' }],
  canary_not_possible: [{ kind: 'canary_not_possible', service: SVC, router: 'service-selector' }],
  canary_too_early: [{ kind: 'canary_too_early', incidentId: 'INC-20260105-001', status: 'rolling_back' }],
  other_incident_open: [{ kind: 'other_incident_open', incidentId: 'INC-20260105-002', service: SVC }],
  serving_unknown: [{ kind: 'serving_unknown', service: SVC }],
  no_fix_version: [{ kind: 'no_fix_version', service: SVC }],
  fix_is_serving: [{ kind: 'fix_is_serving', service: SVC, version: 'v2.0.0' }],
  fix_is_bad_version: [{ kind: 'fix_is_bad_version', incidentId: 'INC-20260105-001', version: 'v2.0.0' }],
  unknown_rollback: [{ kind: 'unknown_rollback', rollbackId: 'RB-0009' }],
  start_failed: [
    {
      kind: 'start_failed',
      what: 'canary',
      problem: { kind: 'error', message: 'HTTP 503' },
    },
    {
      kind: 'start_failed',
      what: 'rollback',
      problem: { kind: 'no_ready_replicas', service: SVC, version: 'v1.5.0', desired: 2 },
    },
  ],
  drill_button_unnamed: [{ kind: 'drill_button_unnamed' }],
  not_an_answer: [{ kind: 'not_an_answer', question: 'userImpact', value: 'everyone' }],
  unknown_checklist: [{ kind: 'unknown_checklist' }],
  drill_incident_open: [{ kind: 'drill_incident_open', incidentId: 'INC-20260105-001', service: SVC }],
  drill_already_running: [{ kind: 'drill_already_running', drillId: 'DRILL-20260401-001' }],
  drill_rollback_active: [{ kind: 'drill_rollback_active', rollbackId: 'RB-0001', service: SVC }],
  drill_not_startable: [
    { kind: 'drill_not_startable', drillId: 'DRILL-20260401-001' },
    { kind: 'drill_not_startable', drillId: null },
  ],
  drill_ended_while_applying: [{ kind: 'drill_ended_while_applying', drillId: 'DRILL-20260401-001' }],
  drill_fault_not_applied: [{ kind: 'drill_fault_not_applied', drillId: 'DRILL-20260401-001', message: 'HTTP 422' }],
  drill_started_meanwhile: [{ kind: 'drill_started_meanwhile', drillId: 'DRILL-20260401-001' }],
  drill_not_running: [{ kind: 'drill_not_running', drillId: 'DRILL-20260401-001', status: 'completed' }],
  drill_ended_meanwhile: [{ kind: 'drill_ended_meanwhile', drillId: 'DRILL-20260401-001' }],
  unknown_drill: [
    { kind: 'unknown_drill', drillId: 'DRILL-20990101-001' },
    { kind: 'unknown_drill', drillId: null },
  ],
  drill_not_scored: [{ kind: 'drill_not_scored', drillId: 'DRILL-20260401-001' }],
  rating_out_of_range: [{ kind: 'rating_out_of_range', rating: 7, min: 1, max: 5 }],
  unknown_scenario: [
    { kind: 'unknown_scenario', scenario: 'meteor-strike', known: ['high-error-rate', 'latency-spike'] },
  ],
  no_drill_service: [{ kind: 'no_drill_service' }],
  drill_service_unconfigured: [{ kind: 'drill_service_unconfigured', service: 'ghost' }],
  drill_not_allowed: [{ kind: 'drill_not_allowed', service: SVC }],
  injector_unavailable: [
    { kind: 'injector_unavailable', problem: { kind: 'needs_kubernetes' } },
    { kind: 'injector_unavailable', problem: { kind: 'needs_simulated_metrics' } },
    { kind: 'injector_unavailable', problem: { kind: 'not_set_up' } },
    { kind: 'injector_unavailable', problem: { kind: 'other', message: 'HTTP 404' } },
  ],
  drill_refused: [
    {
      kind: 'drill_refused',
      service: SVC,
      reason: 'VirtualService prompts/checkout belongs to checkout',
      reasonJa: 'VirtualService prompts/checkout は checkout のものです',
    },
  ],
};

/** Names in the examples: they stay as they are in Japanese text. */
const NAMES = [
  SVC,
  'service-selector',
  'ghost',
  'checkout',
  'everyone',
  'meteor-strike',
  'high-error-rate',
  'latency-spike',
  'prompts',
  'Asia',
  'Tokyo',
  'etcdserver',
  'leader',
];

/** Fields whose value the sentence shows as a term of its own (a label, a status), not as given. */
const SHOWN_AS_TERM = new Set([
  'kind',
  'action',
  'strategy',
  'control',
  'from',
  'to',
  'status',
  'dialog',
  'question',
  'problem',
  'at',
  'changes',
  'reasonJa',
]);

/** The facts an English sentence must name: every id, name and number the refusal carries. */
function facts(r: Refusal): string[] {
  // Slack shows a running rollback by its service and state (view below), not by its id.
  if (r.kind === 'rollback_running') return [makeRollback().service];
  return factsOf(r);
}

/** The facts of a record and of the records inside it (what the engine would have run). */
function factsOf(record: object): string[] {
  return Object.entries(record).flatMap(([field, value]: [string, unknown]) => {
    if (SHOWN_AS_TERM.has(field) || value === null) return [];
    if (typeof value === 'object' && !Array.isArray(value)) return factsOf(value);
    const values: unknown[] = Array.isArray(value) ? value : [value];
    return values.map((v) => escapeMrkdwn(String(v)));
  });
}

/** The Slack view of a refusal: a running rollback is shown with its state. */
const view = (r: Refusal): ViewRefusal =>
  r.kind === 'rollback_running' ? { kind: 'rollback_running', rollback: makeRollback({ id: r.rollbackId }) } : r;

const all = Object.values(EXAMPLES).flat() as Refusal[];

describe('every refusal kind', () => {
  for (const r of all) {
    it(`${r.kind}: a sentence in English and natural Japanese, and a plain line`, () => {
      const en = refusalText(view(r), 'en', 'Asia/Tokyo');
      const ja = refusalText(view(r), 'ja', 'Asia/Tokyo');
      expect(en.split(/\s+/).length).toBeGreaterThan(5);
      expect(en).toMatch(/[.:)`]$/);
      for (const fact of facts(r)) expect(en).toContain(fact);
      expect(englishWords(ja, NAMES)).toEqual([]);
      expect(ja).not.toContain('エラーが発生しました');
      expect(ja).not.toBe(en);
      const line = refusalLine(r);
      expect(line).not.toBe(r.kind);
      expect(line.split(/\s+/).length).toBeGreaterThan(3);
    });
  }
});
