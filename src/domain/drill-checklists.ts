/**
 * The runbook's rollback-drill checklist (ロールバック訓練チェックリスト), as data: preparation (準備)
 * ticked on the announcement, execution (実施) recorded by Rewind itself while the drill runs, and
 * review (振り返り) ticked on the scorecard. Keys are stable: they are stored with who ticked them.
 */
import type { ChecklistItem } from './checklists.ts';

export const DRILL_PREPARATION: readonly ChecklistItem[] = [
  { key: 'prep.scenario', group: 'preparation', en: 'Choose the drill scenario', ja: '訓練シナリオの選定' },
  { key: 'prep.notify', group: 'preparation', en: 'Notify everyone involved in advance', ja: '関係者への事前通知' },
  {
    key: 'prep.dashboard',
    group: 'preparation',
    en: 'Prepare the monitoring dashboard',
    ja: 'モニタリングダッシュボード準備',
  },
  { key: 'prep.channels', group: 'preparation', en: 'Check the communication channels', ja: '通信チャネルの確認' },
];

export const DRILL_EXECUTION: readonly ChecklistItem[] = [
  { key: 'run.inject', group: 'execution', en: 'Start the fault simulation', ja: '障害シミュレーション開始' },
  { key: 'run.detection', group: 'execution', en: 'Record the detection time', ja: '検知時間の記録' },
  { key: 'run.decision', group: 'execution', en: 'Record the rollback decision', ja: 'ロールバック判断の記録' },
  { key: 'run.execution', group: 'execution', en: 'Record the execution time', ja: '実行時間の記録' },
  { key: 'run.communication', group: 'execution', en: 'Rate the communication', ja: 'コミュニケーションの評価' },
];

export const DRILL_REVIEW: readonly ChecklistItem[] = [
  { key: 'review.targets', group: 'review', en: 'Compare with the target times', ja: '目標時間との比較' },
  { key: 'review.improvements', group: 'review', en: 'Identify improvements', ja: '改善点の特定' },
  { key: 'review.runbook', group: 'review', en: 'Update the runbook', ja: 'ランブックの更新' },
  { key: 'review.next', group: 'review', en: 'Plan the next drill', ja: '次回訓練の計画' },
];
