/**
 * Strings of the refusals about drills (blocks/drill-refusals.ts): each says what stopped the drill,
 * that nothing was changed where that is so, and what to do instead. Outside text (an injector's or
 * Kubernetes' answer) comes in escaped and clipped, without its closing full stop.
 */
import type { InjectorProblem } from '../../../domain/drill-refusals.ts';
import type { Locale } from './locale.ts';

export interface DrillRefusalStrings {
  incidentOpen: (incidentId: string, service: string) => string;
  alreadyRunning: (drillId: string) => string;
  rollbackActive: (rollbackId: string, service: string) => string;
  notStartable: (drillId: string | null) => string;
  endedWhileApplying: (drillId: string) => string;
  faultNotApplied: (drillId: string, message: string) => string;
  startedMeanwhile: (drillId: string) => string;
  notRunning: (drillId: string, status: string) => string;
  endedMeanwhile: (drillId: string) => string;
  unknownDrill: (drillId: string) => string;
  noneRunning: string;
  notScored: (drillId: string) => string;
  ratingOutOfRange: (rating: number, min: number, max: number) => string;
  unknownScenario: (scenario: string, known: string) => string;
  noDrillService: string;
  serviceUnconfigured: (service: string) => string;
  notAllowed: (service: string) => string;
  injectorUnavailable: (reason: string) => string;
  /** Why the injector cannot work here, for the problems Rewind itself finds. */
  injectorProblem: Record<Exclude<InjectorProblem['kind'], 'other'>, string>;
  refused: (service: string, reason: string) => string;
  buttonUnnamed: string;
}

export const DRILL_REFUSAL_STRINGS: Record<Locale, DrillRefusalStrings> = {
  en: {
    incidentOpen: (incidentId, service) =>
      `🛑 ${incidentId} is open on ${service}: a drill now would be mixed up with it. Run the drill once that ` +
      `incident is resolved. Nothing was changed.`,
    alreadyRunning: (drillId) =>
      `🛑 Drill ${drillId} is running; one drill runs at a time. Wait for it to end, or abort it with \`/drill abort ` +
      `${drillId}\`.`,
    rollbackActive: (rollbackId, service) =>
      `🛑 Rollback ${rollbackId} holds *${service}*: run the drill once it is over. Nothing was changed.`,
    notStartable: (drillId) =>
      `🛑 ${drillId === null ? 'The drill' : `Drill ${drillId}`} was already started or cancelled; nothing more was ` +
      `done.`,
    endedWhileApplying: (drillId) =>
      `⏹ Drill ${drillId} ended while its fault was being applied; the fault was removed again.`,
    faultNotApplied: (drillId, message) =>
      `❌ Drill ${drillId}: the fault could not be applied: ${message}. Whatever reached the target was removed, and ` +
      `the drill ended as failed.`,
    startedMeanwhile: (drillId) =>
      `🛑 Drill ${drillId} started while it was being cancelled. Abort it again: \`/drill abort ${drillId}\`.`,
    notRunning: (drillId, status) => `🛑 Drill ${drillId} is ${status}, not running: there is nothing to abort.`,
    endedMeanwhile: (drillId) => `ℹ️ Drill ${drillId} ended on its own meanwhile; its fault is removed.`,
    unknownDrill: (drillId) => `🛑 There is no drill ${drillId}. \`/drill history\` lists them.`,
    noneRunning:
      '🛑 No drill is running. Name a scheduled one to cancel it: `/drill abort <id>` (`/drill history` lists them).',
    notScored: (drillId) => `🛑 Drill ${drillId} has no scorecard yet: ratings come after the drill.`,
    ratingOutOfRange: (rating, min, max) =>
      `🛑 A rating is a whole number from ${min} to ${max}; this one was ${rating}. Nothing was recorded.`,
    unknownScenario: (scenario, known) =>
      `🛑 There is no drill scenario \`${scenario}\`. Configured scenarios: ${known}.`,
    noDrillService:
      '🛑 No drill can run: no service is marked drill: allowed in rewind.yml. An admin must mark one (a staging ' +
      'service, not production).',
    serviceUnconfigured: (service) =>
      `🛑 No drill can run: \`drills.service\` names *${service}*, which is not a configured service. An admin must ` +
      `fix rewind.yml.`,
    notAllowed: (service) =>
      `🛑 *${service}* is not marked drill: allowed. A drill injects real faults, so it runs only where rewind.yml ` +
      `allows it. Nothing was changed.`,
    injectorUnavailable: (reason) => `🛑 The drill injector cannot run here: ${reason}. Nothing was changed.`,
    injectorProblem: {
      needs_kubernetes:
        '`drills.injector.kind` is `istio-fault`, but Rewind runs without Kubernetes access here; give it a ' +
        'kubeconfig (`KUBECONFIG` or the in-cluster service account), or set `drills.injector` to `kind: http` ' +
        '(with `url`) or `kind: simulated`',
      needs_simulated_metrics:
        '`drills.injector.kind` is `simulated`, which drives the simulated metrics provider, but ' +
        '`metrics.provider` is not `simulated`; set `metrics.provider: simulated`, or use `kind: istio-fault` ' +
        '(with `virtualService`) or `kind: http` (with `url`)',
      not_set_up: 'no fault injector was set up in this process',
    },
    refused: (service, reason) => `🛑 The drill on *${service}* is refused and nothing was changed: ${reason}.`,
    buttonUnnamed: '🛑 This button names no drill, so nothing was aborted. Use `/drill abort <id>` instead.',
  },
  ja: {
    incidentOpen: (incidentId, service) =>
      `🛑 ${service} では ${incidentId} が対応中です。いま訓練を行うと実際のインシデントと区別がつかなくなります。インシデントが解決してから訓練を実施してください。何も変更していません。`,
    alreadyRunning: (drillId) =>
      `🛑 訓練 ${drillId} が実施中です。訓練は同時に 1 つだけです。終了を待つか、\`/drill abort ${drillId}\` で中止してください。`,
    rollbackActive: (rollbackId, service) =>
      `🛑 *${service}* ではロールバック ${rollbackId} が進行中です。完了してから訓練を実施してください。何も変更していません。`,
    notStartable: (drillId) =>
      `🛑 ${drillId === null ? 'この訓練' : `訓練 ${drillId}`}はすでに開始済みか中止済みです。これ以上は何もしていません。`,
    endedWhileApplying: (drillId) =>
      `⏹ 訓練 ${drillId} は障害の注入中に終了しました。注入した障害は改めて取り除きました。`,
    faultNotApplied: (drillId, message) =>
      `❌ 訓練 ${drillId}: 障害を注入できませんでした: ${message}。対象に届いた分は取り除き、訓練は失敗として終了しました。`,
    startedMeanwhile: (drillId) =>
      `🛑 訓練 ${drillId} は中止の処理中に開始されました。もう一度中止してください: \`/drill abort ${drillId}\``,
    notRunning: (drillId, status) =>
      `🛑 訓練 ${drillId} は「${status}」で、実施中ではありません。中止するものはありません。`,
    endedMeanwhile: (drillId) => `ℹ️ 訓練 ${drillId} はその間に終了しました。注入した障害は取り除いています。`,
    unknownDrill: (drillId) => `🛑 訓練 ${drillId} はありません。\`/drill history\` で一覧を確認できます。`,
    noneRunning:
      '🛑 実施中の訓練はありません。予定の訓練を取りやめるには `/drill abort <id>` で指定してください（一覧は `/drill history`）。',
    notScored: (drillId) => `🛑 訓練 ${drillId} のスコアカードはまだありません。評価は訓練の終了後に受け付けます。`,
    ratingOutOfRange: (rating, min, max) =>
      `🛑 評価は ${min} から ${max} の整数です（今回の値: ${rating}）。記録していません。`,
    unknownScenario: (scenario, known) => `🛑 訓練シナリオ \`${scenario}\` はありません。設定済みのシナリオ: ${known}`,
    noDrillService:
      '🛑 訓練を実施できません。rewind.yml で `drill: allowed` が指定されたサービスがありません。管理者が本番ではなくステージングのサービスを指定してください。',
    serviceUnconfigured: (service) =>
      `🛑 訓練を実施できません。\`drills.service\` に指定された *${service}* は設定にないサービスです。管理者が rewind.yml を修正してください。`,
    notAllowed: (service) =>
      `🛑 *${service}* には \`drill: allowed\` が指定されていません。訓練では実際に障害を注入するため、rewind.yml で許可されたサービスでのみ実施します。何も変更していません。`,
    injectorUnavailable: (reason) => `🛑 障害インジェクターをここでは使えません: ${reason}。何も変更していません。`,
    injectorProblem: {
      needs_kubernetes:
        '`drills.injector.kind` が `istio-fault` ですが、ここでは Rewind に Kubernetes へのアクセスがありません。' +
        '`kubeconfig`（`KUBECONFIG` またはクラスタ内のサービスアカウント）を与えるか、`drills.injector` を ' +
        '`kind: http`（`url` を指定）または `kind: simulated` にしてください',
      needs_simulated_metrics:
        '`drills.injector.kind` が `simulated` ですが、これはシミュレートされたメトリクスを動かすもので、' +
        '`metrics.provider` が `simulated` ではありません。`metrics.provider: simulated` にするか、' +
        '`kind: istio-fault`（`virtualService` を指定）または `kind: http`（`url` を指定）を使ってください',
      not_set_up: 'このプロセスには障害インジェクターが設定されていません',
    },
    refused: (service, reason) => `🛑 *${service}* の訓練は拒否されました。何も変更していません: ${reason}。`,
    buttonUnnamed:
      '🛑 このボタンには訓練が指定されていないため、何も中止していません。`/drill abort <id>` を使ってください。',
  },
};
