/**
 * The parsed forms of the three slash commands and the errors their parsers report. Parsers are
 * pure; the listeners act on a command and render an error with `render.ts`.
 */
import type { Tier } from '../../../domain/types.ts';

export type RollbackCommand =
  | { sub: 'immediate' | 'gradual'; service: string; to: string | null }
  /** `at` is epoch ms; `strategy` defaults to gradual. */
  | { sub: 'planned'; service: string; to: string | null; at: number; strategy: 'immediate' | 'gradual' }
  | { sub: 'status' | 'history'; service: string | null }
  | { sub: 'pause' | 'resume' | 'abort'; service: string }
  | { sub: 'complaint'; service: string; text: string }
  | { sub: 'help' };

/**
 * `id: null` means "the open incident", which the listener resolves. Ids are upper case.
 * `declare`: `summary` is one line, already cut to DECLARE_SUMMARY_MAX (`clipped` says so).
 */
export type IncidentCommand =
  | { sub: 'declare'; service: string; severity: Tier; summary: string; clipped: boolean }
  | { sub: 'list' }
  | { sub: 'ack' | 'resolve' | 'rca' | 'timeline'; id: string | null }
  | { sub: 'help' };

export type DrillCommand =
  | { sub: 'run'; scenario: string; dryRun: boolean }
  | { sub: 'schedule' | 'history' }
  | { sub: 'report'; id: string }
  | { sub: 'abort'; id: string | null }
  | { sub: 'help' };

export interface ParseContext {
  /** Configured services by name, each with its versions (exact strings, e.g. `v1.5.0`). */
  services: Record<string, { versions: string[] }>;
  /** Configured drill scenario names. */
  scenarios: string[];
  /** Epoch ms the command arrived; planned times are measured from it. */
  now: number;
  /** IANA zone that bare wall-clock times (`14:30`, `2026-01-05 14:30`) are read in. */
  timezone: string;
}

/**
 * `missing_argument.name` is one of `service`, `version` (after `to`), `time` (planned without
 * `at`/`in`, or with nothing after it), `scenario`, `id`, `summary` (declare); its `known` lists what could have been
 * given (services, versions, scenarios) so the reply can name them. `suggestion` is the known name
 * within edit distance 2 of what was typed, when exactly one is nearest.
 */
export type ParseError =
  | { code: 'unknown_subcommand'; given: string; known: string[]; suggestion?: string }
  | { code: 'missing_argument'; name: string; known?: string[] }
  | { code: 'unexpected_argument'; given: string }
  | { code: 'unknown_service'; given: string; known: string[]; suggestion?: string }
  | { code: 'unknown_version'; service: string; given: string; known: string[]; suggestion?: string }
  | { code: 'bad_time'; given: string }
  | { code: 'time_not_in_future'; given: string }
  | { code: 'time_too_far'; given: string }
  | { code: 'unknown_scenario'; given: string; known: string[]; suggestion?: string }
  | { code: 'bad_id'; given: string; expected: string }
  | { code: 'empty_complaint' }
  | { code: 'complaint_too_long'; length: number; max: number };

export type Parsed<T> = { ok: true; command: T } | { ok: false; error: ParseError };

export type CommandName = 'rollback' | 'incident' | 'drill';

export const ROLLBACK_SUBCOMMANDS = [
  'immediate',
  'gradual',
  'planned',
  'status',
  'pause',
  'resume',
  'abort',
  'history',
  'complaint',
  'help',
] as const;
export const INCIDENT_SUBCOMMANDS = ['declare', 'list', 'ack', 'resolve', 'rca', 'timeline', 'help'] as const;
export const DRILL_SUBCOMMANDS = ['run', 'schedule', 'history', 'report', 'abort', 'help'] as const;

export type RollbackSub = (typeof ROLLBACK_SUBCOMMANDS)[number];
export type IncidentSub = (typeof INCIDENT_SUBCOMMANDS)[number];
export type DrillSub = (typeof DRILL_SUBCOMMANDS)[number];

/** A planned rollback may be set at most this far ahead. */
export const PLANNED_MAX_AHEAD_DAYS = 30;
export const PLANNED_MAX_AHEAD_MS = PLANNED_MAX_AHEAD_DAYS * 86_400_000;
/** Longest complaint text, in characters (code points, so Japanese and emoji count as one each). */
export const COMPLAINT_MAX_LENGTH = 1000;
/**
 * A declared incident's summary becomes its title, shown bold in the head message's section (3,000
 * characters) after escaping, which can make each character five (`&amp;`): 500 fits whatever is
 * typed. Longer text is cut, not refused: the incident matters more than the wording.
 */
export const DECLARE_SUMMARY_MAX = 500;
/** The severity flags of `/incident declare`, as typed. */
export const SEVERITY_FLAGS: Record<string, Tier> = {
  '--critical': 'critical',
  '--warning': 'warning',
  '--watch': 'watch',
};

/** The id shapes `/incident` and `/drill report` accept, as shown to people. */
export const INCIDENT_ID_FORMAT = 'INC-YYYYMMDD-NNN';
export const DRILL_ID_FORMAT = 'DRILL-YYYYMMDD-NNN';
