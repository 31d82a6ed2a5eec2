/**
 * Plain mrkdwn answers to slash commands (`/incident list|timeline`, `/rollback status|history`,
 * `/drill schedule`). Pure: everything they show is passed in.
 */
import { formatValue, type Condition } from '../../../domain/conditions.ts';
import { sampleOrder, type MetricName, type MetricSample, type MetricUnit } from '../../../domain/metrics.ts';
import { responseTimes } from '../../../domain/lifecycle.ts';
import type { NewTimelineEvent, TimelineDetails, TimelineKind } from '../../../domain/timeline.ts';
import type { Incident, Tier } from '../../../domain/types.ts';
import { ANSWER_STRINGS } from '../i18n/answers.ts';
import { TIMELINE_JA, type TimelineFormat } from '../i18n/timeline.ts';
import { TIMELINE_REASON_STRINGS } from '../i18n/timeline-reasons.ts';
import type { Locale } from '../i18n/locale.ts';
import { TERMS } from '../i18n/terms.ts';
import { SLACK_LIMITS, clip } from './limits.ts';
import {
  RESOLVED_MARK,
  SEVERITY_MARKER,
  actorName,
  escapeMrkdwn,
  formatElapsed,
  formatPercent,
  formatTimeInZone,
  mention,
} from './format.ts';
import { progressLine, rollbackSplit, versionsText } from './rollback-summary.ts';
import type { RollbackView } from './view-models.ts';

function incidentLine(i: Incident, now: number, locale: Locale): string {
  const t = TERMS[locale];
  const s = ANSWER_STRINGS[locale];
  const drill = i.drill ? ` ${t.drill}` : '';
  const age = formatElapsed((i.resolvedAt ?? now) - i.startedAt, locale);
  const version = i.version ? ` \`${escapeMrkdwn(i.version)}\`` : '';
  const { mttaMs, mttrMs } = responseTimes(i);
  const times = [
    mttaMs === null ? null : s.mtta(formatElapsed(mttaMs, locale)),
    mttrMs === null ? null : s.mttr(formatElapsed(mttrMs, locale)),
  ].filter(Boolean);
  const mark = i.status === 'resolved' ? RESOLVED_MARK : SEVERITY_MARKER[i.severity];
  return (
    `${mark} *${i.id}*${drill} ${escapeMrkdwn(i.service)}${version} · ${t.incidentStatus[i.status]} · ` +
    `${age}${times.length ? ` · ${times.join(' · ')}` : ''}`
  );
}

export function incidentListText(open: Incident[], recentlyResolved: Incident[], now: number, locale: Locale): string {
  const s = ANSWER_STRINGS[locale];
  const lines = [
    s.incidentListHeader,
    ...(open.length ? open.map((i) => incidentLine(i, now, locale)) : [s.incidentListEmpty]),
  ];
  if (recentlyResolved.length)
    lines.push('', s.recentHeader, ...recentlyResolved.map((i) => incidentLine(i, now, locale)));
  return clip(lines.join('\n'), SLACK_LIMITS.sectionText);
}

/** A timeline line as the answer shows it: any stored line (its incident is the answer's). */
export type TimelineLine = NewTimelineEvent;

/**
 * A timeline detail as the English answer shows it, the record's `key=value`: instants (`at`, `…At`)
 * in the team's zone, like every time Rewind writes; a matrix rule by the number the head message
 * gives it (rules count from 1 there, the record keeps the index).
 */
function detailValue(key: string, value: unknown, timezone: string, locale: Locale): string {
  if (typeof value === 'number' && (key === 'at' || key.endsWith('At')) && Number.isFinite(value))
    return formatTimeInZone(value, timezone, locale);
  if (key === 'rule' && typeof value === 'number') return String(value + 1);
  return String(value);
}

/** A line's reason as the English answer shows it: the sentence the record held before reasons were data. */
function englishReason(e: TimelineLine): string | null {
  const en = TIMELINE_REASON_STRINGS.en;
  switch (e.kind) {
    case 'status':
      return e.detail.reason ? en.status(e.detail.reason) : null;
    case 'rollback_succeeded':
    case 'rollback_failed':
    case 'rollback_aborted':
    case 'canary_succeeded':
    case 'canary_failed':
    case 'canary_aborted':
      return e.detail.reason ? en.rollbackEnd(e.detail.reason) : null;
    case 'canary_cancelled':
      return en.canaryCancelled(e.detail.reason);
    case 'escalation':
      return e.detail.reason ? en.escalation(e.detail.reason) : null;
    default:
      return null;
  }
}

function englishLine(e: TimelineLine, timezone: string): { what: string; detail: string } {
  const what = e.kind === 'status' ? `${e.from} → ${e.to}` : e.kind;
  const reason = englishReason(e);
  const detail = Object.entries(e.detail)
    .map(([k, v]): [string, unknown] => [k, k === 'reason' ? reason : v])
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}=${detailValue(k, v, timezone, 'en')}`)
    .join(' ');
  return { what, detail };
}

/** The facts of one line in Japanese: kind and details correlated through the kind's own renderer. */
function japaneseFacts<K extends TimelineKind>(kind: K, detail: TimelineDetails[K], format: TimelineFormat): string {
  const facts: FactsOfKind<K> = TIMELINE_JA.facts[kind];
  return facts(detail, format)
    .filter((f): f is string => f !== null)
    .join(TIMELINE_JA.separator);
}

type FactsOfKind<K extends TimelineKind> = (detail: TimelineDetails[K], format: TimelineFormat) => Array<string | null>;

function japaneseLine(e: TimelineLine, timezone: string): { what: string; detail: string } {
  const format: TimelineFormat = {
    time: (at) => formatTimeInZone(at, timezone, 'ja'),
    elapsed: (ms) => formatElapsed(ms, 'ja'),
  };
  const what = e.kind === 'status' ? TIMELINE_JA.status(e.from, e.to) : TIMELINE_JA.kind[e.kind];
  return { what, detail: japaneseFacts(e.kind, e.detail, format) };
}

/** Who did it: people are mentioned; the bot, a subsystem or an alert source is shown as escaped text. */
function actorText(e: TimelineLine, locale: Locale): string {
  const id = e.actor.id;
  return e.actor.kind === 'user' && id !== 'rewind' ? mention(id) : actorName(id, locale);
}

/** The timeline: time, what, who, and the line's details in brief. */
export function timelineText(
  incidentId: string,
  events: readonly TimelineLine[],
  timezone: string,
  locale: Locale,
): string {
  const s = ANSWER_STRINGS[locale];
  if (events.length === 0) return clip(`${s.timelineHeader(incidentId)}\n${s.timelineEmpty}`, SLACK_LIMITS.sectionText);
  const lines = events.map((e) => {
    const { what, detail } = locale === 'ja' ? japaneseLine(e, timezone) : englishLine(e, timezone);
    const when = formatTimeInZone(e.at, timezone, locale);
    return `\`${when}\` *${escapeMrkdwn(what)}* ${actorText(e, locale)}${detail ? ` — ${escapeMrkdwn(detail)}` : ''}`;
  });
  return clip([s.timelineHeader(incidentId), ...lines].join('\n'), SLACK_LIMITS.sectionText);
}

/** One version's live readings: its share of the traffic (percent) and the sample, null when not read. */
export interface StatusReading {
  version: string;
  weight: number | null;
  sample: MetricSample | null;
  units?: Record<MetricName, MetricUnit>;
}

export interface StatusData {
  service: string;
  version: string | null;
  rollback: RollbackView | null;
  incident: Incident | null;
  tiers: Record<Tier, Condition[]>;
  /** What the metrics read now over `windowMs`; null when no metrics provider is configured. */
  live: { windowMs: number; versions: StatusReading[] } | null;
}

/** The live readings, a line per version taking traffic; only what was read is shown. */
function liveLines(live: StatusData['live'], locale: Locale): string[] {
  const s = ANSWER_STRINGS[locale];
  if (!live) return [s.statusNoMetrics];
  const header = s.statusLiveHeader(formatElapsed(live.windowMs, locale));
  if (live.versions.length === 0) return [header, `• ${s.statusLiveNoAnswer}`];
  const lines = live.versions.map((v) => {
    const read = v.sample === null ? [] : sampleOrder(v.sample);
    const readings =
      v.sample === null
        ? s.statusLiveNoAnswer
        : read.length === 0
          ? s.statusLiveNothingRead
          : read
              .map((m) => `${escapeMrkdwn(m)} ${escapeMrkdwn(formatValue(m, v.sample?.[m] ?? NaN, v.units?.[m]))}`)
              .join(TERMS[locale].listSeparator);
    return s.statusLiveVersion(escapeMrkdwn(v.version), v.weight === null ? null : formatPercent(v.weight), readings);
  });
  return [header, ...lines];
}

export function statusText(d: StatusData, locale: Locale): string {
  const s = ANSWER_STRINGS[locale];
  const t = TERMS[locale];
  const lines = [s.statusHeader(escapeMrkdwn(d.service)), s.statusVersion(escapeMrkdwn(d.version ?? t.unknownVersion))];
  lines.push(d.incident ? s.statusIncident(d.incident.id, t.incidentStatus[d.incident.status]) : s.statusNoIncident);
  if (d.rollback) {
    const r = d.rollback;
    const extra = [rollbackSplit(r, locale), progressLine(r, locale)].filter(Boolean).join(' · ');
    lines.push(
      `${t.strategy[r.strategy]} ${versionsText(r, locale)} · ` +
        `${t.rollbackStatus[r.status]}${extra ? ` · ${extra}` : ''}`,
    );
  } else {
    lines.push(s.statusNoRollback);
  }
  lines.push(s.statusThresholds);
  for (const tier of ['critical', 'warning', 'watch'] as const) {
    lines.push(
      `${SEVERITY_MARKER[tier]} ${t.severity[tier]}: ` +
        `${d.tiers[tier].map((c) => `\`${escapeMrkdwn(c.text)}\``).join(', ')}`,
    );
  }
  lines.push(...liveLines(d.live, locale));
  return clip(lines.join('\n'), SLACK_LIMITS.sectionText);
}

export function historyText(
  service: string | null,
  rollbacks: RollbackView[],
  startedAt: number[],
  timezone: string,
  locale: Locale,
): string {
  const s = ANSWER_STRINGS[locale];
  const t = TERMS[locale];
  if (rollbacks.length === 0)
    return clip(
      `${s.historyHeader(service ? escapeMrkdwn(service) : null)}\n${s.historyEmpty}`,
      SLACK_LIMITS.sectionText,
    );
  const lines = rollbacks.map(
    (r, i) =>
      `\`${formatTimeInZone(startedAt[i] ?? 0, timezone, locale)}\` *${r.id}* ${escapeMrkdwn(r.service)} ` +
      `${t.strategy[r.strategy]} ${versionsText(r, locale)} · ${t.rollbackStatus[r.status]} · ` +
      actorName(r.startedBy, locale),
  );
  return clip([s.historyHeader(service ? escapeMrkdwn(service) : null), ...lines].join('\n'), SLACK_LIMITS.sectionText);
}
