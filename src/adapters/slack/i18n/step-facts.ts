/**
 * The words of a rollback step's notice: each fact as a label and a value, each failure as a
 * sentence, each step's name, in English and Japanese. English is word for word what the thread
 * always showed. Text from outside (a Kubernetes error, a patch body, a condition as written) is
 * put in a code span in Japanese, so it reads as quoted.
 */
import { formatValue } from '../../../domain/conditions.ts';
import {
  abortCauseLine,
  finishReasonLine,
  kubeTroubleLine,
  sampleParts,
  splitText,
  stepFailureLine,
  startProblemLine,
} from '../../../domain/step-facts.ts';
import type {
  AbortCause,
  FinishReason,
  NextMove,
  StartProblem,
  StepFact,
  StepFailure,
  StepTitle,
} from '../../../domain/step-facts.ts';
import type { MetricName, MetricSample, MetricUnit } from '../../../domain/metrics.ts';
import { formatZoned } from '../../../domain/zoned-time.ts';
import { GITOPS_STRINGS, managedBy } from './gitops.ts';
import { kubeCallFailureJa, kubeCallJa, kubeTroubleJa, quote, splitJa } from './kube-problems.ts';
import type { Locale } from './locale.ts';

type FactOf<K extends StepFact['kind']> = Extract<StepFact, { kind: K }>;
/** One entry per fact kind: a kind added to StepFact without its words fails the type check. */
type FactWords = { [K in StepFact['kind']]: (fact: FactOf<K>, timeZone: string) => [label: string, value: string] };

export interface StepFactStrings {
  /** The step's name; null: the name stored with the step (English) is the name. */
  title: (title: StepTitle) => string | null;
  fact: FactWords;
  failure: (failure: StepFailure) => string;
  /** Why a rollback ended, after the end's own line. */
  finishReason: (reason: FinishReason) => string;
  /** Why the engine would not start a rollback. */
  startProblem: (problem: StartProblem) => string;
}

const minutes = (ms: number) => Math.round(ms / 60_000);
const percents = (weights: readonly number[], separator: string) => weights.map((w) => `${w}%`).join(separator);

type Units = Readonly<Record<MetricName, MetricUnit>> | undefined;

function sampleEn(sample: MetricSample | null, units: Units): string {
  if (!sample) return 'not measured';
  const parts = sampleParts(sample, units);
  return parts.length ? parts.map(([m, v]) => `${m} ${v}`).join(', ') : 'no metric could be read';
}

function nextEn(next: NextMove): string {
  return next.kind === 'straight_to_zero'
    ? 'straight to 0% on the new version'
    : `canary back to 0%: all traffic on ${next.stable ?? 'the stable version'}`;
}

/** The label a cause had when it was the first fact of a stopped step. */
const CAUSE_LABEL_EN: Record<AbortCause['kind'], string> = {
  abort_if_held: 'abortIf held',
  not_healthy: 'verdict',
  stopped_by: 'stopped',
  error: 'error',
};

const EN: StepFactStrings = {
  title: (_title) => null,
  failure: stepFailureLine,
  finishReason: finishReasonLine,
  startProblem: startProblemLine,
  fact: {
    version_affected: (f) => ['version affected', f.version],
    stable: (f) => ['stable', f.version],
    fix: (f) => ['fix', f.version],
    traffic_now: (f) => ['traffic now', splitText(f.split)],
    traffic_set: (f) => ['traffic', splitText(f.split)],
    read_back: (f) => ['read back', splitText(f.split)],
    metrics: (f) => [
      `${f.version ? `metrics of ${f.version}` : 'metrics'}${f.now ? ' now' : ''}`,
      sampleEn(f.sample, f.units),
    ],
    fired: (f) => ['fired', f.metrics.join(', ')],
    phases_skipped: (f) => ['phases skipped', `${percents(f.weights, ', ')}: ${f.from} has ${f.startWeight}% already`],
    kube_trouble: (f) => ['Kubernetes API', kubeTroubleLine(f)],
    dry_run_change: (f) => ['dry run, not sent', `${f.method} ${f.target} ${JSON.stringify(f.body)}`],
    changes_sent: (f) => [
      'changes sent',
      f.changes.length ? f.changes.map((c) => `${c.method} ${c.target}`).join(', ') : 'none needed (already set)',
    ],
    ready_endpoints: (f) => ['ready endpoints', `${f.count} of ${f.version}`],
    gitops_owner: (f) => ['GitOps', managedBy(f.owner, f.selfHeal, 'en')],
    gitops_paused: (f) => ['GitOps sync', GITOPS_STRINGS.en.paused(f.already, f.heldBy)],
    gitops_left_on: () => ['GitOps sync', GITOPS_STRINGS.en.leftOn],
    abort_if_unchecked: () => ['abortIf', 'not checked: no metrics provider is configured'],
    abort_if_held: (f) => [CAUSE_LABEL_EN[f.kind], abortCauseLine(f)],
    not_healthy: (f) => [CAUSE_LABEL_EN[f.kind], abortCauseLine(f)],
    stopped_by: (f) => [CAUSE_LABEL_EN[f.kind], abortCauseLine(f)],
    error: (f) => [CAUSE_LABEL_EN[f.kind], abortCauseLine(f)],
    next: (f) => ['next', nextEn(f.next)],
    verification_skipped: () => [
      'verification',
      'no metrics provider is configured: a person confirms recovery and resolves',
    ],
    verdict: (f) => ['verdict', f.recovered ? 'recovered' : 'not recovered'],
    incident: (f) => ['incident', f.id ?? 'none'],
    recovery: (f) => ['recovery', f.confirmedByMetrics ? 'confirmed by metrics' : 'to be confirmed by a person'],
    stakeholders_notified: () => ['stakeholders', 'notified'],
    post_mortem: (f, timeZone) => ['post-mortem', formatZoned(f.at, timeZone)],
    fix_serves_all: (f) => ['fix', `${f.version} serves all traffic`],
    health: (f) => ['health', f.confirmedByMetrics ? 'confirmed by metrics' : 'to be confirmed by a person'],
    stop_reason: (f) => ['reason', abortCauseLine(f.cause)],
    recorded_reason: (f) => ['reason', f.line],
  },
};

function sampleJa(sample: MetricSample | null, units: Units): string {
  if (!sample) return '計測していません';
  const parts = sampleParts(sample, units);
  return parts.length ? parts.map(([m, v]) => `${m} ${v}`).join('、') : 'どのメトリクスも読み取れませんでした';
}

const breachingJa = (breaching: readonly string[]) =>
  breaching.map(quote).join('、') || 'メトリクスを読み取れませんでした';

function failureJa(f: StepFailure): string {
  switch (f.kind) {
    case 'read_back_mismatch':
      return `ルーティングを読み戻すと ${splitJa(f.back)} で、期待した ${splitJa(f.wanted)} ではありませんでした`;
    case 'no_ready_endpoints':
      return `切り替え後、${f.service} の背後に ${f.version} の準備完了のエンドポイントがありません`;
    case 'not_recovered':
      return `${f.version} に切り替えて ${minutes(f.windowMs)}分経っても復旧していません: ${breachingJa(f.breaching)}`;
    case 'canary_not_from_stable':
      return (
        `ルーティングが ${splitJa(f.split)} で、すべてのトラフィックが ${f.stable} にあるわけではありません。カナリアは安定版から始めます。` +
        `何も変更していません。先にルーティングを整えてください（${f.stable} へのロールバック）`
      );
    case 'serving_unknown':
      return `${f.service} でどのバージョンが稼働しているか判別できません`;
    case 'from_unknown':
      return 'ロールバック対象のバージョンが分かりません';
    case 'kube_call_failed':
      return kubeCallFailureJa(f.call, f);
    case 'kube_error':
      return `Kubernetes API の呼び出し（${kubeCallJa(f.call)}）に失敗しました: ${quote(f.message)}`;
    case 'unexpected':
      return `予期しないエラーが発生しました: ${quote(f.message)}`;
  }
}

function causeJa(c: AbortCause): string {
  switch (c.kind) {
    case 'abort_if_held':
      return c.value === null
        ? `${c.version} の ${c.metric} を読み取れませんでした`
        : `${c.version} の ${c.metric} が ${formatValue(c.metric, c.value, c.unit)}（abortIf: ${quote(c.condition)}）`;
    case 'not_healthy':
      return `${c.version} で ${minutes(c.windowMs)}分経っても正常になりません: ${breachingJa(c.breaching)}`;
    case 'stopped_by':
      return `${quote(c.by)} が停止しました`;
    case 'error':
      return failureJa(c.failure);
  }
}

const CAUSE_LABEL_JA: Record<AbortCause['kind'], string> = {
  abort_if_held: 'abortIf が成立',
  not_healthy: '判定',
  stopped_by: '停止',
  error: 'エラー',
};

function titleJa(t: StepTitle): string {
  switch (t.kind) {
    case 'confirm':
      return '問題の確認';
    case 'switch':
      return 'ルーティング切り替え';
    case 'set_weight':
      return `${t.weight}% に設定`;
    case 'canary_weight':
      return `カナリア ${t.percent}%`;
    case 'back_to_stable':
      return '安定版に戻す';
    case 'observe':
      return t.observeMs % 60_000 === 0
        ? `${t.observeMs / 60_000}分間の観察`
        : `${Math.round(t.observeMs / 1000)}秒間の観察`;
    case 'verify':
      return '検証';
    case 'post_actions':
      return '事後対応';
    case 'gitops':
      return t.onRollback === 'pause' ? 'GitOps の同期の一時停止' : 'GitOps の確認';
    case 'canary_stopped':
      return 'カナリアの停止';
    case 'canary':
      return 'カナリア';
  }
}

const metricsLabelJa = (f: FactOf<'metrics'>) =>
  `${f.version ? `${f.version} の` : ''}${f.now ? '現在の' : ''}メトリクス`;
const confirmedJa = (byMetrics: boolean) => (byMetrics ? 'メトリクスで確認済み' : '担当者の確認待ち');

function finishReasonJa(r: FinishReason): string {
  switch (r.kind) {
    case 'dry_run':
      return 'ドライランのため、クラスターには何も送信していません。トラフィックは動いていません';
    case 'stopped_in_place':
      return `${quote(r.by)} が停止しました。トラフィックは現在のままです`;
    case 'canary_back':
      return `${r.cause ? causeJa(r.cause) : quote(r.line)}。すべてのトラフィックが ${r.stable ?? '安定版'} に戻っています`;
    case 'failed':
      return failureJa(r.failure);
    case 'superseded':
      return `${r.incidentId} のために ${r.service} のロールバックが必要になったため、開始前に取り消しました`;
    case 'not_started':
      return startProblemJa(r.problem);
  }
}

function startProblemJa(p: StartProblem): string {
  switch (p.kind) {
    case 'no_ready_replicas':
      return (
        `${p.service} の ${p.version} に準備完了のレプリカがありません（0/${p.desired}）。` +
        'トラフィックを切り替えると障害になります。先にスケールアップしてください'
      );
    case 'kube_call_failed':
      return `開始できませんでした。${kubeCallFailureJa(p.call, p)}`;
    case 'error':
      return `開始できませんでした: ${quote(p.message)}`;
  }
}

const JA: StepFactStrings = {
  title: titleJa,
  failure: failureJa,
  finishReason: finishReasonJa,
  startProblem: startProblemJa,
  fact: {
    version_affected: (f) => ['問題のバージョン', f.version],
    stable: (f) => ['安定版', f.version],
    fix: (f) => ['修正版', f.version],
    traffic_now: (f) => ['現在のトラフィック', splitJa(f.split)],
    traffic_set: (f) => ['トラフィック', splitJa(f.split)],
    read_back: (f) => ['設定後の読み取り', splitJa(f.split)],
    metrics: (f) => [metricsLabelJa(f), sampleJa(f.sample, f.units)],
    fired: (f) => ['発火したメトリクス', f.metrics.join('、')],
    phases_skipped: (f) => [
      'スキップしたフェーズ',
      `${percents(f.weights, '、')}（${f.from} はすでに ${f.startWeight}% です）`,
    ],
    kube_trouble: (f) => ['Kubernetes API', kubeTroubleJa(f)],
    dry_run_change: (f) => [
      'ドライラン（送信していません）',
      quote(`${f.method} ${f.target} ${JSON.stringify(f.body)}`),
    ],
    changes_sent: (f) => [
      '送信した変更',
      f.changes.length ? f.changes.map((c) => quote(`${c.method} ${c.target}`)).join('、') : '不要（設定済み）',
    ],
    ready_endpoints: (f) => ['準備完了のエンドポイント', `${f.version} が ${f.count} 件`],
    gitops_owner: (f) => ['GitOps', managedBy(f.owner, f.selfHeal, 'ja')],
    gitops_paused: (f) => ['GitOps の同期', GITOPS_STRINGS.ja.paused(f.already, f.heldBy)],
    gitops_left_on: () => ['GitOps の同期', GITOPS_STRINGS.ja.leftOn],
    abort_if_unchecked: () => ['abortIf', '確認していません（メトリクスのプロバイダーが設定されていません）'],
    abort_if_held: (f) => [CAUSE_LABEL_JA[f.kind], causeJa(f)],
    not_healthy: (f) => [CAUSE_LABEL_JA[f.kind], causeJa(f)],
    stopped_by: (f) => [CAUSE_LABEL_JA[f.kind], causeJa(f)],
    error: (f) => [CAUSE_LABEL_JA[f.kind], causeJa(f)],
    next: (f) => [
      '次の動き',
      f.next.kind === 'straight_to_zero'
        ? '新しいバージョンへのトラフィックをただちに 0% にします'
        : `カナリアを 0% に戻し、すべてのトラフィックを ${f.next.stable ?? '安定版'} に戻します`,
    ],
    verification_skipped: () => [
      '検証',
      'メトリクスのプロバイダーが設定されていないため、復旧の確認と解決は担当者が行います',
    ],
    verdict: (f) => ['判定', f.recovered ? '復旧しました' : '復旧していません'],
    incident: (f) => ['インシデント', f.id ?? 'なし'],
    recovery: (f) => ['復旧', confirmedJa(f.confirmedByMetrics)],
    stakeholders_notified: () => ['関係者', '通知済み'],
    post_mortem: (f, timeZone) => ['ポストモーテム', formatZoned(f.at, timeZone, 'ja')],
    fix_serves_all: (f) => ['修正版', `${f.version} がすべてのトラフィックを処理しています`],
    health: (f) => ['健全性', confirmedJa(f.confirmedByMetrics)],
    stop_reason: (f) => ['理由', causeJa(f.cause)],
    recorded_reason: (f) => ['理由', quote(f.line)],
  },
};

export const STEP_FACT_STRINGS: Record<Locale, StepFactStrings> = { en: EN, ja: JA };

/** A fact's label and value in `locale` (the lookup keeps each kind paired with its own words). */
export function factWords<K extends StepFact['kind']>(
  fact: FactOf<K>,
  locale: Locale,
  timeZone: string,
): [label: string, value: string] {
  const words: FactWords[K] = STEP_FACT_STRINGS[locale].fact[fact.kind];
  return words(fact, timeZone);
}
