/**
 * What Slack shows about GitOps: the head message's line (who re-applies the routing from git, and
 * what the rollback did about its sync: `GitOps: routing managed by Argo CD application
 * `prompt-service` with self-heal on: its sync is paused for this rollback`), the notes after a
 * rollback that paused a sync (what to commit to git, and the Resume GitOps sync button), and the
 * confirmation asked when resuming would re-deploy the bad version.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import type { SyncOwner } from '../../../domain/gitops.ts';
import type { GitOpsSnapshot } from '../../../services/incident-snapshot.ts';
import { GITOPS_STRINGS, managedBy, ownerName } from '../i18n/gitops.ts';
import type { Locale } from '../i18n/locale.ts';
import { ACTION, BLOCK, VIEW } from '../ids.ts';
import { actions, button, plain, section } from './elements.ts';
import { actorName, escapeMrkdwn } from './format.ts';
import { SLACK_LIMITS } from './limits.ts';
import type { Note } from './view-models.ts';

export function gitopsLine(g: GitOpsSnapshot, locale: Locale): string {
  const t = GITOPS_STRINGS[locale];
  const owner = managedBy(g.owner, g.selfHeal, locale);
  return locale === 'ja' ? `${t.label}: ${owner}。${t.state[g.state]}` : `${t.label}: ${owner}: ${t.state[g.state]}`;
}

type StillPaused = Extract<Note, { kind: 'gitops_still_paused' }>;
type Resumed = Extract<Note, { kind: 'gitops_resumed' }>;
type MarkUnmatched = Extract<Note, { kind: 'gitops_mark_unmatched' }>;
type OwnerGone = Extract<Note, { kind: 'gitops_owner_gone' }>;
type PauseDenied = Extract<Note, { kind: 'gitops_pause_denied' }>;

/** The RBAC rule pausing the owner's sync needs: `patch` on its resource, in its API group. */
function pauseRule(owner: SyncOwner): string {
  const [resource, group] =
    owner.tool === 'argocd'
      ? ['applications', 'argoproj.io']
      : owner.kind === 'HelmRelease'
        ? ['helmreleases', 'helm.toolkit.fluxcd.io']
        : ['kustomizations', 'kustomize.toolkit.fluxcd.io'];
  return code(`{apiGroups: ["${group}"], resources: ["${resource}"], verbs: ["patch"]}`);
}

/** A field's value as it is written in a manifest: text as it is, anything else as JSON. */
const valueText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

const code = (s: string) => `\`${escapeMrkdwn(s)}\``;

/**
 * The thread notes about a GitOps sync: the marks of an owner that does not exist (nothing paused),
 * and after a rollback, still paused (with what to commit) or resumed.
 */
export function gitopsNoteText(
  note: StillPaused | Resumed | MarkUnmatched | OwnerGone | PauseDenied,
  locale: Locale,
): string {
  const t = GITOPS_STRINGS[locale];
  if (note.kind === 'gitops_pause_denied')
    return t.pauseDenied(
      ownerName(note.owner, locale),
      pauseRule(note.owner),
      code(note.owner.namespace),
      code('gitops: { onRollback: warn }'),
    );
  if (note.kind === 'gitops_mark_unmatched') {
    const o = note.owner;
    return o.tool === 'argocd'
      ? t.markUnmatched.argocd(code(o.application), code(o.namespace))
      : t.markUnmatched.flux(o.kind ?? 'Kustomization', code(`${o.namespace}/${o.name}`));
  }
  const owner = ownerName(note.owner, locale);
  if (note.kind === 'gitops_resumed') return t.resumed(actorName(note.by, locale), owner);
  if (note.kind === 'gitops_owner_gone') return t.ownerGone(owner);
  const id = escapeMrkdwn(note.rollback.id);
  const lines = [note.heldBy ? t.stillPausedBy(id, escapeMrkdwn(note.heldBy), owner) : t.stillPaused(id, owner)];
  if (note.changes.length === 0) lines.push(t.nothingToCommit);
  else {
    lines.push(t.commitThese);
    for (const c of note.changes)
      lines.push(`• \`${escapeMrkdwn(c.target)}\`: \`${escapeMrkdwn(`${c.field}: ${valueText(c.value)}`)}\``);
  }
  return lines.join('\n');
}

/** The Resume GitOps sync button under the still-paused note; the service lets approvers only. */
export function gitopsResumeButton(note: StillPaused, locale: Locale): KnownBlock {
  const text = GITOPS_STRINGS[locale].resumeButton;
  return actions(BLOCK.rollbackControls, [
    button({ actionId: ACTION.gitopsResume, text, value: note.rollback.id, style: 'primary' }),
  ]);
}

/** Asked when the source still has the revision it had at the pause: sync would re-deploy the bad version. */
export function confirmGitOpsResumeModal(
  rollbackId: string,
  owner: GitOpsSnapshot['owner'],
  revision: string,
  locale: Locale,
): ModalView {
  const s = GITOPS_STRINGS[locale].confirm;
  return {
    type: 'modal',
    callback_id: VIEW.confirmGitOpsResume,
    private_metadata: rollbackId,
    title: plain(s.title, SLACK_LIMITS.modalTitle),
    submit: plain(s.submit, SLACK_LIMITS.modalButton),
    close: plain(s.close, SLACK_LIMITS.modalButton),
    blocks: [section(s.text(ownerName(owner, locale), `\`${escapeMrkdwn(revision)}\``))],
  };
}
