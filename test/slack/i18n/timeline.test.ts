/**
 * Every kind of timeline line, shown in Japanese: the `/incident timeline` answer and the RCA draft
 * say what happened in words, with no English event names or detail keys left. The table of examples
 * is typed over every kind, so a new kind without an example fails to compile.
 */
import { describe, expect, it } from 'vitest';
import { timelineText } from '../../../src/adapters/slack/blocks/answers.ts';
import { rcaMarkdown } from '../../../src/domain/rca.ts';
import type { FinishReason } from '../../../src/domain/step-facts.ts';
import type { NewTimelineEvent, TimelineKind } from '../../../src/domain/timeline.ts';
import type { CanaryCancelReason, EscalationReason, StatusReason } from '../../../src/domain/timeline-reasons.ts';
import type { Actor, Incident } from '../../../src/domain/types.ts';
import { englishWords } from '../../support/no-english.ts';

const T0 = Date.UTC(2026, 0, 5, 9);
const ZONE = 'Asia/Tokyo';
const LEAD: Actor = { kind: 'user', id: 'U0LEAD' };
const system = (id: string): Actor => ({ kind: 'system', id });
const RB = 'RB-20260105-001';

type Examples = { [K in TimelineKind]: Extract<NewTimelineEvent, { kind: K }> };

const at = (minutes: number) => T0 + minutes * 60_000;

/** One line of every kind, with the details its writers give it. */
const EXAMPLES: Examples = {
  detected: {
    at: at(0),
    kind: 'detected',
    actor: { kind: 'bot', id: 'rewind' },
    detail: {
      service: 'prompt-service',
      version: 'v2.0.0',
      severity: 'warning',
      title: '回答が英語で返ってくる',
      drill: true,
      breaches: [{ metric: 'error_rate', op: '>', threshold: 0.05, value: 0.072 }],
      declared: true,
      drillId: 'DRILL-20260105-001',
    },
  },
  status: {
    at: at(1),
    kind: 'status',
    actor: system('rollback-engine'),
    from: 'rolling_back',
    to: 'resolved',
    detail: {
      rollbackId: RB,
      strategy: 'gradual',
      tier: 'critical',
      declared: true,
      action: 'fix',
      reason: { kind: 'recovered_after_rollback' },
      error: '接続が切れました',
    },
  },
  ack: { at: at(2), kind: 'ack', actor: LEAD, detail: { status: 'awaiting_decision' } },
  severity: {
    at: at(3),
    kind: 'severity',
    actor: { kind: 'bot', id: 'rewind' },
    detail: { from: 'warning', to: 'critical' },
  },
  posted: {
    at: at(4),
    kind: 'posted',
    actor: system('slack'),
    detail: { channel: 'C0INCIDENT', ts: '1767603600.000100' },
  },
  stakeholder_notice: {
    at: at(5),
    kind: 'stakeholder_notice',
    actor: system('post-actions'),
    detail: { channel: 'C0STAKEHOLDERS', ts: '1767603600.000200' },
  },
  alert: {
    at: at(6),
    kind: 'alert',
    actor: system('alertmanager'),
    detail: { fingerprint: '3f2a9c1', severity: 'critical', summary: 'エラー率が上昇', status: 'firing' },
  },
  trigger: {
    at: at(7),
    kind: 'trigger',
    actor: { kind: 'bot', id: 'rewind' },
    detail: { tier: 'critical', version: 'v2.0.0', breaches: [] },
  },
  tier_cleared: {
    at: at(8),
    kind: 'tier_cleared',
    actor: { kind: 'bot', id: 'rewind' },
    detail: { tier: 'watch', version: null },
  },
  assessment: {
    at: at(9),
    kind: 'assessment',
    actor: LEAD,
    detail: {
      userImpact: 'all',
      businessImpact: 'high',
      fixTime: 'long',
      recommended: 'immediate',
      rule: 0,
      matrixRecommended: 'gradual',
      insteadBecause: 'moves_at_once',
    },
  },
  decision: { at: at(10), kind: 'decision', actor: LEAD, detail: { action: 'next_release', recommended: 'gradual' } },
  rollback_requested: {
    at: at(11),
    kind: 'rollback_requested',
    actor: LEAD,
    detail: { rollbackId: RB, strategy: 'planned', from: 'v2.0.0', to: 'v1.5.0' },
  },
  canary_requested: {
    at: at(12),
    kind: 'canary_requested',
    actor: LEAD,
    detail: { rollbackId: RB, from: null, to: 'v2.0.1', steps: [1, 5, 25, 50, 100] },
  },
  canary_cancelled: {
    at: at(13),
    kind: 'canary_cancelled',
    actor: LEAD,
    detail: {
      rollbackId: RB,
      reason: { kind: 'superseded', incidentId: 'INC-20260105-002', service: 'prompt-service' },
    },
  },
  approval: { at: at(14), kind: 'approval', actor: LEAD, detail: { rollbackId: RB, have: 1, need: 2 } },
  rollback_scheduled: {
    at: at(15),
    kind: 'rollback_scheduled',
    actor: system('rollbacks'),
    detail: { rollbackId: RB, at: at(120) },
  },
  rollback_started: {
    at: at(16),
    kind: 'rollback_started',
    actor: LEAD,
    detail: { rollbackId: RB, from: 'v2.0.0', to: 'v1.5.0', strategy: 'immediate' },
  },
  canary_started: {
    at: at(17),
    kind: 'canary_started',
    actor: LEAD,
    detail: { rollbackId: RB, from: 'v1.5.0', to: 'v2.0.1', strategy: 'canary' },
  },
  rollback_succeeded: {
    at: at(18),
    kind: 'rollback_succeeded',
    actor: system('rollback-engine'),
    detail: { rollbackId: RB, reason: null },
  },
  rollback_failed: {
    at: at(19),
    kind: 'rollback_failed',
    actor: LEAD,
    detail: { rollbackId: RB, error: '接続が切れました' },
  },
  rollback_aborted: {
    at: at(20),
    kind: 'rollback_aborted',
    actor: system('rollback-engine'),
    detail: { rollbackId: RB, reason: { kind: 'stopped_in_place', by: 'U0LEAD' } },
  },
  canary_succeeded: {
    at: at(21),
    kind: 'canary_succeeded',
    actor: system('rollback-engine'),
    detail: { rollbackId: RB, reason: null },
  },
  canary_failed: {
    at: at(22),
    kind: 'canary_failed',
    actor: system('rollback-engine'),
    detail: { rollbackId: RB, reason: { kind: 'failed', failure: { kind: 'from_unknown' } } },
  },
  canary_aborted: {
    at: at(23),
    kind: 'canary_aborted',
    actor: system('rollback-engine'),
    detail: { rollbackId: RB, reason: { kind: 'recorded', text: '停止しました' } },
  },
  rollback_pause: { at: at(24), kind: 'rollback_pause', actor: LEAD, detail: { rollbackId: RB } },
  rollback_resume: { at: at(25), kind: 'rollback_resume', actor: LEAD, detail: { rollbackId: RB } },
  rollback_abort: { at: at(26), kind: 'rollback_abort', actor: LEAD, detail: { rollbackId: RB } },
  gitops_paused: {
    at: at(26),
    kind: 'gitops_paused',
    actor: system('rollback-engine'),
    detail: { rollbackId: RB, target: 'Application argocd/prompt-service', sent: false },
  },
  gitops_resumed: {
    at: at(26),
    kind: 'gitops_resumed',
    actor: LEAD,
    detail: { rollbackId: RB, target: 'Kustomization flux-system/apps' },
  },
  complaint: { at: at(27), kind: 'complaint', actor: LEAD, detail: { text: '回答が英語で返ってくる', complaintId: 7 } },
  escalation: {
    at: at(28),
    kind: 'escalation',
    actor: system('escalations'),
    detail: {
      level: 2,
      label: 'マネージャー',
      notify: ['U0MANAGER'],
      lateMs: 90_000,
      early: true,
      reason: {
        kind: 'engine_failed',
        noun: 'rollback',
        rollbackId: RB,
        failure: { kind: 'serving_unknown', service: 'prompt-service' },
      },
    },
  },
  postmortem_scheduled: {
    at: at(29),
    kind: 'postmortem_scheduled',
    actor: system('post-actions'),
    detail: { at: at(1500) },
  },
  checklist: { at: at(30), kind: 'checklist', actor: LEAD, detail: { list: 'fix_prep', checked: 3, of: 8 } },
  rca_drafted: { at: at(31), kind: 'rca_drafted', actor: LEAD, detail: {} },
};

const EVENTS: NewTimelineEvent[] = Object.values(EXAMPLES);

/** Names, not words: the service, the alert source, channel and user ids, the time zone. */
const NAMES = [
  'prompt-service',
  'alertmanager',
  'C0INCIDENT',
  'C0STAKEHOLDERS',
  'U0LEAD',
  'Asia/Tokyo',
  'Asia',
  'Tokyo',
];

const INCIDENT: Incident = {
  id: 'INC-20260105-001',
  service: 'prompt-service',
  version: 'v2.0.0',
  severity: 'critical',
  status: 'resolved',
  title: '回答が英語で返ってくる',
  drill: true,
  startedAt: T0,
  acknowledgedAt: at(2),
  acknowledgedBy: 'U0LEAD',
  resolvedAt: at(40),
  slackChannel: 'C0INCIDENT',
  slackTs: '1767603600.000100',
};

describe('the timeline in Japanese', () => {
  it('shows every kind of line with no English event names or detail keys', () => {
    // Line by line, so each kind is named when it leaves English behind (the answer is clipped as a whole).
    for (const event of EVENTS) {
      const text = timelineText(INCIDENT.id, [event], ZONE, 'ja');
      expect(englishWords(text, NAMES), `${event.kind}: ${text}`).toEqual([]);
    }
  });

  it('translates the record’s codes rather than printing them', () => {
    const text = timelineText(INCIDENT.id, EVENTS.slice(0, 12), ZONE, 'ja');
    expect(text).toContain(
      '*検知* Rewind — サービス: prompt-service、バージョン: v2.0.0、重大度: 警告、タイトル: 回答が英語で返ってくる、訓練、手動で宣言',
    );
    expect(text).toContain(
      '*ロールバック中 → 解決済み* ロールバックエンジン — ロールバック: RB-20260105-001、方式: 段階的ロールバック',
    );
    expect(text).toContain(
      '*判断マトリックスの回答* <@U0LEAD> — ユーザー影響: 全体、ビジネス影響: 高、修正見込み時間: 長、推奨: 即座ロールバック、ルール: 1',
    );
  });

  it('keeps the English answer in the record’s own words', () => {
    const text = timelineText(INCIDENT.id, [EXAMPLES.decision, EXAMPLES.status], ZONE, 'en');
    expect(text).toContain('*decision* <@U0LEAD> — action=next_release recommended=gradual');
    expect(text).toContain('*rolling_back → resolved* rollback-engine — rollbackId=RB-20260105-001 strategy=gradual');
  });
});

describe('the RCA draft in Japanese', () => {
  it('fills its timeline from every kind of line with no English words', () => {
    const markdown = rcaMarkdown({
      incident: INCIDENT,
      events: EVENTS,
      timezone: ZONE,
      locale: 'ja',
      affectedUsers: 1200,
    });
    expect(englishWords(markdown, NAMES)).toEqual([]);
    expect(markdown).toContain('| 18:00 | 検知: 回答が英語で返ってくる（警告） |');
    expect(markdown).toContain('| 18:10 | 判断: 次回リリースで修正（@U0LEAD） |');
    expect(markdown).toContain('| 18:18 | ロールバック成功 |');
  });
});

/** Every variant of a reason union, each with its examples: a new kind without one fails to compile. */
type ByKind<U extends { kind: string }> = { [K in U['kind']]: Array<Extract<U, { kind: K }>> };

const DRILL = 'DRILL-20260105-001';
const RB2 = 'RB-20260105-002';
const KUBE_MESSAGE = 'HTTP 503: upstream connect error';

const FINISH_REASONS: ByKind<FinishReason> = {
  dry_run: [{ kind: 'dry_run' }],
  stopped_in_place: [{ kind: 'stopped_in_place', by: 'U0LEAD' }],
  canary_back: [
    {
      kind: 'canary_back',
      cause: { kind: 'not_healthy', windowMs: 600_000, version: 'v2.0.1', breaching: ['error_rate 9% > 5%'] },
      line: 'not healthy after 10m on v2.0.1: error_rate 9% > 5%',
      stable: 'v1.5.0',
    },
    { kind: 'canary_back', cause: null, line: 'stopped by U0LEAD', stable: null },
  ],
  failed: [
    { kind: 'failed', failure: { kind: 'no_ready_endpoints', version: 'v1.5.0', service: 'prompt-service' } },
    {
      kind: 'failed',
      failure: { kind: 'kube_error', call: { op: 'read_routing', service: 'prompt-service' }, message: KUBE_MESSAGE },
    },
  ],
  superseded: [{ kind: 'superseded', incidentId: 'INC-20260105-002', service: 'prompt-service' }],
  not_started: [
    {
      kind: 'not_started',
      problem: { kind: 'no_ready_replicas', service: 'prompt-service', version: 'v1.5.0', desired: 2 },
    },
    { kind: 'not_started', problem: { kind: 'error', message: KUBE_MESSAGE } },
  ],
};

const STATUS_REASONS: ByKind<StatusReason> = {
  recovered_after_rollback: [{ kind: 'recovered_after_rollback' }],
  fix_deployed_as_canary: [{ kind: 'fix_deployed_as_canary', version: 'v2.0.1' }],
  drill_over: [
    { kind: 'drill_over', drillId: DRILL, ending: { kind: 'aborted', by: 'U0LEAD' }, status: 'aborted' },
    { kind: 'drill_over', drillId: DRILL, ending: { kind: 'apply_failed', message: KUBE_MESSAGE }, status: 'failed' },
    { kind: 'drill_over', drillId: DRILL, ending: { kind: 'restarted' }, status: 'failed' },
    {
      kind: 'drill_over',
      drillId: DRILL,
      ending: { kind: 'not_recovered', maxDurationMs: 1_800_000 },
      status: 'failed',
    },
    { kind: 'drill_over', drillId: DRILL, ending: null, status: 'aborted' },
  ],
  manual_rollback: [{ kind: 'manual_rollback' }],
  rollback_ended: Object.values(FINISH_REASONS)
    .flat()
    .map((why) => ({ kind: 'rollback_ended' as const, why })),
  recorded: [{ kind: 'recorded', text: '復旧を確認' }],
};

const CANCEL_REASONS: ByKind<CanaryCancelReason> = {
  superseded: [{ kind: 'superseded', incidentId: 'INC-20260105-002', service: 'prompt-service' }],
  recorded: [{ kind: 'recorded', text: '別のロールバックを優先' }],
};

const ESCALATION_REASONS: ByKind<EscalationReason> = {
  engine_failed: [
    { kind: 'engine_failed', noun: 'rollback', rollbackId: RB, failure: { kind: 'from_unknown' } },
    {
      kind: 'engine_failed',
      noun: 'canary',
      rollbackId: RB2,
      failure: { kind: 'no_ready_endpoints', version: 'v2.0.1', service: 'prompt-service' },
    },
  ],
  recorded: [{ kind: 'recorded', text: 'ロールバックが失敗しました' }],
};

const END_KINDS = [
  'rollback_succeeded',
  'rollback_failed',
  'rollback_aborted',
  'canary_succeeded',
  'canary_failed',
  'canary_aborted',
] as const;

/** A line carrying each reason: status changes, every end of a rollback or canary, cancellations, escalations. */
const REASON_LINES: NewTimelineEvent[] = [
  ...Object.values(STATUS_REASONS)
    .flat()
    .map((reason): NewTimelineEvent => ({ ...EXAMPLES.status, detail: { rollbackId: RB, reason } })),
  ...END_KINDS.flatMap((kind) =>
    Object.values(FINISH_REASONS)
      .flat()
      .map((reason): NewTimelineEvent => ({
        at: at(40),
        kind,
        actor: system('rollback-engine'),
        detail: { rollbackId: RB, reason },
      })),
  ),
  ...Object.values(CANCEL_REASONS)
    .flat()
    .map((reason): NewTimelineEvent => ({ ...EXAMPLES.canary_cancelled, detail: { rollbackId: RB, reason } })),
  ...Object.values(ESCALATION_REASONS)
    .flat()
    .map((reason): NewTimelineEvent => ({ ...EXAMPLES.escalation, detail: { ...EXAMPLES.escalation.detail, reason } })),
];

describe('the reasons on timeline lines', () => {
  it('are said in Japanese, every kind of them, leaving outside text as written', () => {
    for (const event of REASON_LINES) {
      const text = timelineText(INCIDENT.id, [event], ZONE, 'ja');
      expect(text, `${event.kind}: ${text}`).toContain('理由: ');
      expect(englishWords(text, [...NAMES, 'U0LEAD']), `${event.kind}: ${text}`).toEqual([]);
    }
  });

  it('read naturally in Japanese', () => {
    const ja = (event: NewTimelineEvent) => timelineText(INCIDENT.id, [event], ZONE, 'ja');
    const [recovered, fix, drillAborted] = [
      STATUS_REASONS.recovered_after_rollback[0],
      STATUS_REASONS.fix_deployed_as_canary[0],
      STATUS_REASONS.drill_over[0],
    ].map((reason) => ja({ ...EXAMPLES.status, detail: { reason } }));
    expect(recovered).toContain('理由: ロールバック後に復旧を確認しました');
    expect(fix).toContain('理由: 修正版 v2.0.1 を慎重なカナリアでデプロイしました');
    expect(drillAborted).toContain(`理由: 訓練 ${DRILL} が終わりました: U0LEAD が中止しました`);
    expect(ja(EXAMPLES.escalation)).toContain(
      `理由: ロールバック ${RB} が失敗しました: prompt-service でどのバージョンが稼働しているか判別できません`,
    );
  });

  it('keep the English answer word for word as the record always had it', () => {
    const en = (event: NewTimelineEvent) => timelineText(INCIDENT.id, [event], ZONE, 'en');
    const status = (reason: StatusReason) => en({ ...EXAMPLES.status, detail: { rollbackId: RB, reason } });
    expect(status({ kind: 'recovered_after_rollback' })).toContain(`rollbackId=${RB} reason=recovered after rollback`);
    expect(status({ kind: 'fix_deployed_as_canary', version: 'v2.0.1' })).toContain(
      'reason=fix v2.0.1 deployed as a cautious canary',
    );
    expect(
      status({ kind: 'drill_over', drillId: DRILL, ending: { kind: 'aborted', by: 'U0LEAD' }, status: 'aborted' }),
    ).toContain(`reason=drill ${DRILL} over: aborted by U0LEAD`);
    expect(status({ kind: 'drill_over', drillId: DRILL, ending: null, status: 'failed' })).toContain(
      `reason=drill ${DRILL} over: failed`,
    );
    expect(status({ kind: 'manual_rollback' })).toContain(`rollbackId=${RB} reason=manual rollback`);
    expect(status({ kind: 'rollback_ended', why: { kind: 'stopped_in_place', by: 'U0LEAD' } })).toContain(
      'reason=stopped by U0LEAD; traffic stays as it is now',
    );
    expect(status({ kind: 'recorded', text: 'recovered after rollback' })).toContain('reason=recovered after rollback');
    expect(en({ ...EXAMPLES.rollback_failed, detail: { rollbackId: RB, reason: FINISH_REASONS.failed[0] } })).toContain(
      `— rollbackId=${RB} reason=no ready endpoints of v1.5.0 behind prompt-service after the switch`,
    );
    expect(en(EXAMPLES.canary_cancelled)).toContain(
      `reason=cancelled before it started: INC-20260105-002 needs a rollback of prompt-service`,
    );
    expect(
      en({
        ...EXAMPLES.escalation,
        detail: { ...EXAMPLES.escalation.detail, reason: ESCALATION_REASONS.engine_failed[1] },
      }),
    ).toContain(
      `early=true reason=canary ${RB2} failed: no ready endpoints of v2.0.1 behind prompt-service after the switch`,
    );
    // A line without a reason shows none, as before.
    expect(en(EXAMPLES.rollback_succeeded)).toContain(`— rollbackId=${RB}`);
    expect(en(EXAMPLES.rollback_succeeded)).not.toContain('reason=');
  });

  it('leave the Japanese RCA draft with no English words', () => {
    const markdown = rcaMarkdown({
      incident: INCIDENT,
      events: [...EVENTS, ...REASON_LINES],
      timezone: ZONE,
      locale: 'ja',
      affectedUsers: 1200,
    });
    expect(englishWords(markdown, NAMES)).toEqual([]);
    expect(markdown).toContain('| 18:40 | ロールバック失敗 |');
  });
});
