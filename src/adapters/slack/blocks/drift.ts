/**
 * What Slack shows about routing changed behind Rewind's back: the note (who changed what, what
 * Rewind set and when, a rollback paused because of it) with Re-apply and Accept, and the note
 * when the team settled it. The same message goes in the open incident's thread or, with none,
 * in the incident channel.
 */
import type { KnownBlock } from '@slack/types';
import type { DriftView, IncidentNotice, Split } from '../../../services/ports.ts';
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
    return said(
      actorName(note.by, locale),
      code(d.service),
      driftSplitText(note.settled === 'reapplied' ? d.expected : d.live),
    );
  }
  const at = formatTimeInZone(d.expectedAt, timeZone, locale);
  const lines = [
    t.changed(code(d.service), code(d.writer), driftSplitText(d.live), driftSplitText(d.expected), at),
    t.object(code(d.object)),
  ];
  if (d.pausedRollbackId) lines.push(t.paused(escapeMrkdwn(d.pausedRollbackId)));
  return lines.join('\n');
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
