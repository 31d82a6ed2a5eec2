/**
 * The `/incident timeline` answer in Japanese: each kind of line by its name in words and its details
 * with Japanese labels, the record's codes (tiers, actions, statuses) in the runbook's terms, and the
 * reasons Rewind gives in words (i18n/timeline-reasons.ts). What a person or a system wrote (a summary,
 * a title, an error) is shown as it was written. English keeps
 * the record's own `kind key=value` form (blocks/answers.ts).
 */
import { systemActorName } from '../../../domain/actors.ts';
import type { InsteadReason } from '../../../domain/matrix.ts';
import type { RecordedKind, TimelineDetails, TimelineKind } from '../../../domain/timeline.ts';
import { TERMS } from './terms.ts';
import { TIMELINE_REASON_STRINGS } from './timeline-reasons.ts';

/** How a detail's instants and durations are written: in the team's zone, in Japanese units. */
export interface TimelineFormat {
  time: (at: number) => string;
  elapsed: (ms: number) => string;
}

type FactsOf = { [K in TimelineKind]: (detail: TimelineDetails[K], format: TimelineFormat) => Array<string | null> };

const T = TERMS.ja;
const R = TIMELINE_REASON_STRINGS.ja;
const fact = (label: string, value: string | number) => `${label}: ${value}`;
const versionOf = (version: string | null) => fact('バージョン', version ?? T.unknownVersion);
const versions = (from: string | null, to: string) => fact('切り替え', `${from ?? T.unknownVersion} → ${to}`);
const rollback = (id: string) => fact('ロールバック', id);
const reasonOf = (reason: string | null | undefined) => (reason ? fact('理由', reason) : null);
const errorOf = (error: string | undefined) => (error ? fact('エラー', error) : null);

const INSTEAD_BECAUSE: Record<InsteadReason['kind'], string> = {
  moves_at_once: 'ルーターが全トラフィックを一度に切り替えるため',
  abort_if_holds: '最新の値がすでに中止条件を満たしているため',
};

/** Checklists by the name they are kept under. */
const CHECKLISTS: Record<string, string> = { fix_prep: '修正準備' };

export const TIMELINE_JA: {
  /** Every kind but `status`, which is shown as its transition. */
  kind: Record<RecordedKind, string>;
  facts: FactsOf;
  status: (from: keyof typeof T.incidentStatus, to: keyof typeof T.incidentStatus) => string;
  system: (id: string) => string;
  separator: string;
} = {
  kind: {
    detected: '検知',
    ack: '確認',
    severity: '重大度の引き上げ',
    posted: 'インシデントメッセージを投稿',
    stakeholder_notice: '関係者向けのお知らせを投稿',
    alert: 'アラート',
    trigger: 'ティアの発火',
    tier_cleared: 'ティアの解消',
    assessment: '判断マトリックスの回答',
    decision: '判断',
    rollback_requested: 'ロールバックの依頼',
    canary_requested: '修正版カナリアの依頼',
    canary_cancelled: '修正版カナリアの取り消し',
    approval: '承認',
    rollback_scheduled: 'ロールバックの予約',
    rollback_started: 'ロールバック開始',
    canary_started: '修正版カナリア開始',
    rollback_succeeded: 'ロールバック成功',
    rollback_failed: 'ロールバック失敗',
    rollback_aborted: 'ロールバック中止',
    canary_succeeded: '修正版カナリア成功',
    canary_failed: '修正版カナリア失敗',
    canary_aborted: '修正版カナリア中止',
    rollback_pause: 'ロールバックを一時停止',
    rollback_resume: 'ロールバックを再開',
    rollback_abort: 'ロールバックを中止',
    gitops_paused: 'GitOps の同期を一時停止',
    gitops_resumed: 'GitOps の同期を再開',
    complaint: 'ユーザーからの苦情',
    escalation: 'エスカレーション',
    postmortem_scheduled: 'ポストモーテムの予定',
    checklist: 'チェックリストの更新',
    rca_drafted: 'RCA 下書きを作成',
  },
  facts: {
    detected: (d) => [
      fact('サービス', d.service),
      versionOf(d.version),
      fact('重大度', T.severity[d.severity]),
      fact('タイトル', d.title),
      d.drill ? T.drill : null,
      d.declared ? '手動で宣言' : null,
    ],
    status: (d) => [
      d.rollbackId ? rollback(d.rollbackId) : null,
      d.strategy ? fact('方式', T.strategy[d.strategy]) : null,
      d.tier ? fact('ティア', T.severity[d.tier]) : null,
      d.declared ? '手動で宣言' : null,
      d.action ? fact('判断', T.action[d.action]) : null,
      reasonOf(d.reason && R.status(d.reason)),
      errorOf(d.error),
    ],
    ack: (d) => [fact('確認時の状態', T.incidentStatus[d.status])],
    severity: (d) => [`${T.severity[d.from]} → ${T.severity[d.to]}`],
    posted: (d) => [fact('チャンネル', d.channel)],
    stakeholder_notice: (d) => [fact('チャンネル', d.channel)],
    alert: (d) => [
      d.status === 'firing' ? '発火' : '解消',
      fact('重大度', T.severity[d.severity]),
      fact('概要', d.summary),
      fact('識別子', d.fingerprint),
    ],
    trigger: (d) => [fact('ティア', T.severity[d.tier]), versionOf(d.version)],
    tier_cleared: (d) => [fact('ティア', T.severity[d.tier]), versionOf(d.version)],
    assessment: (d) => [
      d.userImpact ? fact(T.question.userImpact, T.userImpact[d.userImpact]) : null,
      d.businessImpact ? fact(T.question.businessImpact, T.businessImpact[d.businessImpact]) : null,
      d.fixTime ? fact(T.question.fixTime, T.fixTime[d.fixTime]) : null,
      fact('推奨', T.action[d.recommended]),
      // Rules count from 1 on the head message; the record keeps the index.
      fact('ルール', d.rule === null ? '既定' : d.rule + 1),
      d.matrixRecommended ? fact('マトリックスの推奨', T.action[d.matrixRecommended]) : null,
      d.insteadBecause ? fact('変更の理由', INSTEAD_BECAUSE[d.insteadBecause]) : null,
    ],
    decision: (d) => [fact('判断', T.action[d.action]), d.recommended ? fact('推奨', T.action[d.recommended]) : null],
    rollback_requested: (d) => [rollback(d.rollbackId), fact('方式', T.strategy[d.strategy]), versions(d.from, d.to)],
    canary_requested: (d) => [
      rollback(d.rollbackId),
      versions(d.from, d.to),
      fact('段階', d.steps.map((s) => `${s}%`).join(' → ')),
    ],
    canary_cancelled: (d) => [rollback(d.rollbackId), reasonOf(R.canaryCancelled(d.reason))],
    approval: (d) => [rollback(d.rollbackId), fact('承認', `${d.have}/${d.need}`)],
    rollback_scheduled: (d, f) => [rollback(d.rollbackId), fact('予定時刻', f.time(d.at))],
    rollback_started: (d) => [rollback(d.rollbackId), fact('方式', T.strategy[d.strategy]), versions(d.from, d.to)],
    canary_started: (d) => [rollback(d.rollbackId), fact('方式', T.strategy[d.strategy]), versions(d.from, d.to)],
    rollback_succeeded: (d) => [
      rollback(d.rollbackId),
      reasonOf(d.reason && R.rollbackEnd(d.reason)),
      errorOf(d.error),
    ],
    rollback_failed: (d) => [rollback(d.rollbackId), reasonOf(d.reason && R.rollbackEnd(d.reason)), errorOf(d.error)],
    rollback_aborted: (d) => [rollback(d.rollbackId), reasonOf(d.reason && R.rollbackEnd(d.reason)), errorOf(d.error)],
    canary_succeeded: (d) => [rollback(d.rollbackId), reasonOf(d.reason && R.rollbackEnd(d.reason)), errorOf(d.error)],
    canary_failed: (d) => [rollback(d.rollbackId), reasonOf(d.reason && R.rollbackEnd(d.reason)), errorOf(d.error)],
    canary_aborted: (d) => [rollback(d.rollbackId), reasonOf(d.reason && R.rollbackEnd(d.reason)), errorOf(d.error)],
    rollback_pause: (d) => [rollback(d.rollbackId)],
    rollback_resume: (d) => [rollback(d.rollbackId)],
    rollback_abort: (d) => [rollback(d.rollbackId)],
    gitops_paused: (d) => [
      rollback(d.rollbackId),
      fact('対象', `\`${d.target}\``),
      d.sent ? null : 'すでに一時停止済み',
    ],
    gitops_resumed: (d) => [rollback(d.rollbackId), fact('対象', `\`${d.target}\``)],
    complaint: (d) => [fact('内容', d.text), fact('番号', d.complaintId)],
    escalation: (d, f) => [
      fact('レベル', `${d.level}（${d.label}）`),
      d.lateMs > 0 ? fact('遅れ', f.elapsed(d.lateMs)) : null,
      d.early ? '予定より前倒し' : null,
      reasonOf(d.reason && R.escalation(d.reason)),
    ],
    postmortem_scheduled: (d, f) => [fact('日時', f.time(d.at))],
    checklist: (d) => [fact(CHECKLISTS[d.list] ?? d.list, `${d.checked}/${d.of}`)],
    rca_drafted: () => [],
  },
  status: (from, to) => `${T.incidentStatus[from]} → ${T.incidentStatus[to]}`,
  system: (id) => systemActorName(id, 'ja'),
  separator: '、',
};
