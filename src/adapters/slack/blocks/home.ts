/**
 * The App Home tab: open incidents, rollbacks in progress and the next drill, each with a
 * friendly empty state. Times are shown in the team's configured zone (drills.timezone) because the
 * drill schedule is defined in it.
 */
import type { HomeView, KnownBlock } from '@slack/types';
import { HOME_STRINGS, type HomeStrings } from '../i18n/home.ts';
import type { Locale } from '../i18n/locale.ts';
import { TERMS } from '../i18n/terms.ts';
import { COMMAND } from '../ids.ts';
import { context, divider, header, section } from './elements.ts';
import { SEVERITY_MARKER, escapeMrkdwn, formatElapsed, formatTimeInZone, link } from './format.ts';
import { progressLine, rollbackSplit, versionsText } from './rollback-summary.ts';
import type { HomeData, RollbackView } from './view-models.ts';

/** Items listed per section; the rest is counted and pointed at the command that lists everything. */
export const HOME_LIST_MAX = 20;
const DRILL_MARK = '🧪';

export function homeView(data: HomeData, locale: Locale): HomeView {
  const s = HOME_STRINGS[locale];
  const blocks: KnownBlock[] = [
    header(s.title),
    context([s.updatedAt(formatTimeInZone(data.now, data.timezone, locale))]),
    divider(),
    ...incidentBlocks(data, s, locale),
    divider(),
    ...rollbackBlocks(data, s, locale),
    divider(),
    ...drillBlocks(data, s, locale),
  ];
  return { type: 'home', blocks };
}

function incidentBlocks(data: HomeData, s: HomeStrings, locale: Locale): KnownBlock[] {
  const terms = TERMS[locale];
  const blocks: KnownBlock[] = [header(s.openIncidentsHeading(data.openIncidents.length))];
  if (data.openIncidents.length === 0) return [...blocks, section(s.noOpenIncidents)];
  for (const { incident, permalink } of data.openIncidents.slice(0, HOME_LIST_MAX)) {
    const drill = incident.drill ? `${DRILL_MARK} ${terms.drill} · ` : '';
    const version = incident.version ? ` \`${escapeMrkdwn(incident.version)}\`` : '';
    const facts = [
      `${SEVERITY_MARKER[incident.severity]} ${drill}*${link(permalink, escapeMrkdwn(incident.id))}*`,
      `${escapeMrkdwn(incident.service)}${version}`,
      terms.incidentStatus[incident.status],
      s.elapsed(formatElapsed(data.now - incident.startedAt, locale)),
    ];
    const title = incident.title ? `\n${escapeMrkdwn(incident.title)}` : '';
    blocks.push(section(facts.join(' · ') + title));
  }
  if (data.openIncidents.length > HOME_LIST_MAX) {
    blocks.push(context([s.more(data.openIncidents.length - HOME_LIST_MAX, `${COMMAND.incident} list`)]));
  }
  return blocks;
}

function rollbackLine(r: RollbackView, data: HomeData, s: HomeStrings, locale: Locale): string {
  const terms = TERMS[locale];
  const lines = [
    `*${escapeMrkdwn(r.service)}* · ${terms.strategy[r.strategy]} · ${terms.rollbackStatus[r.status]}`,
    versionsText(r, locale),
  ];
  const state = [rollbackSplit(r, locale), progressLine(r, locale)].filter((p): p is string => p !== null);
  if (state.length > 0) lines.push(state.join(' '));
  if (r.status === 'pending') lines.push(s.waitingApproval(r.approvals.have, r.approvals.need));
  if (r.status === 'scheduled' && r.scheduledFor !== null)
    lines.push(s.scheduledFor(formatTimeInZone(r.scheduledFor, data.timezone, locale)));
  return lines.join('\n');
}

function rollbackBlocks(data: HomeData, s: HomeStrings, locale: Locale): KnownBlock[] {
  const blocks: KnownBlock[] = [header(s.rollbacksHeading(data.rollbacks.length))];
  if (data.rollbacks.length === 0) return [...blocks, section(s.noRollbacks)];
  for (const r of data.rollbacks.slice(0, HOME_LIST_MAX)) blocks.push(section(rollbackLine(r, data, s, locale)));
  if (data.rollbacks.length > HOME_LIST_MAX) {
    blocks.push(context([s.more(data.rollbacks.length - HOME_LIST_MAX, `${COMMAND.rollback} status`)]));
  }
  return blocks;
}

function drillBlocks(data: HomeData, s: HomeStrings, locale: Locale): KnownBlock[] {
  const blocks: KnownBlock[] = [header(s.nextDrillHeading)];
  const drill = data.nextDrill;
  if (drill === null) return [...blocks, section(s.noDrill)];
  const when = s.drillAt(formatTimeInZone(drill.at, data.timezone, locale));
  const lines = [drill.at > data.now ? `${when} ${s.drillIn(formatElapsed(drill.at - data.now, locale))}` : when];
  lines.push(drill.scenario === null ? s.drillScenarioUnset : s.drillScenario(escapeMrkdwn(drill.scenario)));
  if (drill.service !== null) lines.push(s.drillService(escapeMrkdwn(drill.service)));
  return [...blocks, section(lines.join('\n'))];
}
