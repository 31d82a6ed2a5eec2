/**
 * A rollback step's notice in the thread: `✅ Step 2/4 *switch* (3s) · within its 30s budget`, the
 * verification's metric lines when it has them, then one line per fact. The facts come as data
 * and are worded here, in the reader's language (i18n/step-facts.ts).
 */
import type { StepFact } from '../../../domain/step-facts.ts';
import type { Locale } from '../i18n/locale.ts';
import { NOTE_STRINGS } from '../i18n/notes.ts';
import { factWords, STEP_FACT_STRINGS } from '../i18n/step-facts.ts';
import { escapeMrkdwn, formatElapsed } from './format.ts';
import { metricMoveLines } from './verification.ts';
import type { Note } from './view-models.ts';

type StepNote = Extract<Note, { kind: 'rollback_step' }>;

/** One fact as `• label: value`, escaped. */
export function stepFactLine(fact: StepFact, locale: Locale, timeZone: string): string {
  const [label, value] = factWords(fact, locale, timeZone);
  return `• ${escapeMrkdwn(label)}: ${escapeMrkdwn(value)}`;
}

/**
 * Over budget as the note shows it: durations are shown floored (whole seconds, minutes past an
 * hour), so a step that reads the same as its budget is within it. Otherwise a verification that
 * waits its whole 5-minute window and ends a tick later would read "(5m 00s) · over its 5m 00s
 * budget", a note that contradicts itself.
 */
function overBudget(elapsedMs: number, budgetMs: number, locale: Locale): boolean {
  return elapsedMs > budgetMs && formatElapsed(elapsedMs, locale) !== formatElapsed(budgetMs, locale);
}

export function rollbackStepText(note: StepNote, locale: Locale, timeZone: string): string {
  const s = NOTE_STRINGS[locale];
  const name = STEP_FACT_STRINGS[locale].title(note.title) ?? note.name;
  const head = s.step(
    note.seq,
    note.total,
    escapeMrkdwn(name),
    s.stepStatus[note.status],
    formatElapsed(note.elapsedMs, locale),
  );
  const budget =
    note.budgetMs === null
      ? null
      : overBudget(note.elapsedMs, note.budgetMs, locale)
        ? s.stepOverBudget(formatElapsed(note.budgetMs, locale))
        : s.stepBudget(formatElapsed(note.budgetMs, locale));
  const facts = note.facts.map((fact) => stepFactLine(fact, locale, timeZone));
  return [budget ? `${head} · ${budget}` : head, ...metricMoveLines(note.moves ?? [], locale), ...facts].join('\n');
}
