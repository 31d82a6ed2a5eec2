/**
 * Strings of the stakeholder notice (blocks/stakeholder.ts). Its readers are outside the team: no
 * metric names, thresholds, tiers or version numbers — what users saw, since when, what is being
 * done and when they hear next, in the words of a status page.
 */
import type { UserImpact } from '../../../domain/types.ts';
import type { Locale } from './locale.ts';

/** What users notice of a metric going wrong; one per kind of trouble, however many metrics show it. */
export type Symptom = 'errors' | 'unreachable' | 'slow' | 'wrong_answers' | 'complaints';

/** What the team is doing, in the words the notice uses (blocks/stakeholder.ts StakeholderWork). */
export type WorkKind =
  'investigating' | 'fixing' | 'fix_canary' | 'deferred' | 'rolling_back' | 'rolled_back' | 'rollback_stopped';

export interface StakeholderStrings {
  head: (id: string, service: string) => string;
  headResolved: (id: string, service: string) => string;
  label: { saw: string; since: string; when: string; doing: string; done: string; next: string };
  /** Who was affected, from the judgment matrix's user-impact answer; `unknown` until it is given. */
  who: Record<UserImpact | 'unknown', string>;
  symptom: Record<Symptom | 'other', string>;
  /** `assessing`: nobody has answered how many users are affected yet. */
  saw: (who: string, symptoms: readonly string[], assessing: boolean) => string;
  resolvedWhen: (start: string, duration: string) => string;
  doing: Record<WorkKind, string>;
  rollbackPlanned: (when: string) => string;
  done: { rolledBack: string; restored: string };
  next: { restored: string; confirmed: string; none: string };
}

/** `a`, `a and b`, `a, b and c`. */
const andList = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;

export const STAKEHOLDER_STRINGS: Record<Locale, StakeholderStrings> = {
  en: {
    head: (id, service) => `📣 *${id}* · ${service}`,
    headResolved: (id, service) => `✅ *${id}* · ${service} · resolved`,
    label: {
      saw: 'What users saw',
      since: 'Since',
      when: 'When',
      doing: 'What we are doing',
      done: 'What we did',
      next: 'Next update',
    },
    who: { all: 'All users', partial: 'Some users', minor: 'A few users', unknown: 'Users' },
    symptom: {
      errors: 'received errors',
      unreachable: 'could not reach the service',
      slow: 'saw slow responses',
      wrong_answers: 'received inaccurate answers',
      complaints: 'reported problems',
      other: 'were affected by a problem',
    },
    saw: (who, symptoms, assessing) =>
      `${who} ${andList(symptoms)}${assessing ? ' (how many is still being assessed)' : ''}.`,
    resolvedWhen: (start, duration) => `${start}, resolved after ${duration}`,
    doing: {
      investigating: 'The team is investigating and deciding how to restore the service.',
      fixing: 'The team is preparing a fix.',
      fix_canary: 'A fix is being released step by step, and checked at every step.',
      deferred: 'The impact is small: a fix comes with the next release.',
      rolling_back: 'The service is being switched back to its previous version.',
      rolled_back:
        'The service was switched back to its previous version; the team is confirming that it works normally.',
      rollback_stopped:
        'Switching back to the previous version did not complete; the team is restoring the service another way.',
    },
    rollbackPlanned: (when) => `Switching the service back to its previous version is planned for ${when}.`,
    done: {
      rolledBack: 'The service was switched back to its previous version and works normally again.',
      restored: 'The service works normally again.',
    },
    next: {
      restored: 'When the service is restored, or sooner if the plan changes.',
      confirmed: 'When the team has confirmed that the service works normally.',
      none: 'None: this is the final update.',
    },
  },
  ja: {
    head: (id, service) => `📣 *${id}* · ${service}`,
    headResolved: (id, service) => `✅ *${id}* · ${service} · 解決済み`,
    label: {
      saw: 'ユーザーへの影響',
      since: '発生時刻',
      when: '発生時刻',
      doing: '対応状況',
      done: '対応内容',
      next: '次回の更新',
    },
    who: { all: 'すべてのユーザー', partial: '一部のユーザー', minor: 'ごく一部のユーザー', unknown: 'ユーザー' },
    symptom: {
      errors: 'エラー',
      unreachable: '接続障害',
      slow: '応答の遅延',
      wrong_answers: '不正確な回答',
      complaints: '不具合',
      other: '影響',
    },
    saw: (who, symptoms, assessing) => `${who}に${symptoms.join('・')}が発生${assessing ? '（影響範囲を確認中）' : ''}`,
    resolvedWhen: (start, duration) => `${start}（${duration}後に解決）`,
    doing: {
      investigating: '担当チームが原因を調査し、復旧方法を判断しています。',
      fixing: '担当チームが修正版を準備しています。',
      fix_canary: '修正版を段階的に公開し、各段階で状態を確認しています。',
      deferred: '影響は小さいため、次回のリリースで修正します。',
      rolling_back: 'サービスを以前のバージョンへ切り戻しています。',
      rolled_back: 'サービスを以前のバージョンへ切り戻しました。正常に動作していることを確認しています。',
      rollback_stopped: '以前のバージョンへの切り戻しが完了しなかったため、別の方法で復旧にあたっています。',
    },
    rollbackPlanned: (when) => `${when} にサービスを以前のバージョンへ切り戻す予定です。`,
    done: {
      rolledBack: 'サービスを以前のバージョンへ切り戻し、正常な状態に戻りました。',
      restored: 'サービスは正常な状態に戻りました。',
    },
    next: {
      restored: 'サービスの復旧時（対応方針が変わった場合はその時点）',
      confirmed: '正常な動作を確認したとき',
      none: 'ありません（これが最終報告です）',
    },
  },
};
