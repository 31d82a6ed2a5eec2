/** Short drill texts of the listeners and the drill thread: answers to /drill, endings, the fault's removal. */
import type { FaultRemovalCause } from '../../../domain/drill-records.ts';
import type { Locale } from './locale.ts';

type Of<U extends { kind: string }, K extends U['kind']> = Extract<U, { kind: K }>;

/**
 * Why a drill ended, as a phrase the `ended` sentences take. The `not_run` and `recorded` endings
 * are written elsewhere (a refusal sentence; an earlier Rewind's own text). `when` is a time
 * already written in the team's zone; `by` a user id, shown as it was before (no mention, no ping).
 */
export interface DrillEndingStrings {
  cancelled: (by: string) => string;
  aborted: (by: string) => string;
  apply_failed: (message: string) => string;
  restarted: string;
  not_recovered: (minutes: number) => string;
  rescheduled: (when: string) => string;
  missed: (when: string) => string;
}

export type RemovalCauseStrings = { [K in FaultRemovalCause['kind']]: (cause: Of<FaultRemovalCause, K>) => string };

export interface DrillNoteStrings {
  ended: Record<'aborted' | 'failed' | 'other', (id: string, note: string) => string>;
  /** A drill whose time came but that could not start; `refusal` is the sentence saying why. */
  notRun: (id: string, refusal: string) => string;
  ending: DrillEndingStrings;
  removalCause: RemovalCauseStrings;
  faultRemovedBecause: (why: string) => string;
  runStarted: (id: string, scenario: string, service: string) => string;
  aborted: (id: string) => string;
  rated: (rating: number) => string;
  scheduleNext: (id: string, scenario: string, when: string, status: string) => string;
  reportNotFound: (id: string) => string;
}

export const DRILL_NOTE_STRINGS: Record<Locale, DrillNoteStrings> = {
  en: {
    ended: {
      aborted: (id, note) => `⏹ Drill ${id} ended: ${note}.`,
      failed: (id, note) => `❌ Drill ${id} failed: ${note}.`,
      other: (id, note) => `Drill ${id}: ${note}.`,
    },
    notRun: (id, refusal) => `⏹ Drill ${id} was not run. ${refusal}`,
    ending: {
      cancelled: (by) => `cancelled by ${by}`,
      aborted: (by) => `aborted by ${by}`,
      apply_failed: (message) => `the fault could not be applied: ${message}`,
      restarted: 'Rewind stopped during the drill; the fault was removed at start-up',
      not_recovered: (minutes) => `not recovered within ${minutes}m (\`drills.maxDuration\`)`,
      rescheduled: (when) => `\`drills.schedule\` changed; the next drill is at ${when}`,
      missed: (when) => `due at ${when} while Rewind was not running; not run late`,
    },
    removalCause: {
      aborted: (c) => `aborted by ${c.by}`,
      ended_while_applying: () => 'the drill ended while its fault was being applied',
      apply_failed: () => 'applying it failed',
      restarted: () => 'Rewind restarted during the drill',
      retry: () => 'an earlier removal failed',
      max_duration: () => '`drills.maxDuration` reached',
      traffic_switched: () => 'the rollback switched traffic',
    },
    faultRemovedBecause: (why) => `(${why})`,
    runStarted: (id, scenario, service) =>
      `🧪 Drill ${id} (${scenario}) started on *${service}*: the fault is applied. Follow it in the drill channel.`,
    aborted: (id) => `⏹ Drill ${id} aborted; its fault is removed.`,
    rated: (rating) => `Thanks: your rating (${rating}/5) is recorded.`,
    scheduleNext: (id, scenario, when, status) => `Next scheduled drill: ${id}, ${scenario}, ${when} (${status}).`,
    reportNotFound: (id) => `No drill ${id}. \`/drill history\` lists them.`,
  },
  ja: {
    ended: {
      aborted: (id, note) => `⏹ 訓練 ${id} を終了しました: ${note}。`,
      failed: (id, note) => `❌ 訓練 ${id} は失敗しました: ${note}。`,
      other: (id, note) => `訓練 ${id}: ${note}。`,
    },
    notRun: (id, refusal) => `⏹ 訓練 ${id} は実施しませんでした。${refusal}`,
    ending: {
      cancelled: (by) => `${by} が取りやめました`,
      aborted: (by) => `${by} が中止しました`,
      apply_failed: (message) => `障害を注入できませんでした: ${message}`,
      restarted: '訓練中に Rewind が停止したため、起動時に障害を取り除きました',
      not_recovered: (minutes) => `${minutes} 分以内に復旧しませんでした（\`drills.maxDuration\`）`,
      rescheduled: (when) => `\`drills.schedule\` が変更されました。次回の訓練は ${when} です`,
      missed: (when) => `予定時刻 ${when} に Rewind が停止していたため、遅れての実施はしていません`,
    },
    removalCause: {
      aborted: (c) => `${c.by} が中止したため`,
      ended_while_applying: () => '障害の注入中に訓練が終了したため',
      apply_failed: () => '注入に失敗したため',
      restarted: () => '訓練中に Rewind が再起動したため',
      retry: () => '前回の除去に失敗したため',
      max_duration: () => '`drills.maxDuration` に達したため',
      traffic_switched: () => 'ロールバックでトラフィックが切り替わったため',
    },
    faultRemovedBecause: (why) => `（${why}）`,
    runStarted: (id, scenario, service) =>
      `🧪 訓練 ${id}（${scenario}）を *${service}* で開始しました。障害を注入済みです。経過は訓練チャンネルで確認できます。`,
    aborted: (id) => `⏹ 訓練 ${id} を中止し、注入した障害を取り除きました。`,
    rated: (rating) => `評価（${rating}/5）を記録しました。`,
    scheduleNext: (id, scenario, when, status) => `次回の定期訓練: ${id}、${scenario}、${when}（${status}）`,
    reportNotFound: (id) => `訓練 ${id} はありません。\`/drill history\` で一覧を確認できます。`,
  },
};
