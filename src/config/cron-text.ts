/**
 * Why a cron expression is refused, in words: `1,4,7,13: 13 is not a month (1–12 or jan–dec)`
 * rather than node-cron's "1,4,7,13 is a invalid expression for month". node-cron stays the judge
 * of what is valid (it is what schedules the drills); this only finds the item it tripped over, and
 * says so field by field when it cannot point closer.
 */
import { validateDetailed } from 'node-cron';
import { didYouMean } from './suggest.ts';

interface Field {
  key: string;
  /** "a month", as in "13 is not a month". */
  noun: string;
  range: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

// In node-cron's order: with five fields the seconds are implied as 0.
const FIELDS: readonly Field[] = [
  { key: 'second', noun: 'a second', range: '0–59', min: 0, max: 59 },
  { key: 'minute', noun: 'a minute', range: '0–59', min: 0, max: 59 },
  { key: 'hour', noun: 'an hour', range: '0–23', min: 0, max: 23 },
  { key: 'dayOfMonth', noun: 'a day of the month', range: '1–31', min: 1, max: 31 },
  {
    key: 'month',
    noun: 'a month',
    range: '1–12 or jan–dec',
    min: 1,
    max: 12,
    names: [...MONTHS, ...MONTHS.map((m) => m.slice(0, 3))],
  },
  {
    key: 'dayOfWeek',
    noun: 'a day of the week',
    range: '0–7 or sun–sat',
    min: 0,
    max: 7,
    names: [...DAYS, ...DAYS.map((d) => d.slice(0, 3))],
  },
];

const NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

export const CRON_FIELDS = 'minute hour day-of-month month day-of-week';

/** What is wrong with one value (`13`, `fry`), or nothing. */
function valueProblem(value: string, f: Field): string | undefined {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    return n >= f.min && n <= f.max ? undefined : `${value} is not ${f.noun} (${f.range})`;
  }
  if (f.names?.includes(value.toLowerCase())) return undefined;
  return value === '' ? `a range needs a number at both ends` : `${value} is not ${f.noun} (${f.range})`;
}

/** Quartz-style items node-cron also takes (`L`, `15W`, `L-2`, `5#2`, `5L`): left to the field-wide message. */
function special(item: string, f: Field): boolean {
  if (f.key === 'dayOfMonth') return /^(L|LW|\d{1,2}W|L-\d{1,2})$/i.test(item);
  if (f.key === 'dayOfWeek') return /^(\d#\d|\dL)$/i.test(item);
  return false;
}

/** What is wrong with one comma-separated item, or nothing that can be pointed at. */
function itemProblem(item: string, f: Field): string | undefined {
  if (item === '') return 'an empty item between commas';
  if (special(item, f)) return undefined;
  const slash = item.indexOf('/');
  const base = slash < 0 ? item : item.slice(0, slash);
  if (slash >= 0) {
    const step = item.slice(slash + 1);
    if (!/^\d+$/.test(step)) return `${item}: the step after / must be a whole number, such as */5`;
    if (Number(step) === 0) return `${item}: a step of 0 never moves on; use 1 or more`;
    if (base !== '*' && !base.includes('-'))
      return `${item}: a step needs * or a range before it, such as */${step} or ${base}-${f.max}/${step}`;
  }
  if (base === '*') return undefined;
  const ends = base.split('-');
  if (ends.length > 2) return `${base} is not a range: write first-last, such as ${f.min}-${f.max}`;
  for (const end of ends) {
    const problem = valueProblem(end, f);
    if (problem) return problem;
  }
  return undefined;
}

function fieldProblem(text: string, f: Field): string {
  const items = text.split(',');
  for (const item of items) {
    const problem = itemProblem(item, f);
    // Name the field as written unless it is that one value (`13 is not a month`, not `13: 13 …`).
    if (problem)
      return problem.startsWith(`${text} `) || problem.startsWith(`${text}:`) ? problem : `${text}: ${problem}`;
  }
  if ((f.key === 'dayOfMonth' || f.key === 'dayOfWeek') && text.includes('?'))
    return `${text}: ? stands alone, as the whole field`;
  return `${text} is not a valid ${f.noun.replace(/^an? /, '')} field (${f.range})`;
}

/** Why node-cron refuses `expression`, in English; undefined when it does not. */
export function explainCron(expression: string): string | undefined {
  const verdict = validateDetailed(expression);
  if (verdict.valid) return undefined;
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  if (expression.trim().startsWith('@'))
    return `${expression.trim()} is not one of ${NICKNAMES.join(', ')}${didYouMean(expression.trim(), NICKNAMES)}`;
  const odd = [...new Set(expression.replace(/[a-zA-Z0-9\-*/,#?\s]/g, ''))];
  if (odd.length > 0)
    return (
      `${odd.map((c) => JSON.stringify(c)).join(', ')} ` +
      `${odd.length === 1 ? 'is not a character' : 'are not characters'} cron uses`
    );
  if (fields.length !== 5 && fields.length !== 6) {
    return (
      `it has ${fields.length} ${fields.length === 1 ? 'field' : 'fields'}; cron needs 5 (${CRON_FIELDS}), or 6 with ` +
      `the seconds first`
    );
  }
  const byKey = new Map(
    FIELDS.map((f, i) => [f.key, { f, text: (fields.length === 5 ? ['0', ...fields] : fields)[i] as string }]),
  );
  const problems: string[] = [];
  for (const error of verdict.errors) {
    const at = byKey.get(error.field);
    if (!at) continue;
    if (/impossible day of month/.test(error.message)) {
      problems.push(`day ${at.text} never comes in month ${byKey.get('month')?.text ?? '?'}`);
    } else {
      problems.push(fieldProblem(at.text, at.f));
    }
  }
  return problems.length > 0 ? problems.join('; ') : verdict.errors.map((e) => e.message).join('; ');
}
