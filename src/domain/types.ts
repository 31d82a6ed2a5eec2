/** Shapes shared by the domain core, the services and the store. Plain data, no behaviour. */

/** Trigger tiers of the runbook, most severe first. */
export const TIERS = ['critical', 'warning', 'watch'] as const;
export type Tier = (typeof TIERS)[number];

/** What the judgment matrix can recommend. */
export const ACTIONS = ['immediate', 'gradual', 'fix', 'next_release'] as const;
export type Action = (typeof ACTIONS)[number];

export const USER_IMPACTS = ['all', 'partial', 'minor'] as const;
export type UserImpact = (typeof USER_IMPACTS)[number];
export const BUSINESS_IMPACTS = ['high', 'medium', 'low'] as const;
export type BusinessImpact = (typeof BUSINESS_IMPACTS)[number];
export const FIX_TIMES = ['short', 'medium', 'long'] as const;
export type FixTime = (typeof FIX_TIMES)[number];

export const INCIDENT_STATUSES = [
  'detected',
  'awaiting_decision',
  'rolling_back',
  'verifying',
  'resolved',
  'fixing',
  'deferred',
  'escalated',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/**
 * A person who acted somewhere other than Slack: from the break-glass command line, naming their
 * Slack user ID with `--as`, under the operating-system account it ran as.
 */
export interface ActorVia {
  kind: 'cli';
  osUser: string;
}

/** Who did something: a Slack user, the bot itself (automatic rollback), or the system (timers). */
export interface Actor {
  kind: 'user' | 'bot' | 'system';
  /** Slack user ID for users; `rewind` for the bot; the subsystem name for the system. */
  id: string;
  /** Absent when a user acted in Slack; the command line's mark when they acted from it. */
  via?: ActorVia;
}

export const BOT_ACTOR: Actor = { kind: 'bot', id: 'rewind' };

export interface Incident {
  /** Stable ticket ID, `INC-YYYYMMDD-NNN`. */
  id: string;
  service: string;
  /** The version that misbehaves, when known. */
  version: string | null;
  severity: Tier;
  status: IncidentStatus;
  title: string;
  /** A rehearsal: shown as such everywhere and left out of real MTTA/MTTR. */
  drill: boolean;
  /** Epoch ms of detection; escalation counts from here. */
  startedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
  /** The head message in the incident channel, once posted. */
  slackChannel: string | null;
  slackTs: string | null;
}

/** One line of an incident's timeline: a tagged union, one variant per kind (see timeline.ts). */
export type { TimelineEvent } from './timeline.ts';
