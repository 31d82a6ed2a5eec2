/**
 * The vocabulary every Slack surface shares: severities, statuses, actions, strategies and the
 * judgment matrix's questions and answers. The Japanese terms are the runbook's own (即座ロールバック,
 * ユーザー影響 全体/一部/軽微, …) so the bot speaks the way the team's document does.
 */
import { STRATEGY_NAMES } from '../../../domain/rollback-record.ts';
import type { Action, BusinessImpact, FixTime, IncidentStatus, Tier, UserImpact } from '../../../domain/types.ts';
import type { RollbackStatus, RollbackStrategy } from '../blocks/view-models.ts';
import type { Locale } from './locale.ts';

export interface Terms {
  severity: Record<Tier, string>;
  incidentStatus: Record<IncidentStatus, string>;
  action: Record<Action, string>;
  strategy: Record<RollbackStrategy, string>;
  rollbackStatus: Record<RollbackStatus, string>;
  question: { userImpact: string; businessImpact: string; fixTime: string };
  userImpact: Record<UserImpact, string>;
  businessImpact: Record<BusinessImpact, string>;
  fixTime: Record<FixTime, string>;
  /** Marks a rehearsal everywhere it shows. */
  drill: string;
  /** Stands in for a version nobody recorded. */
  unknownVersion: string;
  /** Shown for a matrix question not answered yet. */
  unanswered: string;
  /** Units of an elapsed time: `12m 30s` / `12分30秒`. */
  duration: { day: string; hour: string; minute: string; second: string; separator: string };
  /** Joins items of a short list: `a, b` / `a、b`. */
  listSeparator: string;
  /** Joins sentences: a space in English, nothing after a Japanese `。`. */
  sentenceSeparator: string;
  phase: (phase: number, count: number) => string;
}

export const TERMS: Record<Locale, Terms> = {
  en: {
    severity: { critical: 'Critical', warning: 'Warning', watch: 'Watch' },
    incidentStatus: {
      detected: 'Detected',
      awaiting_decision: 'Awaiting decision',
      rolling_back: 'Rolling back',
      verifying: 'Verifying',
      resolved: 'Resolved',
      fixing: 'Fixing',
      deferred: 'Deferred to next release',
      escalated: 'Escalated',
    },
    action: {
      immediate: 'Immediate rollback',
      gradual: 'Gradual rollback',
      fix: 'Try a fix',
      next_release: 'Fix in next release',
    },
    strategy: STRATEGY_NAMES.en,
    rollbackStatus: {
      pending: 'Waiting for approval',
      scheduled: 'Scheduled',
      running: 'Running',
      paused: 'Paused',
      succeeded: 'Succeeded',
      failed: 'Failed',
      aborted: 'Aborted',
      cancelled: 'Cancelled',
    },
    question: { userImpact: 'User impact', businessImpact: 'Business impact', fixTime: 'Time to fix' },
    userImpact: { all: 'All users', partial: 'Some users', minor: 'Minor' },
    businessImpact: { high: 'High', medium: 'Medium', low: 'Low' },
    fixTime: { short: 'Short', medium: 'Medium', long: 'Long' },
    drill: 'DRILL',
    unknownVersion: 'current version',
    unanswered: '—',
    duration: { day: 'd', hour: 'h', minute: 'm', second: 's', separator: ' ' },
    listSeparator: ', ',
    sentenceSeparator: ' ',
    phase: (phase, count) => `Phase ${phase}/${count}`,
  },
  ja: {
    severity: { critical: '重大', warning: '警告', watch: '監視強化' },
    incidentStatus: {
      detected: '検知',
      awaiting_decision: '判断待ち',
      rolling_back: 'ロールバック中',
      verifying: '検証中',
      resolved: '解決済み',
      fixing: '修正中',
      deferred: '次回リリースで対応',
      escalated: 'エスカレーション済み',
    },
    action: {
      immediate: '即座ロールバック',
      gradual: '段階的ロールバック',
      fix: '修正を試みる',
      next_release: '次回リリースで修正',
    },
    strategy: STRATEGY_NAMES.ja,
    rollbackStatus: {
      pending: '承認待ち',
      scheduled: '予約済み',
      running: '実行中',
      paused: '一時停止中',
      succeeded: '成功',
      failed: '失敗',
      aborted: '中止',
      cancelled: '取り消し',
    },
    question: { userImpact: 'ユーザー影響', businessImpact: 'ビジネス影響', fixTime: '修正見込み時間' },
    userImpact: { all: '全体', partial: '一部', minor: '軽微' },
    businessImpact: { high: '高', medium: '中', low: '低' },
    fixTime: { short: '短', medium: '中', long: '長' },
    drill: '訓練',
    unknownVersion: '現行バージョン',
    unanswered: '未回答',
    duration: { day: '日', hour: '時間', minute: '分', second: '秒', separator: '' },
    listSeparator: '、',
    sentenceSeparator: '',
    phase: (phase, count) => `フェーズ ${phase}/${count}`,
  },
};
