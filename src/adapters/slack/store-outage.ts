/**
 * While the database refuses writes (a full disk, a read-only volume, a lock held by a backup),
 * every Slack command and click still reaches its listener (./idempotency.ts lets it through),
 * so read commands — `/incident list`, `/incident timeline`, `/rollback status` — answer from
 * what is stored. A listener that needs to save something fails with the store's refusal before
 * it says anything: listeners report success only after the write they report. This middleware
 * wraps every listener and turns that failure into a private message to the person — nothing was
 * changed, try again in a minute — or, for a Pause or Abort held until it can be recorded
 * (services/held-controls.ts), what happens to the rollback meanwhile. Any other failure goes on
 * to Bolt's error handler as before.
 */
import type { AnyMiddlewareArgs, Middleware, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../clock.ts';
import { ControlHeldError } from '../../services/held-controls.ts';
import { storeRefusal } from '../../store/errors.ts';
import { STORE_OUTAGE_STRINGS } from './i18n/store-outage.ts';
import type { Locale } from './i18n/locale.ts';
import { DELIVERY_CONTEXT_KEY, type Delivery } from './payloads.ts';

export interface StoreOutageOptions {
  /** Where a private message goes when the delivery names no channel (a modal's submission). */
  incidentChannel: string;
  locale: Locale;
  clock: Clock;
  log: { warn(obj: object, msg: string): void };
}

function heldIn(err: unknown, depth = 0): ControlHeldError | null {
  if (err instanceof ControlHeldError) return err;
  const originals = (err as { originals?: unknown } | null)?.originals;
  if (!Array.isArray(originals) || depth > 2) return null;
  for (const inner of originals) {
    const found = heldIn(inner, depth + 1);
    if (found) return found;
  }
  return null;
}

export function tellStoreRefusals(o: StoreOutageOptions): Middleware<AnyMiddlewareArgs> {
  const say = STORE_OUTAGE_STRINGS[o.locale];
  let lastSaid = -Infinity;
  let unsaid = 0;
  return async (args) => {
    try {
      await args.next();
    } catch (err) {
      const held = heldIn(err);
      const refusal = held?.refusal ?? storeRefusal(err);
      if (!refusal) throw err;
      const delivery = args.context[DELIVERY_CONTEXT_KEY] as Delivery | undefined;
      // Once when it starts, then at most once a minute with how many meanwhile: not per delivery.
      unsaid++;
      const now = o.clock.now();
      if (now - lastSaid >= 60_000) {
        o.log.warn(
          { code: refusal.code, deliveries: unsaid, last: delivery?.kind ?? 'unknown' },
          'Slack requests needed a write the database refused; each person was told nothing was changed',
        );
        lastSaid = now;
        unsaid = 0;
      }
      const text = held ? say.held(refusal, held.control, held.rollbackId) : say.notSaved(refusal);
      // Not awaited: the payload gate acknowledges the delivery once this returns, and a slow
      // response_url must not keep Slack waiting past its 3 seconds.
      void tell(args, delivery, text, o.incidentChannel).catch((e: unknown) =>
        o.log.warn({ err: (e as Error).message }, 'could not tell a person that Rewind cannot save right now'),
      );
    }
  };
}

async function tell(
  args: AnyMiddlewareArgs,
  delivery: Delivery | undefined,
  text: string,
  incidentChannel: string,
): Promise<void> {
  const respond = (args as { respond?: RespondFn }).respond;
  const client = (args as unknown as { client: WebClient }).client;
  if (!delivery || delivery.kind === 'event') return;
  if (delivery.kind === 'command' && respond) return void (await respond({ response_type: 'ephemeral', text }));
  if (delivery.kind === 'action' && delivery.responseUrl !== null && respond) {
    return void (await respond({ response_type: 'ephemeral', replace_original: false, text }));
  }
  const channel = delivery.kind === 'action' ? (delivery.channelId ?? incidentChannel) : incidentChannel;
  await client.chat.postEphemeral({ channel, user: delivery.userId, text });
}
