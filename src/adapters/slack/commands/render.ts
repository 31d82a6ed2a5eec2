/**
 * Slack mrkdwn for the slash commands: a parse error with the usage under it, the usage alone, and
 * the help. Pure; the listeners post what these return (ephemerally).
 */
import { escapeMrkdwn } from '../blocks/format.ts';
import { COMMAND } from '../ids.ts';
import type { ArgumentName, CommandStrings, HelpEntry } from '../i18n/commands.ts';
import { COMMAND_STRINGS, TIME_FORMS } from '../i18n/commands.ts';
import type { Locale } from '../i18n/locale.ts';
import type { CommandName, ParseError } from './types.ts';
import { DRILL_SUBCOMMANDS, INCIDENT_SUBCOMMANDS, PLANNED_MAX_AHEAD_DAYS, ROLLBACK_SUBCOMMANDS } from './types.ts';

const SUBCOMMANDS: Record<CommandName, readonly string[]> = {
  rollback: ROLLBACK_SUBCOMMANDS,
  incident: INCIDENT_SUBCOMMANDS,
  drill: DRILL_SUBCOMMANDS,
};

/** Echoed input is cut here so a pasted paragraph cannot flood the reply. */
const MAX_ECHO = 80;

/**
 * Text inside backticks, safe for mrkdwn: Slack needs `&`, `<`, `>` escaped even in code (else
 * `<service>` reads as a link), a backtick would end the span and a line break would split it.
 */
export function code(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  const clipped = [...flat].length > MAX_ECHO ? `${[...flat].slice(0, MAX_ECHO - 1).join('')}…` : flat;
  const safe = escapeMrkdwn(clipped).replaceAll('`', "'");
  return `\`${safe}\``;
}

function codeList(items: readonly string[] | undefined, s: CommandStrings): string | null {
  return items && items.length > 0 ? items.map(code).join(s.listSeparator) : null;
}

function table<T>(
  byCommand: { rollback: Record<string, T>; incident: Record<string, T>; drill: Record<string, T> },
  command: CommandName,
): Record<string, T> {
  return byCommand[command];
}

const isArgumentName = (name: string, s: CommandStrings): name is ArgumentName => Object.hasOwn(s.argument, name);

/** `INC-YYYYMMDD-NNN` → `INC-20260105-001`, an id of that shape to copy from. */
function exampleId(expected: string): string {
  return expected.replace('YYYYMMDD', '20260105').replace('NNN', '001');
}

/** The one sentence saying what was wrong, naming what was typed and what would have worked. */
export function describeParseError(command: CommandName, error: ParseError, locale: Locale): string {
  const s = COMMAND_STRINGS[locale];
  const m = s.errors;
  const suggestion = (e: { suggestion?: string }): string | null =>
    e.suggestion === undefined ? null : code(e.suggestion);
  switch (error.code) {
    case 'unknown_subcommand':
      return m.unknown_subcommand({
        command: code(COMMAND[command]),
        given: code(error.given),
        known: codeList(error.known, s) ?? '',
        suggestion: suggestion(error),
      });
    case 'missing_argument':
      return m.missing_argument({
        what: isArgumentName(error.name, s) ? s.argument[error.name] : code(error.name),
        known: codeList(error.known, s),
      });
    case 'unexpected_argument':
      return m.unexpected_argument({ given: code(error.given) });
    case 'unknown_service':
      return m.unknown_service({
        given: code(error.given),
        known: codeList(error.known, s),
        suggestion: suggestion(error),
      });
    case 'unknown_version':
      return m.unknown_version({
        service: code(error.service),
        given: code(error.given),
        known: codeList(error.known, s),
        suggestion: suggestion(error),
      });
    case 'bad_time':
      return m.bad_time({ given: code(error.given), forms: TIME_FORMS.map(code).join(s.listSeparator) });
    case 'time_not_in_future':
      return m.time_not_in_future({ given: code(error.given) });
    case 'time_too_far':
      return m.time_too_far({ given: code(error.given), maxDays: PLANNED_MAX_AHEAD_DAYS });
    case 'unknown_scenario':
      return m.unknown_scenario({
        given: code(error.given),
        known: codeList(error.known, s),
        suggestion: suggestion(error),
      });
    case 'bad_id':
      return m.bad_id({
        given: code(error.given),
        expected: code(error.expected),
        example: code(exampleId(error.expected)),
      });
    case 'empty_complaint':
      return m.empty_complaint({});
    case 'complaint_too_long':
      return m.complaint_too_long({ length: error.length, max: error.max });
    default: {
      const unhandled: never = error;
      throw new Error(`no message for parse error ${JSON.stringify(unhandled)}`);
    }
  }
}

/** One line per subcommand, each the whole command in backticks. */
export function usage(command: CommandName, locale: Locale): string {
  const lines = table(COMMAND_STRINGS[locale].usage, command);
  return SUBCOMMANDS[command].map((sub) => code(`${COMMAND[command]} ${lines[sub] ?? sub}`)).join('\n');
}

/** What was wrong, then the usage, then where the examples are. */
export function renderParseError(command: CommandName, error: ParseError, locale: Locale): string {
  const s = COMMAND_STRINGS[locale];
  return [
    `⚠️ ${describeParseError(command, error, locale)}`,
    s.usageHeading,
    usage(command, locale),
    s.helpHint(code(`${COMMAND[command]} help`)),
  ].join('\n');
}

/** Every subcommand with its usage, a one-line explanation and an example, then the notes. */
export function helpText(command: CommandName, locale: Locale): string {
  const s = COMMAND_STRINGS[locale];
  const section = s.help[command];
  const entries = section.entries as Record<string, HelpEntry>;
  const lines = table(s.usage, command);
  const name = COMMAND[command];
  const out = [`${code(name)} — *${section.title}*`];
  for (const sub of SUBCOMMANDS[command]) {
    const entry = entries[sub];
    if (!entry) continue;
    out.push(`• ${code(`${name} ${lines[sub] ?? sub}`)} — ${entry.explain}`);
    out.push(`      ${s.exampleLabel} ${code(`${name} ${entry.example}`)}`);
  }
  out.push('', ...section.notes);
  return out.join('\n');
}
