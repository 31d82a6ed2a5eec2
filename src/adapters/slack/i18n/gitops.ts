/**
 * The words for who re-applies a service's routing from git, and for pausing and resuming its
 * sync, in English and Japanese. Names (the Application, the Kustomization) are shown in code spans.
 */
import type { GitOpsOwner } from '../../../domain/gitops.ts';
import type { Locale } from './locale.ts';

const code = (s: string) => `\`${s}\``;

/** `Argo CD application `prompt-service``, `Flux Kustomization `flux-system/apps``. */
export function ownerName(owner: GitOpsOwner, locale: Locale): string {
  switch (owner.tool) {
    case 'argocd':
      return locale === 'ja'
        ? `Argo CD のアプリケーション ${code(owner.application)}`
        : `Argo CD application ${code(owner.application)}`;
    case 'flux':
      return `Flux ${owner.kind ?? 'Kustomization'} ${code(`${owner.namespace}/${owner.name}`)}`;
    case 'argo-rollouts':
      return locale === 'ja'
        ? `Argo Rollouts のロールアウト ${code(owner.rollout)}`
        : `Argo Rollouts rollout ${code(owner.rollout)}`;
    case 'none':
      return locale === 'ja' ? 'なし' : 'nobody';
  }
}

/** `routing managed by Argo CD application `prompt-service` with self-heal on`. */
export function managedBy(owner: GitOpsOwner, selfHeal: boolean, locale: Locale): string {
  const heal = owner.tool === 'argocd';
  if (locale === 'ja')
    return (
      `ルーティングは ${ownerName(owner, 'ja')} が管理しています` +
      (heal ? (selfHeal ? '（セルフヒール有効）' : '（セルフヒール無効）') : '')
    );
  return (
    `routing managed by ${ownerName(owner, 'en')}` +
    (heal ? (selfHeal ? ' with self-heal on' : ' with self-heal off') : '')
  );
}

/** What the rollback did about the owner's sync, for the head message (GitOpsSnapshot['state']). */
export type GitOpsState = 'to_pause' | 'paused' | 'was_paused' | 'left_on' | 'not_paused' | 'resumed' | 'dry_run';

export interface GitOpsStrings {
  state: Record<GitOpsState, string>;
  /** The rollback is over and the owner's sync is still paused; `owner` is ownerName. */
  stillPaused: (rollbackId: string, owner: string) => string;
  /** As stillPaused, when an earlier rollback (`heldBy`) paused it and this one found it so. */
  stillPausedBy: (rollbackId: string, heldBy: string, owner: string) => string;
  /** Introduces the fields to commit to git. */
  commitThese: string;
  /** The rollback sent no routing change (dry run, or it failed before the switch). */
  nothingToCommit: string;
  resumeButton: string;
  resumed: (who: string, owner: string) => string;
  /** Resume found the owner deleted since the pause: nothing to resume. */
  ownerGone: (owner: string) => string;
  /** The confirmation when the source still has the revision it had at the pause. */
  confirm: {
    title: string;
    submit: string;
    close: string;
    text: (owner: string, revision: string) => string;
  };
  /**
   * The owner's sync is off for this rollback; `already`: it was off before, nothing was sent;
   * `heldBy`: the earlier rollback that paused it and was never resumed.
   */
  paused: (already: boolean, heldBy?: string) => string;
  /** onRollback warn: sync is left on. */
  leftOn: string;
  /** The thread's heading of the GitOps facts. */
  label: string;
  /** The routing carries the marks of an owner that does not exist, so nothing was paused (names in code spans). */
  markUnmatched: { argocd: (app: string, namespace: string) => string; flux: (kind: string, name: string) => string };
  /**
   * The API server refused (403) the pause of the owner's sync; `rule`: the RBAC rule to grant (a code span),
   * `namespace`: where, `warn`: the setting that rolls back without pausing (a code span).
   */
  pauseDenied: (owner: string, rule: string, namespace: string, warn: string) => string;
}

export const GITOPS_STRINGS: Record<Locale, GitOpsStrings> = {
  en: {
    label: 'GitOps',
    stillPaused: (rollbackId, owner) =>
      `⏸️ Rollback ${rollbackId} is over, and the sync of ${owner} is still paused. Commit the rollback to git, ` +
      `where the routing is kept, then resume the sync.`,
    stillPausedBy: (rollbackId, heldBy, owner) =>
      `⏸️ Rollback ${rollbackId} is over, and the sync of ${owner} is still paused by rollback ${heldBy}, which ` +
      `paused it and was never resumed. Commit the rollback to git, where the routing is kept, then resume the sync.`,
    commitThese: 'The change to commit:',
    nothingToCommit: 'The rollback sent no routing change, so there is nothing to commit.',
    resumeButton: 'Resume GitOps sync',
    resumed: (who, owner) => `▶️ ${who} resumed the sync of ${owner}.`,
    ownerGone: (owner) =>
      `ℹ️ ${owner} no longer exists, so there is no sync left to resume. The rollback's change still belongs in git.`,
    confirm: {
      title: 'Resume GitOps sync?',
      submit: 'Resume anyway',
      close: 'Cancel',
      text: (owner, revision) =>
        `⚠️ ${owner} still has git revision ${revision}, the one it had when the rollback paused it. ` +
        `Resuming the sync now would re-deploy the bad version. Commit the rollback to git first, or resume anyway.`,
    },
    state: {
      to_pause: 'its sync is paused before the switch',
      paused: 'its sync is paused for this rollback',
      was_paused: 'its sync was already paused',
      left_on: 'its sync is left on (onRollback: warn) and may undo this rollback',
      not_paused: 'its sync could not be paused, so it may undo this rollback',
      resumed: 'its sync is resumed',
      dry_run: 'dry run: its sync is not paused',
    },
    paused: (already, heldBy) =>
      heldBy
        ? `its sync is still paused by rollback ${heldBy}, which was never resumed: nothing sent`
        : already
          ? 'its sync was already paused: nothing sent'
          : 'its sync is paused for this rollback',
    leftOn:
      'its sync is left on (onRollback: warn), so it may undo this rollback: ' +
      'commit the change to git or pause the sync yourself',
    pauseDenied: (owner, rule, namespace, warn) =>
      `🚫 Kubernetes refused (403 Forbidden) Rewind's pause of the sync of ${owner}, so the rollback stopped before ` +
      `switching the routing. To go on, grant Rewind ${rule} in namespace ${namespace} (the Role in ` +
      `\`deploy/rbac/\`), or set ${warn} for this service to roll back without pausing; then start the rollback ` +
      'again.',
    markUnmatched: {
      argocd: (app, namespace) =>
        `ℹ️ GitOps: the routing carries Argo CD's mark for ${app}, but no such Application exists in ${namespace}, ` +
        'so nothing was paused for this rollback.',
      flux: (kind, name) =>
        `ℹ️ GitOps: the routing carries Flux's mark for ${name}, but no such ${kind} exists, ` +
        'so nothing was paused for this rollback.',
    },
  },
  ja: {
    label: 'GitOps',
    stillPaused: (rollbackId, owner) =>
      `⏸️ ロールバック ${rollbackId} は終了しましたが、${owner} の同期は一時停止したままです。` +
      'ルーティングを管理している git にこのロールバックをコミットしてから、同期を再開してください。',
    stillPausedBy: (rollbackId, heldBy, owner) =>
      `⏸️ ロールバック ${rollbackId} は終了しましたが、${owner} の同期は、以前のロールバック ${heldBy} が一時停止したまま` +
      '再開されていません。ルーティングを管理している git にこのロールバックをコミットしてから、同期を再開してください。',
    commitThese: 'コミットする変更:',
    nothingToCommit: 'このロールバックはルーティングを変更していないため、コミットするものはありません。',
    resumeButton: 'GitOps の同期を再開',
    resumed: (who, owner) => `▶️ ${who} が ${owner} の同期を再開しました。`,
    ownerGone: (owner) =>
      `ℹ️ ${owner} はもう存在しないため、再開する同期はありません。ロールバックの変更は引き続き git にコミットしてください。`,
    confirm: {
      title: 'GitOps の同期を再開しますか？',
      submit: 'このまま再開',
      close: 'キャンセル',
      text: (owner, revision) =>
        `⚠️ ${owner} の git リビジョンは ${revision} のままで、ロールバックが同期を一時停止したときと同じです。` +
        '今同期を再開すると問題のバージョンが再びデプロイされます。先にロールバックを git にコミットするか、このまま再開してください。',
    },
    state: {
      to_pause: '切り替えの前に同期を一時停止します',
      paused: 'このロールバックのあいだ同期を一時停止しています',
      was_paused: '同期はすでに一時停止されていました',
      left_on: '同期は有効のままです（`onRollback: warn`）。同期によってこのロールバックが元に戻る可能性があります',
      not_paused: '同期を一時停止できなかったため、このロールバックが元に戻る可能性があります',
      resumed: '同期を再開しました',
      dry_run: 'ドライランのため、同期は一時停止していません',
    },
    paused: (already, heldBy) =>
      heldBy
        ? `同期はロールバック ${heldBy} が一時停止したまま再開されていないため、何も送信していません`
        : already
          ? '同期はすでに一時停止されていたため、何も送信していません'
          : 'このロールバックのあいだ同期を一時停止しています',
    leftOn:
      '同期は有効のままです（`onRollback: warn`）。同期によってこのロールバックが元に戻る可能性があります。' +
      '変更を git にコミットするか、同期を手動で一時停止してください',
    pauseDenied: (owner, rule, namespace, warn) =>
      `🚫 Kubernetes が Rewind による ${owner} の同期の一時停止を拒否した（403 Forbidden）ため、ロールバックは` +
      `ルーティングを切り替える前に止まりました。続けるには、名前空間 ${namespace} で Rewind に ${rule} を許可する` +
      `（\`deploy/rbac/\` のロール）か、このサービスに ${warn} を設定して一時停止せずにロールバックし、` +
      'ロールバックをもう一度開始してください。',
    markUnmatched: {
      argocd: (app, namespace) =>
        `ℹ️ GitOps: ルーティングには Argo CD の ${app} の印がありますが、${namespace} にそのアプリケーションは` +
        '存在しないため、このロールバックでは何も一時停止していません。',
      flux: (kind, name) =>
        `ℹ️ GitOps: ルーティングには Flux の ${name} の印がありますが、その ${kind} は存在しないため、` +
        'このロールバックでは何も一時停止していません。',
    },
  },
};
