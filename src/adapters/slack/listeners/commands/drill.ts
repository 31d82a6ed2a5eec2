/** `/drill run|schedule|history|report` (SPEC section 4; the drill engine itself is issue 7). */
import type { App } from '@slack/bolt';
import { nextCronRuns } from '../../../../services/cron-schedule.ts';
import type { DrillRecord } from '../../../../store/index.ts';
import { formatTimeInZone } from '../../blocks/format.ts';
import { parseDrill } from '../../commands/drill.ts';
import { helpText, renderParseError } from '../../commands/render.ts';
import { COMMAND } from '../../ids.ts';
import { ANSWER_STRINGS } from '../../i18n/answers.ts';
import { ephemeral, parseContext, refusal, userActor, type ListenerDeps } from '../context.ts';

export function registerDrillCommand(app: App, d: ListenerDeps): void {
  const say = ANSWER_STRINGS[d.locale];
  app.command(COMMAND.drill, async ({ command, ack }) => {
    const parsed = parseDrill(command.text, parseContext(d));
    if (!parsed.ok) return ack(ephemeral(renderParseError('drill', parsed.error, d.locale)));
    const c = parsed.command;
    const { drills } = d.config;
    switch (c.sub) {
      case 'help':
        return ack(ephemeral(helpText('drill', d.locale)));
      case 'schedule': {
        const runs = nextCronRuns(drills.schedule, drills.timezone, d.clock.now(), 4).map((t) => formatTimeInZone(t, drills.timezone, d.locale));
        return ack(ephemeral(say.drillSchedule(drills.schedule, drills.timezone, runs)));
      }
      case 'run': {
        // Injecting faults is as serious as rolling back: approvers only, audited.
        const auth = await d.services.authorizer.authorize(userActor(command.user_id), 'drill.run', drills.service, { scenario: c.scenario, dryRun: c.dryRun });
        if (!auth.ok) return ack(ephemeral(refusal(d, { kind: 'not_approver', action: 'run a drill', approvers: auth.approvers })));
        return ack(ephemeral(say.drillRunLater(c.scenario, drills.service ?? '—', c.dryRun)));
      }
      case 'history': {
        const rows = d.services.queries.drills(10);
        if (rows.length === 0) return ack(ephemeral(say.drillHistoryEmpty));
        const line = (r: DrillRecord) => say.drillLine(r.id, r.scenario, r.service ?? '—', r.status, formatTimeInZone(r.scheduledFor, drills.timezone, d.locale));
        return ack(ephemeral([say.drillHistoryHeader, ...rows.map(line)].join('\n')));
      }
      case 'report': {
        const drill = d.services.queries.drill(c.id);
        if (!drill) return ack(ephemeral(say.drillNotFound(c.id)));
        return ack(ephemeral(say.drillLine(drill.id, drill.scenario, drill.service ?? '—', drill.status, formatTimeInZone(drill.scheduledFor, drills.timezone, d.locale))));
      }
    }
  });
}
