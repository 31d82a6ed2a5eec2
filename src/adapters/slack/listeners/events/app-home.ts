/** App Home: open incidents, rollbacks in progress, the next drill. */
import type { App } from '@slack/bolt';
import { nextCronRuns } from '../../../../services/cron-schedule.ts';
import { homeView } from '../../blocks/home.ts';
import { deliveryOf } from '../../payloads.ts';
import { rollbackView } from '../../view-mapping.ts';
import type { ListenerDeps } from '../context.ts';

export function registerAppHome(app: App, d: ListenerDeps): void {
  app.event('app_home_opened', async ({ context, client }) => {
    const opened = deliveryOf(context, 'event');
    if (opened.tab !== 'home') return;
    const { queries } = d.services;
    const openIncidents = await Promise.all(
      queries.openIncidents().map(async (incident) => {
        if (!incident.slackChannel || !incident.slackTs) return { incident, permalink: null };
        const link = await client.chat
          .getPermalink({ channel: incident.slackChannel, message_ts: incident.slackTs })
          .catch(() => null);
        return { incident, permalink: link?.permalink ?? null };
      }),
    );
    const { drills } = d.config;
    // The drill row armed for the next run names its scenario; before it is armed, the schedule says when.
    const armed = queries.nextDrill(d.clock.now());
    const [next] = armed ? [armed.scheduledFor] : nextCronRuns(drills.schedule, drills.timezone, d.clock.now(), 1);
    const scenario = armed?.scenario ?? drills.scenarios[0]?.name ?? null;
    const view = homeView(
      {
        now: d.clock.now(),
        openIncidents,
        rollbacks: queries.activeRollbacks().map(rollbackView),
        nextDrill: next === undefined ? null : { at: next, scenario, service: drills.service },
        timezone: drills.timezone,
      },
      d.locale,
    );
    await client.views.publish({ user_id: opened.userId, view });
  });
}
