/**
 * The private answers to `/incident declare`: the incident opened, or the one already open that
 * the person is pointed to. Pure; titles and versions are outside text and escaped here.
 */
import type { Incident } from '../../../domain/types.ts';
import { DECLARE_STRINGS } from '../i18n/declare.ts';
import type { Locale } from '../i18n/locale.ts';
import { TERMS } from '../i18n/terms.ts';
import { escapeMrkdwn } from './format.ts';
import { clip } from './limits.ts';

/** An open incident's title quoted back: enough to recognise it, not the whole text. */
const QUOTED_TITLE_MAX = 200;

export interface DeclaredView {
  incident: Incident;
  versionSource: 'router' | 'records';
  /** The summary typed was longer than `max` and was cut. */
  clipped: { max: number } | null;
  /** The incident channel, as `<#C…>`. */
  channel: string;
}

export function declaredText(v: DeclaredView, locale: Locale): string {
  const s = DECLARE_STRINGS[locale];
  const t = TERMS[locale];
  const { incident } = v;
  const version = incident.version
    ? `\`${escapeMrkdwn(incident.version)}\` ` +
      `${v.versionSource === 'router' ? s.versionFromRouter : s.versionFromRecords}`
    : s.versionUnknown;
  const lines = [
    s.declared({
      id: incident.id,
      service: escapeMrkdwn(incident.service),
      version,
      severity: t.severity[incident.severity],
      channel: v.channel,
    }),
  ];
  if (incident.severity === 'critical') lines.push(s.criticalNoAutomatic);
  if (incident.severity === 'watch') lines.push(s.watchQuiet);
  if (incident.drill) lines.push(s.drill(escapeMrkdwn(incident.service)));
  if (v.clipped) lines.push(s.clipped(v.clipped.max));
  return lines.join('\n');
}

export function alreadyOpenText(incident: Incident, channel: string, locale: Locale): string {
  const t = TERMS[locale];
  return DECLARE_STRINGS[locale].alreadyOpen({
    id: incident.id,
    service: escapeMrkdwn(incident.service),
    status: t.incidentStatus[incident.status],
    severity: t.severity[incident.severity],
    // Clipped before escaping, so the cut never falls inside an entity.
    title: escapeMrkdwn(clip(incident.title.replace(/\s+/g, ' '), QUOTED_TITLE_MAX)),
    channel,
  });
}
