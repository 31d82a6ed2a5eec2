/**
 * `/drill run|schedule|history|report|abort`. Parse, call the drill service, render;
 * schedule, history and report only where they may be read; run (its dry run too, which shows the
 * plan) and abort only in the drill or incident channel, or by a member of the incident channel (write.ts).
 */
import type { App } from '@slack/bolt';
import type { Scorecard } from '../../../../domain/drills.ts';
import { nextCronRuns } from '../../../../services/cron-schedule.ts';
import type { DrillScores } from '../../../../services/drills.ts';
import { drillHistoryText, drillReportBlocks } from '../../blocks/drill-scorecard.ts';
import { drillPlanText } from '../../blocks/drills.ts';
import { escapeMrkdwn, formatTimeInZone } from '../../blocks/format.ts';
import { parseDrill } from '../../commands/drill.ts';
import { helpText, renderParseError } from '../../commands/render.ts';
import { scenarioView } from '../../drill-messages.ts';
import { COMMAND } from '../../ids.ts';
import { ANSWER_STRINGS } from '../../i18n/answers.ts';
import { DRILL_NOTE_STRINGS } from '../../i18n/drill-notes.ts';
import { DRILL_STRINGS } from '../../i18n/drills.ts';
import { deliveryOf } from '../../payloads.ts';
import { ephemeral, parseContext, refusal, userActor, type ListenerDeps } from '../context.ts';
import type { ReadScope } from '../read-scope.ts';
import { answerRead } from './read.ts';
import { writeGate } from './write.ts';

export function registerDrillCommand(app: App, d: ListenerDeps, scope: ReadScope): void {
  const say = ANSWER_STRINGS[d.locale];
  const notes = DRILL_NOTE_STRINGS[d.locale];
  const s = d.services;
  app.command(COMMAND.drill, async ({ context, ack, respond, client }) => {
    const command = deliveryOf(context, 'command');
    const parsed = parseDrill(command.text, parseContext(d));
    if (!parsed.ok) return ack(ephemeral(renderParseError('drill', parsed.error, d.locale)));
    const c = parsed.command;
    const { drills } = d.config;
    const actor = userActor(command.userId);
    const read = { command, ack, respond, client, topic: 'drills' as const };
    switch (c.sub) {
      case 'help':
        return ack(ephemeral(helpText('drill', d.locale)));
      case 'schedule':
        // The next drill's scenario and service are the team's to know, like its history.
        return answerRead(d, scope, read, () => {
          const runs = nextCronRuns(drills.schedule, drills.timezone, d.clock.now(), 4).map((t) =>
            formatTimeInZone(t, drills.timezone, d.locale),
          );
          const next = s.queries.nextDrill(d.clock.now());
          const lines = [say.drillSchedule(drills.schedule, drills.timezone, runs)];
          if (next)
            lines.push(
              notes.scheduleNext(
                next.id,
                escapeMrkdwn(next.scenario),
                formatTimeInZone(next.scheduledFor, drills.timezone, d.locale),
                DRILL_STRINGS[d.locale].status[next.status],
              ),
            );
          return { text: lines.join('\n') };
        });
      case 'run': {
        // Applying the fault talks to the cluster or the prompt service: answer Slack first.
        const gate = await writeGate(d, scope, read);
        if (!gate) return;
        await gate.ack();
        const result = await s.drills.run(c.scenario, { actor, dryRun: c.dryRun });
        if (!result.ok) return void (await respond(ephemeral(refusal(d, result.refusal))));
        const r = result.value;
        if (r.kind === 'plan') {
          const p = r.plan;
          const text = drillPlanText(
            {
              scenario: scenarioView(p.scenario, p.scenario.name),
              service: p.service,
              version: p.version,
              injector: p.injector,
              lines: p.lines,
              maxDurationMs: p.maxDurationMs,
            },
            d.locale,
          );
          return void (await respond(ephemeral(text)));
        }
        return void (await respond(
          ephemeral(notes.runStarted(r.drill.id, escapeMrkdwn(c.scenario), escapeMrkdwn(r.drill.service ?? '?'))),
        ));
      }
      case 'abort': {
        const gate = await writeGate(d, scope, read);
        if (!gate) return;
        await gate.ack();
        const result = await s.drills.abort(c.id, actor);
        await respond(ephemeral(result.ok ? notes.aborted(result.value.id) : refusal(d, result.refusal)));
        return;
      }
      case 'history':
        return answerRead(d, scope, read, () => {
          const rows = s.drills.history(10).map((r) => ({
            id: r.id,
            scenario: s.drills.scenario(r.scenario)?.title ?? r.scenario,
            service: r.service,
            status: r.status,
            at: r.startedAt ?? r.scheduledFor,
            scorecard: (r.scores as DrillScores | null)?.scorecard ?? (null as Scorecard | null),
          }));
          return { text: drillHistoryText(rows, d.locale, d.config.drills.timezone) };
        });
      case 'report':
        return answerRead(d, scope, read, () => {
          const v = s.drills.view(c.id);
          if (!v) return { text: notes.reportNotFound(c.id) };
          return drillReportBlocks(
            {
              drillId: v.drill.id,
              scenario: scenarioView(v.scenario, v.drill.scenario),
              service: v.drill.service,
              status: v.drill.status,
              at: v.drill.startedAt ?? v.drill.scheduledFor,
              incidentId: v.drill.incidentId,
              scorecard: v.scores?.scorecard ?? null,
              trend: v.trend,
              reviewChecked: v.reviewChecked,
              faultRemoved: v.fault?.removal ?? null,
            },
            d.locale,
            d.config.drills.timezone,
          );
        });
    }
  });
}
