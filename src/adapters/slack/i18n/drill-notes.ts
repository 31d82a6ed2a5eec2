/** Short drill texts of the listeners and the drill thread: answers to /drill, endings, the fault's removal. */
import type { Locale } from './locale.ts';

export interface DrillNoteStrings {
  ended: Record<'aborted' | 'failed' | 'other', (id: string, note: string) => string>;
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
    faultRemovedBecause: (why) => `(${why})`,
    runStarted: (id, scenario, service) => `🧪 Drill ${id} (${scenario}) started on *${service}*: the fault is applied. Follow it in the drill channel.`,
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
    faultRemovedBecause: (why) => `（${why}）`,
    runStarted: (id, scenario, service) => `🧪 訓練 ${id}（${scenario}）を *${service}* で開始しました。障害を注入済みです。経過は訓練チャンネルで確認できます。`,
    aborted: (id) => `⏹ 訓練 ${id} を中止し、注入した障害を取り除きました。`,
    rated: (rating) => `評価（${rating}/5）を記録しました。`,
    scheduleNext: (id, scenario, when, status) => `次回の定期訓練: ${id}、${scenario}、${when}（${status}）`,
    reportNotFound: (id) => `訓練 ${id} はありません。\`/drill history\` で一覧を確認できます。`,
  },
};
