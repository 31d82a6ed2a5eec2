/**
 * `/incident declare <service> [--critical|--warning|--watch] <summary…>`: a person opens an
 * incident (services/declarations.ts).
 *
 * Who may: whoever may read incidents, in the places read commands answer in full (../read-scope.ts):
 * Rewind's channels, or the bot's DM for a member of the incident channel. Declaring moves no
 * traffic, so it needs no approver; but its answer names the open incident of the service, and its
 * message lands in the incident channel, so it is not for someone outside it.
 *
 * Slack's redeliveries never reach this listener: the delivery's trigger_id is remembered before any
 * listener runs (idempotency.ts), and a service holds one open incident at a time besides.
 */
import type { IncidentCommand } from '../../commands/types.ts';
import { DECLARE_SUMMARY_MAX } from '../../commands/types.ts';
import { alreadyOpenText, declaredText } from '../../blocks/declare.ts';
import { describeParseError } from '../../commands/render.ts';
import { ephemeral, userActor, type ListenerDeps } from '../context.ts';
import type { ReadScope } from '../read-scope.ts';
import { notHereText, type ReadRequest } from './read.ts';

type Declare = Extract<IncidentCommand, { sub: 'declare' }>;

export async function declareIncident(
  d: ListenerDeps,
  scope: ReadScope,
  r: Omit<ReadRequest, 'topic'>,
  c: Declare,
): Promise<void> {
  const { declarations } = d.services;
  const channel = `<#${d.config.slack.incidentChannel}>`;
  const place = scope.placeOf(r.command.channelId);
  if (place && place.kind !== 'full') return r.ack(ephemeral(notHereText(d, place, 'incidents')));
  if (place) {
    // Answered at once when it can be: the open incident is a database read.
    const open = declarations.openFor(c.service);
    if (open) return r.ack(ephemeral(alreadyOpenText(open, channel, d.locale)));
    // Reading the router may take longer than the 3 s Slack waits: the answer follows by response_url.
    await r.ack();
  } else {
    await r.ack();
    const verdict = await scope.checkDm(r.client, r.command.userId, r.command.channelId);
    if (verdict.kind !== 'full') return void (await r.respond(ephemeral(notHereText(d, verdict, 'incidents'))));
  }
  const outcome = await declarations.declare(
    { service: c.service, severity: c.severity, summary: c.summary },
    userActor(r.command.userId),
  );
  const text =
    outcome.kind === 'declared'
      ? declaredText(
          {
            incident: outcome.incident,
            versionSource: outcome.versionSource,
            clipped: c.clipped ? { max: DECLARE_SUMMARY_MAX } : null,
            channel,
          },
          d.locale,
        )
      : outcome.kind === 'already_open'
        ? alreadyOpenText(outcome.incident, channel, d.locale)
        : `⚠️ ${describeParseError(
            'incident',
            { code: 'unknown_service', given: c.service, known: outcome.known },
            d.locale,
          )}`;
  await r.respond(ephemeral(text));
}
