/**
 * Every fact and every failure a rollback step can report, rendered as the thread notice in English
 * and Japanese: Japanese has no English left but names, units and versions; English keeps the
 * words the thread always showed. The tables are typed by kind, so a kind added to StepFact,
 * StepFailure or StepTitle without a row here fails the type check.
 */
import { describe, expect, it } from 'vitest';
import { noteMessage } from '../../../src/adapters/slack/blocks/notes.ts';
import type { Locale } from '../../../src/adapters/slack/i18n/locale.ts';
import type { KubeProblem } from '../../../src/domain/kube-problem.ts';
import type { FinishReason, KubeCall, StepFact, StepFailure, StepTitle } from '../../../src/domain/step-facts.ts';
import { englishWords } from '../../support/no-english.ts';
import { NAMES, renderStep as render, ROLLBACK } from './step-note.ts';

const AT = Date.UTC(2026, 0, 5, 9, 0, 0);
const SPLIT = { 'v2.0.0': 25, 'v1.5.0': 75 };

const LEADER_CHANGED: KubeProblem = {
  kind: 'http',
  action: 'PATCH of',
  target: 'HTTPRoute prompts/prompt-service',
  status: 500,
  reason: 'InternalError',
  message: 'etcdserver: leader changed',
};

const FAILURES: Record<StepFailure['kind'], StepFailure> = {
  read_back_mismatch: { kind: 'read_back_mismatch', back: SPLIT, wanted: { 'v2.0.0': 0, 'v1.5.0': 100 } },
  no_ready_endpoints: { kind: 'no_ready_endpoints', version: 'v1.5.0', service: 'prompt-service' },
  not_recovered: { kind: 'not_recovered', windowMs: 5 * 60_000, version: 'v1.5.0', breaching: ['error_rate > 10%'] },
  canary_not_from_stable: { kind: 'canary_not_from_stable', split: SPLIT, stable: 'v1.5.0' },
  serving_unknown: { kind: 'serving_unknown', service: 'prompt-service' },
  from_unknown: { kind: 'from_unknown' },
  kube_call_failed: {
    kind: 'kube_call_failed',
    call: { op: 'read_back', service: 'prompt-service' },
    attempts: 3,
    problem: LEADER_CHANGED,
  },
  kube_error: {
    kind: 'kube_error',
    call: { op: 'write_routing', service: 'prompt-service', split: { 'v1.5.0': 100 } },
    message: 'set prompt-service routing to v1.5.0 100% failed (after 3 attempts): etcdserver: request timed out',
  },
  unexpected: { kind: 'unexpected', message: 'SQLITE_BUSY: database is locked' },
};

const ARGO = { tool: 'argocd', application: 'prompt-service', namespace: 'argocd', source: 'label' } as const;
const FLUX = {
  tool: 'flux',
  kind: 'HelmRelease',
  name: 'prompt-service',
  namespace: 'prompts',
  source: 'label',
} as const;

const FACTS: Record<StepFact['kind'], StepFact[]> = {
  gitops_owner: [
    { kind: 'gitops_owner', owner: ARGO, selfHeal: true },
    { kind: 'gitops_owner', owner: ARGO, selfHeal: false },
    { kind: 'gitops_owner', owner: FLUX, selfHeal: true },
  ],
  gitops_paused: [
    { kind: 'gitops_paused', owner: ARGO, already: false },
    { kind: 'gitops_paused', owner: FLUX, already: true },
    { kind: 'gitops_paused', owner: ARGO, already: true, heldBy: 'RB-20260105-001' },
  ],
  gitops_left_on: [{ kind: 'gitops_left_on', owner: ARGO }],
  version_affected: [{ kind: 'version_affected', version: 'v2.0.0' }],
  stable: [{ kind: 'stable', version: 'v1.5.0' }],
  fix: [{ kind: 'fix', version: 'v2.0.1' }],
  traffic_now: [
    { kind: 'traffic_now', split: SPLIT },
    { kind: 'traffic_now', split: { 'v2.0.0': 0 } },
  ],
  traffic_set: [{ kind: 'traffic_set', split: SPLIT }],
  read_back: [{ kind: 'read_back', split: SPLIT }],
  metrics: [
    { kind: 'metrics', sample: { error_rate: 0.072, p95_latency: 1500 }, version: null, now: true },
    // The team's own metrics, in the units the fact carries for them.
    {
      kind: 'metrics',
      sample: { cost_per_request: 0.0315, error_rate: 0.004, eval_score: 0.82, first_token_latency: 2600 },
      units: { cost_per_request: 'usd', eval_score: 'score', first_token_latency: 'ms' },
      version: 'v2.0.1',
      now: true,
    },
    { kind: 'metrics', sample: {}, version: 'v2.0.1', now: false },
    { kind: 'metrics', sample: null, version: 'v1.5.0', now: true },
    { kind: 'metrics', sample: null, version: null, now: false },
  ],
  fired: [{ kind: 'fired', metrics: ['error_rate', 'availability'] }],
  phases_skipped: [{ kind: 'phases_skipped', weights: [50, 25], from: 'v2.0.0', startWeight: 20 }],
  kube_trouble: [
    {
      kind: 'kube_trouble',
      retriedAfter: [{ kind: 'other', message: 'etcdserver: leader changed', status: 500 }],
      landedUnanswered: { after: { kind: 'no_answer', withinMs: 15_000 } },
      conflicts: 2,
    },
    { kind: 'kube_trouble', retriedAfter: [], landedUnanswered: { after: null }, conflicts: 0 },
  ],
  dry_run_change: [
    {
      kind: 'dry_run_change',
      method: 'PATCH',
      target: 'Service prompts/prompt-service',
      body: { spec: { selector: { version: 'v1.5.0' } } },
    },
  ],
  changes_sent: [
    { kind: 'changes_sent', changes: [{ method: 'PATCH', target: 'VirtualService prompts/prompt-service' }] },
    { kind: 'changes_sent', changes: [] },
  ],
  ready_endpoints: [{ kind: 'ready_endpoints', count: 3, version: 'v1.5.0' }],
  abort_if_unchecked: [{ kind: 'abort_if_unchecked' }],
  abort_if_held: [
    { kind: 'abort_if_held', metric: 'error_rate', version: 'v2.0.0', value: 0.072, condition: 'error_rate > 5%' },
    { kind: 'abort_if_held', metric: 'error_rate', version: 'v2.0.1', value: null, condition: 'error_rate > 5%' },
    {
      kind: 'abort_if_held',
      metric: 'cost_per_request',
      unit: 'usd',
      version: 'v2.0.1',
      value: 0.031,
      condition: 'cost_per_request > $0.02',
    },
  ],
  not_healthy: [
    { kind: 'not_healthy', windowMs: 10 * 60_000, version: 'v2.0.1', breaching: ['error_rate > 10%'] },
    { kind: 'not_healthy', windowMs: 10 * 60_000, version: 'v2.0.1', breaching: [] },
  ],
  stopped_by: [{ kind: 'stopped_by', by: 'U0LEAD' }],
  error: Object.values(FAILURES).map((failure): StepFact => ({ kind: 'error', failure })),
  next: [
    { kind: 'next', next: { kind: 'straight_to_zero' } },
    { kind: 'next', next: { kind: 'canary_back', stable: 'v1.5.0' } },
    { kind: 'next', next: { kind: 'canary_back', stable: null } },
  ],
  verification_skipped: [{ kind: 'verification_skipped' }],
  verdict: [
    { kind: 'verdict', recovered: true },
    { kind: 'verdict', recovered: false },
  ],
  incident: [
    { kind: 'incident', id: 'INC-20260105-001' },
    { kind: 'incident', id: null },
  ],
  recovery: [
    { kind: 'recovery', confirmedByMetrics: true },
    { kind: 'recovery', confirmedByMetrics: false },
  ],
  stakeholders_notified: [{ kind: 'stakeholders_notified' }],
  post_mortem: [{ kind: 'post_mortem', at: AT }],
  fix_serves_all: [{ kind: 'fix_serves_all', version: 'v2.0.1' }],
  health: [
    { kind: 'health', confirmedByMetrics: true },
    { kind: 'health', confirmedByMetrics: false },
  ],
  stop_reason: [
    { kind: 'stop_reason', cause: { kind: 'stopped_by', by: 'U0LEAD' } },
    { kind: 'stop_reason', cause: { kind: 'error', failure: FAILURES.read_back_mismatch } },
  ],
  recorded_reason: [{ kind: 'recorded_reason', line: 'stopped by U0LEAD' }],
};

const TITLES: Record<StepTitle['kind'], StepTitle> = {
  confirm: { kind: 'confirm' },
  switch: { kind: 'switch' },
  set_weight: { kind: 'set_weight', weight: 25 },
  canary_weight: { kind: 'canary_weight', percent: 1 },
  back_to_stable: { kind: 'back_to_stable' },
  observe: { kind: 'observe', observeMs: 10 * 60_000 },
  verify: { kind: 'verify' },
  post_actions: { kind: 'post_actions' },
  gitops: { kind: 'gitops', onRollback: 'pause' },
  canary_stopped: { kind: 'canary_stopped' },
  canary: { kind: 'canary' },
};

const FINISH_REASONS: Record<FinishReason['kind'], FinishReason[]> = {
  dry_run: [{ kind: 'dry_run' }],
  stopped_in_place: [{ kind: 'stopped_in_place', by: 'U0LEAD' }],
  canary_back: [
    { kind: 'canary_back', cause: { kind: 'stopped_by', by: 'U0LEAD' }, line: 'stopped by U0LEAD', stable: 'v1.5.0' },
    { kind: 'canary_back', cause: null, line: 'stopped by U0LEAD', stable: null },
  ],
  failed: [{ kind: 'failed', failure: FAILURES.no_ready_endpoints }],
  superseded: [{ kind: 'superseded', incidentId: 'INC-20260105-002', service: 'prompt-service' }],
  not_started: [
    {
      kind: 'not_started',
      problem: { kind: 'no_ready_replicas', service: 'prompt-service', version: 'v1.5.0', desired: 3 },
    },
    { kind: 'not_started', problem: { kind: 'error', message: 'HTTP 503: Service Unavailable' } },
    {
      kind: 'not_started',
      problem: {
        kind: 'kube_call_failed',
        call: { op: 'read_deployment', version: 'v1.5.0' },
        attempts: null,
        problem: LEADER_CHANGED,
      },
    },
  ],
};

describe('rollback step facts in both languages', () => {
  it.each(Object.entries(FACTS))(
    '%s: Japanese has no English words left, English is worded as before',
    (_kind, facts) => {
      for (const fact of facts) {
        const ja = render([fact], 'ja');
        expect(englishWords(ja, NAMES), ja).toEqual([]);
        expect(render([fact], 'en')).toMatch(/\n• [^:]+: \S/);
      }
    },
  );

  it('every step title is said in Japanese; English keeps the stored name', () => {
    for (const title of Object.values(TITLES)) {
      const ja = render([], 'ja', title, 'stored name');
      expect(englishWords(ja, NAMES), ja).toEqual([]);
      expect(render([], 'en', title, 'stored name')).toContain('*stored name*');
    }
  });

  it('English keeps the words the thread showed before the facts became data', () => {
    const en = (fact: StepFact) => render([fact], 'en').split('\n').at(-1);
    expect(en({ kind: 'traffic_now', split: SPLIT })).toBe('• traffic now: v2.0.0 25% / v1.5.0 75%');
    expect(en({ kind: 'traffic_now', split: { 'v2.0.0': 0 } })).toBe('• traffic now: no traffic');
    expect(en({ kind: 'metrics', sample: null, version: null, now: true })).toBe('• metrics now: not measured');
    expect(en({ kind: 'metrics', sample: {}, version: 'v2.0.1', now: false })).toBe(
      '• metrics of v2.0.1: no metric could be read',
    );
    expect(en({ kind: 'phases_skipped', weights: [25], from: 'v2.0.0', startWeight: 20 })).toBe(
      '• phases skipped: 25%: v2.0.0 has 20% already',
    );
    expect(en(FACTS.kube_trouble[1] as StepFact)).toBe(
      '• Kubernetes API: no answer, yet the change had landed: read back, not sent again',
    );
    expect(en(FACTS.kube_trouble[0] as StepFact)).toBe(
      '• Kubernetes API: retried after HTTP 500: etcdserver: leader changed; ' +
        'no answer within 15s, yet the change had landed: read back, not sent again; ' +
        '2 × 409 Conflict (another writer changed the object): re-read and applied on top of its change',
    );
    expect(en({ kind: 'verdict', recovered: true })).toBe('• verdict: recovered');
    expect(en({ kind: 'next', next: { kind: 'straight_to_zero' } })).toBe('• next: straight to 0% on the new version');
    expect(en({ kind: 'next', next: { kind: 'canary_back', stable: null } })).toBe(
      '• next: canary back to 0%: all traffic on the stable version',
    );
    expect(en(FACTS.abort_if_held[0] as StepFact)).toBe(
      '• abortIf held: error_rate of v2.0.0 7.2% (abortIf: error_rate &gt; 5%)',
    );
    expect(en(FACTS.abort_if_held[2] as StepFact)).toBe(
      '• abortIf held: cost_per_request of v2.0.1 $0.031 (abortIf: cost_per_request &gt; $0.02)',
    );
    expect(en(FACTS.metrics[1] as StepFact)).toBe(
      '• metrics of v2.0.1 now: error_rate 0.4%, cost_per_request $0.0315, eval_score 0.82, first_token_latency 2600ms',
    );
    expect(
      render([FACTS.metrics[1] as StepFact], 'ja')
        .split('\n')
        .at(-1),
    ).toContain('error_rate 0.4%、cost_per_request $0.0315、eval_score 0.82、first_token_latency 2600ms');
    expect(en({ kind: 'changes_sent', changes: [] })).toBe('• changes sent: none needed (already set)');
    expect(en({ kind: 'stopped_by', by: 'U0LEAD' })).toBe('• stopped: stopped by U0LEAD');
  });

  it('every failure: English is the line stored as the error, Japanese is Japanese', () => {
    const en = (failure: StepFailure) =>
      render([{ kind: 'error', failure }], 'en')
        .split('\n')
        .at(-1);
    expect(en(FAILURES.read_back_mismatch)).toBe(
      '• error: routing read back as v2.0.0 25% / v1.5.0 75%, expected v1.5.0 100%',
    );
    expect(en(FAILURES.no_ready_endpoints)).toBe(
      '• error: no ready endpoints of v1.5.0 behind prompt-service after the switch',
    );
    expect(en(FAILURES.not_recovered)).toBe('• error: not recovered after 5m on v1.5.0: error_rate &gt; 10%');
    expect(en(FAILURES.canary_not_from_stable)).toContain(
      'not all traffic on v1.5.0: a canary starts from the stable version. Nothing was changed',
    );
    expect(en(FAILURES.serving_unknown)).toBe('• error: cannot tell which version of prompt-service is serving');
    expect(en(FAILURES.kube_error)).toContain('failed (after 3 attempts): etcdserver: request timed out');
    for (const failure of Object.values(FAILURES)) {
      const ja = render([{ kind: 'error', failure }], 'ja');
      expect(englishWords(ja, NAMES), ja).toEqual([]);
      expect(ja).toContain('エラー');
    }
  });

  it('a failed GitOps call: English names the owner, Japanese is Japanese', () => {
    const calls: KubeCall[] = [
      { op: 'read_gitops', service: 'prompt-service' },
      { op: 'pause_gitops', target: 'Application argocd/prompt-service' },
      { op: 'resume_gitops', target: 'Kustomization flux-system/apps' },
    ];
    const failed = (call: KubeCall): StepFailure => ({
      kind: 'kube_call_failed',
      call,
      attempts: 3,
      problem: { ...LEADER_CHANGED, target: 'Application argocd/prompt-service' },
    });
    const en = calls.map((call) => render([{ kind: 'error', failure: failed(call) }], 'en'));
    expect(en[0]).toContain('read who manages prompt-service routing from git failed (after 3 attempts)');
    expect(en[1]).toContain('pause the sync of Application argocd/prompt-service failed');
    expect(en[2]).toContain('resume the sync of Kustomization flux-system/apps failed');
    for (const call of calls) {
      const ja = render([{ kind: 'error', failure: failed(call) }], 'ja');
      expect(englishWords(ja, NAMES), ja).toEqual([]);
    }
  });

  it('why a rollback ended: English as the timeline keeps it, Japanese is Japanese', () => {
    const finish = (why: FinishReason, locale: Locale) =>
      noteMessage(
        { kind: 'rollback_finished', rollback: ROLLBACK, outcome: 'aborted', reason: 'the English line', why },
        locale,
        'Asia/Tokyo',
      ).text;
    for (const why of Object.values(FINISH_REASONS).flat()) {
      const ja = finish(why, 'ja');
      expect(englishWords(ja, NAMES), ja).toEqual([]);
    }
    expect(finish({ kind: 'dry_run' }, 'en')).toContain(
      'Reason: dry run: no change was sent to the cluster, traffic did not move',
    );
    expect(finish({ kind: 'stopped_in_place', by: 'U0LEAD' }, 'en')).toContain(
      'Reason: stopped by U0LEAD; traffic stays as it is now',
    );
    expect(finish(FINISH_REASONS.canary_back[0] as FinishReason, 'en')).toContain(
      'Reason: stopped by U0LEAD; all traffic is back on v1.5.0',
    );
    expect(finish({ kind: 'superseded', incidentId: 'INC-20260105-002', service: 'prompt-service' }, 'en')).toContain(
      'Reason: cancelled before it started: INC-20260105-002 needs a rollback of prompt-service',
    );
    const [noReplicas, refused] = FINISH_REASONS.not_started as [FinishReason, FinishReason];
    expect(finish(noReplicas, 'en')).toContain(
      'Reason: prompt-service v1.5.0 has no ready replicas (0 of 3): switching traffic to it would be an outage.',
    );
    expect(finish(noReplicas, 'ja')).toContain('prompt-service の v1.5.0 に準備完了のレプリカがありません（0/3）');
    expect(finish(refused, 'en')).toContain('Reason: HTTP 503: Service Unavailable');
    expect(finish(refused, 'ja')).toContain('開始できませんでした: `HTTP 503: Service Unavailable`');
  });
});
