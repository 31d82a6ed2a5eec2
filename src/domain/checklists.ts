/**
 * The runbook's checklists, as data: fix preparation after a rollback (修正版の準備). Each item has
 * a stable key (stored with who ticked it) and its text in both languages.
 */
export interface ChecklistItem {
  key: string;
  group: string;
  en: string;
  ja: string;
}

export const FIX_PREPARATION: readonly ChecklistItem[] = [
  { key: 'identify.logs', group: 'identify', en: 'Analyze logs and metrics', ja: 'ログとメトリクスを分析' },
  {
    key: 'identify.reproduce',
    group: 'identify',
    en: 'Reproduce the issue in development',
    ja: '開発環境で問題を再現',
  },
  { key: 'identify.root_cause', group: 'identify', en: 'Identify the root cause', ja: '根本原因を特定' },
  {
    key: 'develop.fix',
    group: 'develop',
    en: 'Create the fix in a development branch',
    ja: '開発ブランチで修正を作成',
  },
  { key: 'develop.regression', group: 'develop', en: 'Add regression tests', ja: '回帰テストを追加' },
  { key: 'develop.review', group: 'develop', en: 'Peer review', ja: 'ピアレビュー' },
  { key: 'tests.cases', group: 'tests', en: 'Add test cases for the bug', ja: 'バグのテストケースを追加' },
  { key: 'tests.suite', group: 'tests', en: 'Run the full test suite', ja: '全テストスイートを実行' },
  { key: 'tests.staging', group: 'tests', en: 'Validate on staging', ja: 'ステージングで検証' },
  { key: 'redeploy.version', group: 'redeploy', en: 'Increment the patch version', ja: 'パッチバージョンを上げる' },
  {
    key: 'redeploy.canary',
    group: 'redeploy',
    en: 'More cautious canary (1% start)',
    ja: 'より慎重なカナリア（1%開始）',
  },
  { key: 'redeploy.monitoring', group: 'redeploy', en: 'Extended monitoring', ja: '監視期間を延長' },
];
