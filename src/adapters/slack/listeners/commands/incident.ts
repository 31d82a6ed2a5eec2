/**
 * `/incident declare|list|ack|resolve|rca|timeline`: declare, list and timeline only
 * where incidents may be read; ack, resolve and rca only where incidents are worked on (write.ts).
 * Acknowledging needs no approver — whoever is on call may, as the runbook says — but only a member
 * of the incident channel, and the incident records who.
 */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Refusal } from '../../../../services/refusals.ts';
import { incidentListText, timelineText } from '../../blocks/answers.ts';
import { actorName, formatElapsed, link } from '../../blocks/format.ts';
import { parseIncident } from '../../commands/incident.ts';
import { helpText, renderParseError } from '../../commands/render.ts';
import { COMMAND } from '../../ids.ts';
import { ANSWER_STRINGS } from '../../i18n/answers.ts';
import { NOTE_STRINGS } from '../../i18n/notes.ts';
import { deliveryOf } from '../../payloads.ts';
import { ephemeral, parseContext, refusal, userActor, type ListenerDeps } from '../context.ts';
import type { ReadScope } from '../read-scope.ts';
import { declareIncident } from './declare.ts';
import { answerRead } from './read.ts';
import { writeGate } from './write.ts';

/** The incident a command means: the id given, else the only open one. */
export function targetIncident(d: ListenerDeps, id: string | null, sub: string): { id: string } | { refusal: Refusal } {
  if (id) {
    return d.services.queries.incident(id) ? { id } : { refusal: { kind: 'unknown_incident', incidentId: id } };
  }
  const open = d.services.queries.openIncidents();
  if (open.length === 1 && open[0]) return { id: open[0].id };
  if (open.length === 0) return { refusal: { kind: 'no_open_incident', service: null } };
  return { refusal: { kind: 'several_open_incidents', ids: open.map((i) => i.id), sub } };
}

export function registerIncidentCommand(app: App, d: ListenerDeps, scope: ReadScope): void {
  const say = ANSWER_STRINGS[d.locale];
  app.command(COMMAND.incident, async ({ context, ack, respond, client }) => {
    const command = deliveryOf(context, 'command');
    const parsed = parseIncident(command.text, parseContext(d));
    if (!parsed.ok) return ack(ephemeral(renderParseError('incident', parsed.error, d.locale)));
    const c = parsed.command;
    const { services: s } = d;
    if (c.sub === 'help') return ack(ephemeral(helpText('incident', d.locale)));
    if (c.sub === 'declare') return declareIncident(d, scope, { command, ack, respond, client }, c);
    const read = { command, ack, respond, client, topic: 'incidents' as const };
    if (c.sub === 'list') {
      return answerRead(d, scope, read, () => {
        const recent = s.queries
          .recentIncidents(10)
          .filter((i) => i.status === 'resolved')
          .slice(0, 5);
        return { text: incidentListText(s.queries.openIncidents(), recent, d.clock.now(), d.locale) };
      });
    }
    if (c.sub === 'timeline') {
      // Which incidents exist is part of the answer too: looked up only where it may be read.
      return answerRead(d, scope, read, () => {
        const target = targetIncident(d, c.id, c.sub);
        if ('refusal' in target) return { text: refusal(d, target.refusal) };
        return { text: timelineText(target.id, s.queries.timeline(target.id), d.config.drills.timezone, d.locale) };
      });
    }
    // Which incident is meant is looked up only once the place is allowed: it is part of the answer.
    const gate = await writeGate(d, scope, read);
    if (!gate) return;
    const target = targetIncident(d, c.id, c.sub);
    if ('refusal' in target) return gate.answer(refusal(d, target.refusal));
    const actor = userActor(command.userId);
    switch (c.sub) {
      case 'rca': {
        const drafted = s.rca.draft(target.id, actor);
        if (!drafted.ok) return gate.answer(refusal(d, drafted.refusal));
        if (drafted.value.posted) return gate.answer(NOTE_STRINGS[d.locale].rcaPosted(target.id));
        // The link is asked of Slack, which may take longer than the 3 s Slack waits for the ack.
        await gate.ack();
        return gate.answer(await rcaAlreadyPostedText(d, client, target.id, drafted.value.postedAt));
      }
      case 'ack': {
        const open = s.decisions.openIncident(target.id);
        if (!open.ok) return gate.answer(refusal(d, open.refusal));
        const { incident, outcome } = s.incidents.acknowledge(target.id, actor);
        return gate.answer(
          outcome === 'acknowledged'
            ? say.acknowledged(target.id)
            : say.alreadyAcknowledged(target.id, actorName(incident.acknowledgedBy ?? '?', d.locale)),
        );
      }
      case 'resolve': {
        const resolved = await s.decisions.resolve(target.id, actor);
        return gate.answer(resolved.ok ? say.resolved(target.id) : refusal(d, resolved.refusal));
      }
    }
  });
}

/** The RCA draft was just uploaded and nothing changed since: when, and a link to the thread it is in. */
export async function rcaAlreadyPostedText(
  d: ListenerDeps,
  client: WebClient,
  incidentId: string,
  postedAt: number,
): Promise<string> {
  const s = NOTE_STRINGS[d.locale];
  const incident = d.services.queries.incident(incidentId)?.incident;
  const head =
    incident?.slackChannel && incident.slackTs
      ? { channel: incident.slackChannel, message_ts: incident.slackTs }
      : null;
  const permalink = head ? ((await client.chat.getPermalink(head).catch(() => null))?.permalink ?? null) : null;
  return s.rcaAlreadyPosted(
    incidentId,
    formatElapsed(d.clock.now() - postedAt, d.locale),
    link(permalink, s.rcaThreadLink),
  );
}
