/**
 * Plain mrkdwn answers to slash commands (`/incident list|timeline`, `/rollback status|history`,
 * `/drill schedule`). Pure: everything they show is passed in.
 */
import type { Condition } from '../../../domain/conditions.ts';
import { responseTimes } from '../../../domain/lifecycle.ts';
import type { Incident, Tier } from '../../../domain/types.ts';
import { ANSWER_STRINGS } from '../i18n/answers.ts';
import type { Locale } from '../i18n/locale.ts';
import { TERMS } from '../i18n/terms.ts';
import { SLACK_LIMITS, clip } from './limits.ts';
import { RESOLVED_MARK, SEVERITY_MARKER, escapeMrkdwn, formatElapsed, formatTimeInZone, mention } from './format.ts';
import { progressLine, rollbackSplit, versionsText } from './rollback-summary.ts';
import type { RollbackView } from './view-models.ts';

function incidentLine(i: Incident, now: number, locale: Locale): string {
  const t = TERMS[locale];
  const s = ANSWER_STRINGS[locale];
  const drill = i.drill ? ` ${t.drill}` : '';
  const age = formatElapsed((i.resolvedAt ?? now) - i.startedAt, locale);
  const version = i.version ? ` \`${escapeMrkdwn(i.version)}\`` : '';
  const { mttaMs, mttrMs } = responseTimes(i);
  const times = [mttaMs === null ? null : s.mtta(formatElapsed(mttaMs, locale)), mttrMs === null ? null : s.mttr(formatElapsed(mttrMs, locale))].filter(Boolean);
  const mark = i.status === 'resolved' ? RESOLVED_MARK : SEVERITY_MARKER[i.severity];
  return `${mark} *${i.id}*${drill} ${escapeMrkdwn(i.service)}${version} · ${t.incidentStatus[i.status]} · ${age}${times.length ? ` · ${times.join(' · ')}` : ''}`;
}

export function incidentListText(open: Incident[], recentlyResolved: Incident[], now: number, locale: Locale): string {
  const s = ANSWER_STRINGS[locale];
  const lines = [s.incidentListHeader, ...(open.length ? open.map((i) => incidentLine(i, now, locale)) : [s.incidentListEmpty])];
  if (recentlyResolved.length) lines.push('', s.recentHeader, ...recentlyResolved.map((i) => incidentLine(i, now, locale)));
  return clip(lines.join('\n'), SLACK_LIMITS.sectionText);
}

export interface TimelineLine {
  at: number;
  kind: string;
  actorId: string;
  from?: string | undefined;
  to?: string | undefined;
  detail: Record<string, unknown>;
}

/** The raw timeline: time, what, who, and the event's details in brief. */
/**
 * A timeline detail as people read it: instants (`at`, `…At`) in the team's zone, like every time
 * Rewind writes; a matrix rule by the number the head message gives it (rules count from 1 there,
 * the record keeps the index).
 */
function detailValue(key: string, value: unknown, timezone: string, locale: Locale): string {
  if (typeof value === 'number' && (key === 'at' || key.endsWith('At')) && Number.isFinite(value)) return formatTimeInZone(value, timezone, locale);
  if (key === 'rule' && typeof value === 'number') return String(value + 1);
  return String(value);
}

export function timelineText(incidentId: string, events: TimelineLine[], timezone: string, locale: Locale): string {
  const s = ANSWER_STRINGS[locale];
  if (events.length === 0) return clip(`${s.timelineHeader(incidentId)}\n${s.timelineEmpty}`, SLACK_LIMITS.sectionText);
  const lines = events.map((e) => {
    const what = e.kind === 'status' ? `${e.from ?? '?'} → ${e.to ?? '?'}` : e.kind;
    // People are mentioned; the bot, a subsystem or an alert source is shown as escaped text.
    const who = e.actorId === 'rewind' || !/^[UW]/.test(e.actorId) ? escapeMrkdwn(e.actorId) : mention(e.actorId);
    const detail = Object.entries(e.detail)
      .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
      .map(([k, v]) => `${k}=${detailValue(k, v, timezone, locale)}`)
      .join(' ');
    return `\`${formatTimeInZone(e.at, timezone, locale)}\` *${escapeMrkdwn(what)}* ${who}${detail ? ` — ${escapeMrkdwn(detail)}` : ''}`;
  });
  return clip([s.timelineHeader(incidentId), ...lines].join('\n'), SLACK_LIMITS.sectionText);
}

export interface StatusData {
  service: string;
  version: string | null;
  rollback: RollbackView | null;
  incident: Incident | null;
  tiers: Record<Tier, Condition[]>;
}

export function statusText(d: StatusData, locale: Locale): string {
  const s = ANSWER_STRINGS[locale];
  const t = TERMS[locale];
  const lines = [s.statusHeader(escapeMrkdwn(d.service)), s.statusVersion(escapeMrkdwn(d.version ?? t.unknownVersion))];
  lines.push(d.incident ? s.statusIncident(d.incident.id, t.incidentStatus[d.incident.status]) : s.statusNoIncident);
  if (d.rollback) {
    const r = d.rollback;
    const extra = [rollbackSplit(r, locale), progressLine(r, locale)].filter(Boolean).join(' · ');
    lines.push(`${t.strategy[r.strategy]} ${versionsText(r, locale)} · ${t.rollbackStatus[r.status]}${extra ? ` · ${extra}` : ''}`);
  } else {
    lines.push(s.statusNoRollback);
  }
  lines.push(s.statusThresholds);
  for (const tier of ['critical', 'warning', 'watch'] as const) {
    lines.push(`${SEVERITY_MARKER[tier]} ${t.severity[tier]}: ${d.tiers[tier].map((c) => `\`${escapeMrkdwn(c.text)}\``).join(', ')}`);
  }
  lines.push(s.statusMetricsLater);
  return clip(lines.join('\n'), SLACK_LIMITS.sectionText);
}

export function historyText(service: string | null, rollbacks: RollbackView[], startedAt: number[], timezone: string, locale: Locale): string {
  const s = ANSWER_STRINGS[locale];
  const t = TERMS[locale];
  if (rollbacks.length === 0) return clip(`${s.historyHeader(service ? escapeMrkdwn(service) : null)}\n${s.historyEmpty}`, SLACK_LIMITS.sectionText);
  const lines = rollbacks.map(
    (r, i) =>
      `\`${formatTimeInZone(startedAt[i] ?? 0, timezone, locale)}\` *${r.id}* ${escapeMrkdwn(r.service)} ${t.strategy[r.strategy]} ${versionsText(r, locale)} · ${t.rollbackStatus[r.status]} · ${mention(r.startedBy)}`,
  );
  return clip([s.historyHeader(service ? escapeMrkdwn(service) : null), ...lines].join('\n'), SLACK_LIMITS.sectionText);
}
