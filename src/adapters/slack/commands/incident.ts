/** `/incident` text → IncidentCommand. Needs no configuration: ids are checked by shape only. */
import type { Line } from './tokenise.ts';
import { tokenise, unexpectedAfter, withSuggestion } from './tokenise.ts';
import type { IncidentCommand, ParseError, Parsed } from './types.ts';
import { INCIDENT_ID_FORMAT, INCIDENT_SUBCOMMANDS } from './types.ts';

/** The store numbers incidents per UTC day from 001; a busy day may pass 999. */
const INCIDENT_ID = /^INC-\d{8}-\d{3,}$/;

const fail = (error: ParseError): Parsed<IncidentCommand> => ({ ok: false, error });
const done = (command: IncidentCommand): Parsed<IncidentCommand> => ({ ok: true, command });

export function parseIncident(text: string): Parsed<IncidentCommand> {
  const line = tokenise(text);
  const first = line.tokens[0];
  if (!first) return done({ sub: 'help' });
  const sub = first.lower;
  switch (sub) {
    case 'list':
    case 'help': {
      const extra = unexpectedAfter(line, 1);
      return extra ? fail(extra) : done({ sub });
    }
    case 'ack':
    case 'resolve':
    case 'rca':
    case 'timeline': {
      const idToken = line.tokens[1];
      if (!idToken) return done({ sub, id: null });
      const id = idToken.text.toUpperCase();
      if (!INCIDENT_ID.test(id)) return fail({ code: 'bad_id', given: idToken.text, expected: INCIDENT_ID_FORMAT });
      const extra = unexpectedAfter(line, 2);
      return extra ? fail(extra) : done({ sub, id });
    }
    default: {
      const known = [...INCIDENT_SUBCOMMANDS];
      return fail(withSuggestion({ code: 'unknown_subcommand', given: first.text, known }, first.lower, known));
    }
  }
}
