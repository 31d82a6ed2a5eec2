/**
 * `/incident` text → IncidentCommand. Ids are checked by shape only; `declare` names a service,
 * which must be configured exactly (a near miss earns a suggestion, as `/rollback` does).
 */
import { clip } from '../blocks/limits.ts';
import type { Line } from './tokenise.ts';
import { tokenise, unexpectedAfter, withSuggestion } from './tokenise.ts';
import type { IncidentCommand, ParseContext, ParseError, Parsed } from './types.ts';
import { DECLARE_SUMMARY_MAX, INCIDENT_ID_FORMAT, INCIDENT_SUBCOMMANDS, SEVERITY_FLAGS } from './types.ts';

/** The store numbers incidents per UTC day from 001; a busy day may pass 999. */
const INCIDENT_ID = /^INC-\d{8}-\d{3,}$/;

const fail = (error: ParseError): Parsed<IncidentCommand> => ({ ok: false, error });
const done = (command: IncidentCommand): Parsed<IncidentCommand> => ({ ok: true, command });

const severityOf = (word: string | undefined) =>
  word !== undefined && Object.hasOwn(SEVERITY_FLAGS, word) ? SEVERITY_FLAGS[word] : undefined;

/**
 * `declare <service> [--critical|--warning|--watch] <summary…>`. The flag may also be the last
 * word, where people add it as an afterthought; anywhere else it is part of the summary. The
 * summary is the text as typed (Slack's entities decoded), on one line: it becomes the title.
 */
function parseDeclare(line: Line, ctx: ParseContext): Parsed<IncidentCommand> {
  const known = Object.keys(ctx.services);
  const serviceToken = line.tokens[1];
  if (!serviceToken) return fail({ code: 'missing_argument', name: 'service', known });
  // A flag where a flag may stand that is not one of ours (a typo such as --critcal) would
  // otherwise open a warning incident with the typo in its title: refused, with the usage.
  const strayFlag = (token: { text: string; lower: string } | undefined) =>
    token !== undefined && token.lower.startsWith('--') && !severityOf(token.lower);
  if (serviceToken.lower.startsWith('--')) return fail({ code: 'unexpected_argument', given: serviceToken.text });
  if (!Object.hasOwn(ctx.services, serviceToken.text))
    return fail(withSuggestion({ code: 'unknown_service', given: serviceToken.text, known }, serviceToken.text, known));
  let from = 2;
  let to = line.tokens.length;
  if (strayFlag(line.tokens[from])) return fail({ code: 'unexpected_argument', given: line.tokens[from]?.text ?? '' });
  let severity = severityOf(line.tokens[from]?.lower);
  if (severity) from += 1;
  const last = line.tokens[to - 1];
  if (to - 1 > from && strayFlag(last)) return fail({ code: 'unexpected_argument', given: last?.text ?? '' });
  if (to - 1 >= from && severityOf(last?.lower)) {
    if (severity && last) return fail({ code: 'unexpected_argument', given: last.text });
    severity = severityOf(last?.lower);
    to -= 1;
  }
  const start = line.tokens[from];
  if (!start || from >= to) return fail({ code: 'missing_argument', name: 'summary' });
  const end = line.tokens[to]?.start ?? line.source.length;
  const summary = line.source.slice(start.start, end).replace(/\s+/g, ' ').trim();
  const clipped = summary.length > DECLARE_SUMMARY_MAX;
  return done({
    sub: 'declare',
    service: serviceToken.text,
    severity: severity ?? 'warning',
    summary: clipped ? clip(summary, DECLARE_SUMMARY_MAX) : summary,
    clipped,
  });
}

export function parseIncident(text: string, ctx: ParseContext): Parsed<IncidentCommand> {
  const line = tokenise(text);
  const first = line.tokens[0];
  if (!first) return done({ sub: 'help' });
  const sub = first.lower;
  switch (sub) {
    case 'declare':
      return parseDeclare(line, ctx);
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
