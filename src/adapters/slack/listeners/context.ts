/**
 * What every listener gets: the services it may call, the clock, the locale, and small helpers to
 * turn a Slack user into an actor and a refusal into a sentence. Listeners parse, call one service
 * method and render; the runbook's rules live in the services and the domain.
 */
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../../../config/schema.ts';
import type { Actor } from '../../../domain/types.ts';
import type { Logger } from '../../../logger.ts';
import type { Clock } from '../../../clock.ts';
import type { Services } from '../../../services/index.ts';
import type { Refusal } from '../../../services/refusals.ts';
import { refusalText } from '../blocks/refusals.ts';
import type { ParseContext } from '../commands/types.ts';
import type { Locale } from '../i18n/locale.ts';
import type { Click } from '../payloads.ts';
import { refusalView } from '../view-mapping.ts';

export interface ListenerDeps {
  config: Config;
  services: Services;
  clock: Clock;
  locale: Locale;
  log: Logger;
}

export const userActor = (id: string): Actor => ({ kind: 'user', id });

export function parseContext(d: ListenerDeps): ParseContext {
  return {
    services: Object.fromEntries(
      Object.entries(d.config.services).map(([name, s]) => [name, { versions: s.versions.map((v) => v.version) }]),
    ),
    scenarios: d.config.drills.scenarios.map((s) => s.name),
    now: d.clock.now(),
    timezone: d.config.drills.timezone,
  };
}

export function refusal(d: ListenerDeps, r: Refusal): string {
  return refusalText(refusalView(r, d.services.queries), d.locale, d.config.drills.timezone);
}

/** An ephemeral reply for ack() or respond(). */
export const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });

/**
 * Tells only the person who clicked, leaving the clicked message as it is: through the click's
 * response_url, or — a click that came without one — as an ephemeral message in the click's
 * channel (the incident channel when it names none).
 */
export function tellClicker(
  d: ListenerDeps,
  click: Click,
  respond: RespondFn | undefined,
  client: WebClient,
): (text: string) => Promise<void> {
  return async (text) => {
    if (click.responseUrl !== null && respond) {
      await respond({ ...ephemeral(text), replace_original: false });
      return;
    }
    await client.chat.postEphemeral({
      channel: click.channelId ?? d.config.slack.incidentChannel,
      user: click.userId,
      text,
    });
  };
}
