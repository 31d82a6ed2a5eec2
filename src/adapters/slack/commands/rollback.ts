/**
 * `/rollback` text → RollbackCommand. Subcommands and keywords are case-insensitive; service names
 * and versions must match the configuration exactly (a near miss earns a suggestion, not a guess:
 * rolling back the wrong service is worse than asking again).
 */
import { parseAtTime, parseInDuration } from './time.ts';
import type { Line, Token } from './tokenise.ts';
import { restOfLine, tokenise, unexpectedAfter, withSuggestion } from './tokenise.ts';
import type { ParseContext, ParseError, Parsed, RollbackCommand } from './types.ts';
import { COMPLAINT_MAX_LENGTH, ROLLBACK_SUBCOMMANDS } from './types.ts';

/** Words that introduce a clause; seen where a service or version belongs, that name is missing. */
const CLAUSE_KEYWORDS = new Set(['to', 'at', 'in']);

type Step<T> = { ok: true; value: T } | { ok: false; error: ParseError };

const fail = (error: ParseError): { ok: false; error: ParseError } => ({ ok: false, error });
const done = (command: RollbackCommand): Parsed<RollbackCommand> => ({ ok: true, command });

function requireService(token: Token | undefined, ctx: ParseContext): Step<string> {
  const known = Object.keys(ctx.services);
  if (!token || CLAUSE_KEYWORDS.has(token.lower)) return fail({ code: 'missing_argument', name: 'service', known });
  if (!Object.hasOwn(ctx.services, token.text))
    return fail(withSuggestion({ code: 'unknown_service', given: token.text, known }, token.text, known));
  return { ok: true, value: token.text };
}

/** The version after `to`, checked against that service's versions. */
function requireVersion(token: Token | undefined, service: string, ctx: ParseContext): Step<string> {
  const known = ctx.services[service]?.versions ?? [];
  if (!token || CLAUSE_KEYWORDS.has(token.lower)) return fail({ code: 'missing_argument', name: 'version', known });
  if (!known.includes(token.text)) {
    return fail(withSuggestion({ code: 'unknown_version', service, given: token.text, known }, token.text, known));
  }
  return { ok: true, value: token.text };
}

/** `immediate|gradual <service> [to <version>]` */
function parseNow(sub: 'immediate' | 'gradual', line: Line, ctx: ParseContext): Parsed<RollbackCommand> {
  const service = requireService(line.tokens[1], ctx);
  if (!service.ok) return service;
  let to: string | null = null;
  let next = 2;
  if (line.tokens[next]?.lower === 'to') {
    const version = requireVersion(line.tokens[next + 1], service.value, ctx);
    if (!version.ok) return version;
    to = version.value;
    next += 2;
  }
  const extra = unexpectedAfter(line, next);
  return extra ? fail(extra) : done({ sub, service: service.value, to });
}

/**
 * `planned <service> [to <version>] (at <time> | in <duration>) [immediate|gradual]`. The clauses
 * after the service may come in any order (people write "at 14:30 to v1.5.0" too), each once.
 */
function parsePlanned(line: Line, ctx: ParseContext): Parsed<RollbackCommand> {
  const service = requireService(line.tokens[1], ctx);
  if (!service.ok) return service;
  let to: string | null = null;
  let at: number | null = null;
  let strategy: 'immediate' | 'gradual' | null = null;
  let i = 2;
  while (i < line.tokens.length) {
    const token = line.tokens[i] as Token;
    const rest = line.tokens.slice(i + 1).map((t) => t.text);
    if (token.lower === 'to' && to === null) {
      const version = requireVersion(line.tokens[i + 1], service.value, ctx);
      if (!version.ok) return version;
      to = version.value;
      i += 2;
    } else if ((token.lower === 'at' || token.lower === 'in') && at === null) {
      // "at in 30m" is what people type after reading "at <time>"; read it as "in 30m".
      const relative = token.lower === 'in' || line.tokens[i + 1]?.lower === 'in';
      const skip = token.lower === 'at' && relative ? 1 : 0;
      const time = relative ? parseInDuration(rest.slice(skip), ctx.now) : parseAtTime(rest, ctx.now, ctx.timezone);
      if (!time.ok) return time;
      at = time.at;
      i += 1 + skip + time.consumed;
    } else if ((token.lower === 'immediate' || token.lower === 'gradual') && strategy === null) {
      strategy = token.lower;
      i += 1;
    } else {
      return fail({ code: 'unexpected_argument', given: token.text });
    }
  }
  if (at === null) return fail({ code: 'missing_argument', name: 'time' });
  return done({ sub: 'planned', service: service.value, to, at, strategy: strategy ?? 'gradual' });
}

/** `status|history [service]` */
function parseOptionalService(sub: 'status' | 'history', line: Line, ctx: ParseContext): Parsed<RollbackCommand> {
  if (!line.tokens[1]) return done({ sub, service: null });
  const service = requireService(line.tokens[1], ctx);
  if (!service.ok) return service;
  const extra = unexpectedAfter(line, 2);
  return extra ? fail(extra) : done({ sub, service: service.value });
}

/** `pause|resume|abort <service>` */
function parseControl(sub: 'pause' | 'resume' | 'abort', line: Line, ctx: ParseContext): Parsed<RollbackCommand> {
  const service = requireService(line.tokens[1], ctx);
  if (!service.ok) return service;
  const extra = unexpectedAfter(line, 2);
  return extra ? fail(extra) : done({ sub, service: service.value });
}

/** `complaint <service> <text…>`: the text is the rest of the line as typed. */
function parseComplaint(line: Line, ctx: ParseContext): Parsed<RollbackCommand> {
  const service = requireService(line.tokens[1], ctx);
  if (!service.ok) return service;
  const text = restOfLine(line, 2);
  if (text === '') return fail({ code: 'empty_complaint' });
  const length = [...text].length;
  if (length > COMPLAINT_MAX_LENGTH) return fail({ code: 'complaint_too_long', length, max: COMPLAINT_MAX_LENGTH });
  return done({ sub: 'complaint', service: service.value, text });
}

export function parseRollback(text: string, ctx: ParseContext): Parsed<RollbackCommand> {
  const line = tokenise(text);
  const first = line.tokens[0];
  if (!first) return done({ sub: 'help' });
  const sub = first.lower;
  switch (sub) {
    case 'immediate':
    case 'gradual':
      return parseNow(sub, line, ctx);
    case 'planned':
      return parsePlanned(line, ctx);
    case 'status':
    case 'history':
      return parseOptionalService(sub, line, ctx);
    case 'pause':
    case 'resume':
    case 'abort':
      return parseControl(sub, line, ctx);
    case 'complaint':
      return parseComplaint(line, ctx);
    case 'help': {
      const extra = unexpectedAfter(line, 1);
      return extra ? fail(extra) : done({ sub: 'help' });
    }
    default: {
      const known = [...ROLLBACK_SUBCOMMANDS];
      return fail(withSuggestion({ code: 'unknown_subcommand', given: first.text, known }, first.lower, known));
    }
  }
}
