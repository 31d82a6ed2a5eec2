/**
 * Every delivery Slack may send Rewind — slash commands, block_actions, view_submissions, Events
 * API callbacks — as a schema, and the parsed, typed value the listeners read instead of Bolt's
 * loosely typed body.
 *
 * The schemas are strict about what Rewind reads and about what Bolt itself reads before any
 * listener or middleware runs (the channel, user, view, event, response_urls of a body): Bolt
 * dereferences those unchecked, so `channel: null` or `view: null` would make it throw and the
 * receiver answer 500. Fields neither reads are let through and dropped from the parsed value.
 *
 * The typed values are in payload-types.ts, Slack's limits and the field schemas in
 * payload-fields.ts, the schemas of each kind in payload-schemas.ts and payload-action-schemas.ts.
 * This file parses a body with them and hands the result to the listeners; listeners and the gate
 * that applies it to each delivery (payload-guard.ts) import from here.
 */
import type { Context } from '@slack/bolt';
import type { z } from 'zod';
import { ACTION, DRILL_RATE_ACTION } from './ids.ts';
import { ACTION_SCHEMAS, blockActions } from './payload-action-schemas.ts';
import { EVENT_CALLBACK, SLASH_COMMAND, VIEW_SUBMISSION } from './payload-schemas.ts';
import type { Click, ClickAction, Delivery } from './payload-types.ts';

export { PAYLOAD_LIMITS } from './payload-fields.ts';
export type {
  Click,
  ClickAction,
  Delivery,
  HomeOpened,
  SlashCommand,
  StateEntry,
  StateValues,
  Submission,
} from './payload-types.ts';

// --- parsing ----------------------------------------------------------------------------------

export type ParseOutcome = { ok: true; delivery: Delivery } | { ok: false; shape: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A name for a string Slack chose (an event type), or `?` for anything that is not plainly one. */
const label = (v: unknown) => (typeof v === 'string' && /^[a-z_]{1,40}$/.test(v) ? v : '?');

/**
 * Parses a delivery's body, classified the way Bolt classifies it (an `event` key first, then
 * `command`, options, `actions`, shortcuts, views). A body that fails names its shape: the kind
 * and which fields were wrong how, never their values, so the log line carries no payload content
 * and one broken client produces one shape however often it sends.
 */
export function parseDelivery(body: unknown): ParseOutcome {
  if (!isRecord(body)) return { ok: false, shape: 'not a JSON object' };
  if (body.event !== undefined) {
    const type = isRecord(body.event) ? label(body.event.type) : '?';
    return run(EVENT_CALLBACK, body, `event ${type}`);
  }
  if (body.command !== undefined) return run(SLASH_COMMAND, body, 'slash command');
  if (body.name !== undefined || body.type === 'block_suggestion') return { ok: false, shape: 'options request' };
  if (body.actions !== undefined || body.type === 'dialog_submission') {
    const first = Array.isArray(body.actions) && isRecord(body.actions[0]) ? body.actions[0] : null;
    if (!first) return { ok: false, shape: `${label(body.type)}: actions is not a list of actions` };
    // Each rating button has its own action_id (drill_rate:<n>); they share one schema.
    const actionId =
      typeof first.action_id === 'string' && DRILL_RATE_ACTION.test(first.action_id)
        ? ACTION.drillRate
        : first.action_id;
    const schema = typeof actionId === 'string' ? ACTION_SCHEMAS.get(actionId) : undefined;
    if (!schema) return { ok: false, shape: `${label(body.type)}: actions.0.action_id is not one Rewind renders` };
    return run(blockActions(schema), body, `block_actions ${String(first.action_id)}`);
  }
  if (body.type === 'view_submission') return run(VIEW_SUBMISSION, body, 'view_submission');
  return { ok: false, shape: `type ${label(body.type)}` };
}

function run(schema: z.ZodType<Delivery, unknown>, body: Record<string, unknown>, kind: string): ParseOutcome {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, delivery: parsed.data };
  const problems = parsed.error.issues
    .slice(0, 4)
    .map((i) => `${i.path.length > 0 ? pathName(i.path) : '(body)'} ${i.message}`);
  return { ok: false, shape: `${kind}: ${problems.join('; ')}`.slice(0, 400) };
}

/** A field's path for a shape; the sender's own keys (a modal's block and action ids) become `*`. */
function pathName(path: ReadonlyArray<PropertyKey>): string {
  const inState = path[0] === 'view' && path[1] === 'state' && path[2] === 'values';
  return path.map((p, i) => (inState && (i === 3 || i === 4) ? '*' : String(p))).join('.');
}

// --- reading it back in a listener ------------------------------------------------------------

/** The context key the guard stores the parsed delivery under (a Bolt custom property). */
export const DELIVERY_CONTEXT_KEY = 'rewindDelivery';

/**
 * The parsed delivery of this request. Throws (to app.error) when there is none or it is another
 * kind: that means the guard is not installed or a listener is registered on the wrong id, both
 * bugs, never something a sender can cause.
 */
export function deliveryOf<K extends Delivery['kind']>(context: Context, kind: K): Extract<Delivery, { kind: K }> {
  const d = context[DELIVERY_CONTEXT_KEY] as Delivery | undefined;
  if (d?.kind !== kind) throw new Error(`expected a parsed ${kind} delivery, found ${d ? d.kind : 'none'}`);
  return d as Extract<Delivery, { kind: K }>;
}

/** A click whose action is of the given kind (buttons, selects, checklists: see ClickAction). */
export function clickOf<K extends ClickAction['kind']>(
  context: Context,
  kind: K,
): Click<Extract<ClickAction, { kind: K }>> {
  const click = deliveryOf(context, 'action');
  if (click.action.kind !== kind)
    throw new Error(`expected a ${kind} action on ${click.action.actionId}, found ${click.action.kind}`);
  return click as Click<Extract<ClickAction, { kind: K }>>;
}
