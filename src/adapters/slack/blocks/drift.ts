/**
 * What Slack shows about routing changed behind Rewind's back: the note (who changed what, what
 * Rewind set and when, a rollback paused because of it) with Re-apply and Accept, and the note
 * when the team settled it. The same message goes in the open incident's thread or, with none,
 * in the incident channel.
 */
import type { KnownBlock } from '@slack/types';
import type { DriftView, IncidentNotice, Split } from '../../../services/ports.ts';
import type { Refusal } from '../../../services/refusals.ts';
import { DRIFT_STRINGS } from '../i18n/drift.ts';
import type { Locale } from '../i18n/locale.ts';
import { ACTION, BLOCK } from '../ids.ts';
import { actions, button, section } from './elements.ts';
import { actorName, escapeMrkdwn, formatPercent, formatTimeInZone } from './format.ts';
import { SLACK_LIMITS, clip } from './limits.ts';

export type DriftNotice = Extract<IncidentNotice, { kind: 'routing_drift' | 'routing_drift_settled' }>;

const code = (s: string) => `\`${escapeMrkdwn(s)}\``;

/** `v2.0.0 100%`, `v2.0.0 75% / v1.5.0 25%`: the versions with a share, largest first. */
export function driftSplitText(split: Split): string {
  const shown = Object.entries(split)
    .filter(([, w]) => w > 0)
    .sort(([, a], [, b]) => b - a);
  if (shown.length === 0)
    return Object.keys(split)
      .map((v) => `${escapeMrkdwn(v)} 0%`)
      .join(' / ');
  return shown.map(([v, w]) => `${escapeMrkdwn(v)} ${formatPercent(w)}`).join(' / ');
}

export function driftNoteText(note: DriftNotice, locale: Locale, timeZone: string): string {
  const t = DRIFT_STRINGS[locale];
  const d = note.drift;
  if (note.kind === 'routing_drift_settled') {
    const said = note.settled === 'reapplied' ? t.reapplied : t.accepted;
    const line = said(
      actorName(note.by, locale),
      code(d.service),
      driftSplitText(note.settled === 'reapplied' ? d.expected : d.live),
    );
    // Settling the drift does not resume the rollback it paused: say so, and how to go on.
    if (!note.rollbackStillPaused || !d.pausedRollbackId) return line;
    const resume = code(`/rollback resume ${d.service}`);
    return `${line}\n${t.stillPaused(escapeMrkdwn(d.pausedRollbackId), resume)}`;
  }
  const at = formatTimeInZone(d.expectedAt, timeZone, locale);
  const [service, writer, live, expected] = [
    code(d.service),
    code(d.writer),
    driftSplitText(d.live),
    driftSplitText(d.expected),
  ];
  const lines = [
    d.acceptedBy
      ? t.changedAccepted(service, writer, live, expected, actorName(d.acceptedBy, locale), at)
      : d.intended
        ? t.changedIntended(service, writer, live, expected, at)
        : t.changed(service, writer, live, expected, at),
    t.object(code(d.object)),
  ];
  if (d.pausedRollbackId) lines.push(t.paused(escapeMrkdwn(d.pausedRollbackId)));
  return lines.join('\n');
}

/** A note a later change of the same routing superseded: what it said, that it no longer acts, and no buttons. */
export function supersededDriftMessage(
  drift: DriftView,
  locale: Locale,
  timeZone: string,
): { text: string; blocks: KnownBlock[] } {
  // Without the pause it caused: the rollback may have gone on since.
  const note = driftNoteText({ kind: 'routing_drift', drift: { ...drift, pausedRollbackId: null } }, locale, timeZone);
  const text = clip(`${note}\n${DRIFT_STRINGS[locale].superseded}`, SLACK_LIMITS.sectionText);
  return { text, blocks: [section(text)] };
}

type DriftRefusal = Extract<
  Refusal,
  { kind: 'unknown_drift' | 'drift_settled' | 'drift_superseded' | 'drift_reapply_failed' }
>;

/** Why a drift button did nothing, in the reader's language. */
export function driftRefusalLine(refusal: DriftRefusal, locale: Locale): string {
  const t = DRIFT_STRINGS[locale];
  switch (refusal.kind) {
    case 'unknown_drift':
      return t.unknown(String(refusal.driftId));
    case 'drift_settled':
      return t.settled(String(refusal.driftId));
    case 'drift_superseded':
      return t.supersededRefusal(String(refusal.driftId));
    case 'drift_reapply_failed':
      return t.failed(escapeMrkdwn(refusal.message.slice(0, 500)));
  }
}

/** A drift button pressed by someone who is not an approver; `approvers`: their mentions. */
export function driftNotApproverLine(
  action: 'reapply_drift' | 'accept_drift',
  approvers: string,
  locale: Locale,
): string {
  const t = DRIFT_STRINGS[locale];
  return action === 'accept_drift' ? t.notApproverAccept(approvers) : t.notApprover(approvers);
}

/** Re-apply (the service lets approvers only) and Accept, under a drift note; value = the drift's id. */
export function driftButtons(drift: DriftView, locale: Locale): KnownBlock {
  const t = DRIFT_STRINGS[locale];
  const value = String(drift.id);
  return actions(BLOCK.drift, [
    button({ actionId: ACTION.driftReapply, text: t.reapplyButton, value, style: 'primary' }),
    button({ actionId: ACTION.driftAccept, text: t.acceptButton, value }),
  ]);
}

/** The whole message: the note, and its buttons while it is open. */
export function driftMessage(
  note: DriftNotice,
  locale: Locale,
  timeZone: string,
): { text: string; blocks: KnownBlock[] } {
  const text = clip(driftNoteText(note, locale, timeZone), SLACK_LIMITS.sectionText);
  const blocks: KnownBlock[] = [section(text)];
  if (note.kind === 'routing_drift') blocks.push(driftButtons(note.drift, locale));
  return { text, blocks };
}
