/**
 * Running a command that changes something only where it may run (../read-scope.ts, writePlaceOf):
 * `/incident ack` from any channel would stop an escalation, `/incident rca` would upload the
 * draft again and confirm the incident to whoever asked. Elsewhere the person is told where to run
 * it and nothing is looked up or changed — not even whether the incident they named exists.
 */
import { READ_SCOPE_STRINGS } from '../../i18n/read-scope.ts';
import { ephemeral, type ListenerDeps } from '../context.ts';
import type { ReadScope, ReadVerdict } from '../read-scope.ts';
import { uncheckedWhy, type ReadRequest } from './read.ts';

/** A command allowed to run: how to answer it, whether or not Slack has been acknowledged yet. */
export interface WriteGate {
  /** Acknowledges the command now, before work that may take longer than Slack's 3 s; once only. */
  ack(): Promise<void>;
  /** The person's answer: in the acknowledgement while it is not sent, else through response_url. */
  answer(text: string): Promise<void>;
}

/** Null when the command may not run here; the person has then been told where it may. */
export async function writeGate(d: ListenerDeps, scope: ReadScope, r: ReadRequest): Promise<WriteGate | null> {
  let acked = false;
  const gate: WriteGate = {
    async ack() {
      if (acked) return;
      acked = true;
      await r.ack();
    },
    async answer(text) {
      if (acked) return void (await r.respond(ephemeral(text)));
      acked = true;
      await r.ack(ephemeral(text));
    },
  };
  const place = scope.writePlaceOf(r.command.channelId, r.topic);
  if (place?.kind === 'full') return gate;
  if (place) {
    await gate.answer(notHereToWrite(d, place, r.topic));
    return null;
  }
  // Asking Slack who is in the incident channel may take longer than Slack waits for the ack.
  await gate.ack();
  const verdict = await scope.checkWriter(r.client, r.command.userId, r.command.channelId);
  if (verdict.kind === 'full') return gate;
  await gate.answer(notHereToWrite(d, verdict, r.topic));
  return null;
}

function notHereToWrite(
  d: ListenerDeps,
  verdict: Exclude<ReadVerdict, { kind: 'full' }>,
  topic: ReadRequest['topic'],
): string {
  const s = READ_SCOPE_STRINGS[d.locale].write;
  const incidents = `<#${d.config.slack.incidentChannel}>`;
  switch (verdict.kind) {
    case 'elsewhere':
      return topic === 'drills'
        ? s.elsewhere.drills(`<#${d.config.slack.drillChannel}>`, incidents)
        : s.elsewhere.incidents(incidents);
    case 'not_member':
      return s.notMember(incidents);
    case 'unchecked':
      return s.unchecked(incidents, uncheckedWhy(d, verdict.why));
  }
}
