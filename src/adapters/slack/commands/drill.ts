/** `/drill` text → DrillCommand. Scenario names must match the configured ones exactly. */
import type { Line } from './tokenise.ts';
import { tokenise, unexpectedAfter, withSuggestion } from './tokenise.ts';
import type { DrillCommand, ParseContext, ParseError, Parsed } from './types.ts';
import { DRILL_ID_FORMAT, DRILL_SUBCOMMANDS } from './types.ts';

const DRILL_ID = /^DRILL-\d{8}-\d{3,}$/;
const DRY_RUN = '--dry-run';

const fail = (error: ParseError): Parsed<DrillCommand> => ({ ok: false, error });
const done = (command: DrillCommand): Parsed<DrillCommand> => ({ ok: true, command });

/** `run <scenario> [--dry-run]`; the flag may also come before the scenario, once. */
function parseRun(line: Line, ctx: ParseContext): Parsed<DrillCommand> {
  let scenario: string | null = null;
  let dryRun = false;
  for (const token of line.tokens.slice(1)) {
    if (token.lower === DRY_RUN && !dryRun) {
      dryRun = true;
    } else if (scenario === null && !token.text.startsWith('-')) {
      if (!ctx.scenarios.includes(token.text)) {
        return fail(
          withSuggestion(
            { code: 'unknown_scenario', given: token.text, known: [...ctx.scenarios] },
            token.text,
            ctx.scenarios,
          ),
        );
      }
      scenario = token.text;
    } else {
      return fail({ code: 'unexpected_argument', given: token.text });
    }
  }
  if (scenario === null) return fail({ code: 'missing_argument', name: 'scenario', known: [...ctx.scenarios] });
  return done({ sub: 'run', scenario, dryRun });
}

export function parseDrill(text: string, ctx: ParseContext): Parsed<DrillCommand> {
  const line = tokenise(text);
  const first = line.tokens[0];
  if (!first) return done({ sub: 'help' });
  const sub = first.lower;
  switch (sub) {
    case 'run':
      return parseRun(line, ctx);
    case 'schedule':
    case 'history':
    case 'help': {
      const extra = unexpectedAfter(line, 1);
      return extra ? fail(extra) : done({ sub });
    }
    case 'abort': {
      const idToken = line.tokens[1];
      if (!idToken) return done({ sub: 'abort', id: null });
      const id = idToken.text.toUpperCase();
      if (!DRILL_ID.test(id)) return fail({ code: 'bad_id', given: idToken.text, expected: DRILL_ID_FORMAT });
      const extra = unexpectedAfter(line, 2);
      return extra ? fail(extra) : done({ sub: 'abort', id });
    }
    case 'report': {
      const idToken = line.tokens[1];
      if (!idToken) return fail({ code: 'missing_argument', name: 'id' });
      const id = idToken.text.toUpperCase();
      if (!DRILL_ID.test(id)) return fail({ code: 'bad_id', given: idToken.text, expected: DRILL_ID_FORMAT });
      const extra = unexpectedAfter(line, 2);
      return extra ? fail(extra) : done({ sub: 'report', id });
    }
    default: {
      const known = [...DRILL_SUBCOMMANDS];
      return fail(withSuggestion({ code: 'unknown_subcommand', given: first.text, known }, first.lower, known));
    }
  }
}
