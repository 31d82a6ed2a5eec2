/**
 * How a rollback reads wherever it shows (head message, thread notes, App Home): its versions, the
 * traffic split and the progress bar with the phase, all from one place so the surfaces agree.
 */
import type { Locale } from '../i18n/locale.ts';
import { TERMS } from '../i18n/terms.ts';
import { escapeMrkdwn, progressBar, rollbackProgress, splitText } from './format.ts';
import type { RollbackStatus, RollbackView } from './view-models.ts';

/** A rollback that still holds the service: one at a time per service, and it can be controlled. */
export const ACTIVE_ROLLBACK_STATUSES: readonly RollbackStatus[] = ['pending', 'scheduled', 'running', 'paused'];

export function isActiveRollback(rollback: RollbackView): boolean {
  return ACTIVE_ROLLBACK_STATUSES.includes(rollback.status);
}

/** `v2.0.0 → v1.5.0`, in code spans. */
export function versionsText(rollback: RollbackView, locale: Locale): string {
  const from = rollback.fromVersion ?? TERMS[locale].unknownVersion;
  return `\`${escapeMrkdwn(from)}\` → \`${escapeMrkdwn(rollback.toVersion)}\``;
}

/** `v2.0.0 25% / v1.5.0 75%`, escaped for mrkdwn; null while the split is unknown. */
export function rollbackSplit(rollback: RollbackView, locale: Locale): string | null {
  const split = splitText(rollback.fromVersion, rollback.toVersion, rollback.newVersionWeight, locale);
  return split === null ? null : escapeMrkdwn(split);
}

/** `` `▓▓▓▓▓▓▓░░░` Phase 2/3 ``; null when neither the weight nor the phase is known. */
export function progressLine(rollback: RollbackView, locale: Locale): string | null {
  const parts: string[] = [];
  const progress = rollbackProgress(rollback.newVersionWeight);
  if (progress !== null) parts.push(`\`${progressBar(progress)}\``);
  if (rollback.phase !== null && rollback.phaseCount !== null)
    parts.push(TERMS[locale].phase(rollback.phase, rollback.phaseCount));
  return parts.length > 0 ? parts.join(' ') : null;
}

/** `v2.0.0 25% / v1.5.0 75%, `▓▓▓▓▓▓▓░░░` Phase 2/3`, or null when nothing is known. */
export function rollbackState(r: RollbackView, locale: Locale): string | null {
  const parts = [rollbackSplit(r, locale), progressLine(r, locale)].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(TERMS[locale].listSeparator) : null;
}
