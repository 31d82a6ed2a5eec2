/**
 * Every delivery Slack may send Rewind — slash commands, block_actions, view_submissions, Events
 * API callbacks — as a schema, and the parsed, typed value the listeners read instead of Bolt's
 * loosely typed body.
 *
 * The schemas are strict about what Rewind reads and about what Bolt itself reads before any
 * listener or middleware runs (the channel, user, view, event, response_urls of a body): Bolt
 * dereferences those unchecked, so `channel: null` or `view: null` would make it throw and the
 * receiver answer 500. Fields neither reads are let through and dropped from the parsed value.
 * Limits are Slack's own (Block Kit element limits), so anything longer did not come from a
 * message Rewind rendered. The gate that applies the schemas to each delivery is in
 * payload-guard.ts.
 */
import type { Context } from '@slack/bolt';
import { z } from 'zod';
import { ACTION, BLOCK, COMMAND, DRILL_RATE_ACTION, VIEW, type ActionId } from './ids.ts';

export const PAYLOAD_LIMITS = {
  /** action_id, block_id, callback_id. */
  elementId: 255,
  buttonValue: 2000,
  optionValue: 150,
  /** Options of one checkboxes element. */
  checkboxOptions: 10,
  privateMetadata: 3000,
  /** A message's length, the most a slash command's text can be. */
  commandText: 40_000,
  /** Blocks of one modal. */
  modalBlocks: 100,
  url: 2048,
} as const;

// --- what a listener gets ---------------------------------------------------------------------

export interface SlashCommand {
  kind: 'command';
  command: (typeof COMMAND)[keyof typeof COMMAND];
  text: string;
  userId: string;
  channelId: string;
  triggerId: string;
  responseUrl: string;
}

export type ClickAction =
  | { kind: 'select'; actionId: ActionId; value: string }
  | { kind: 'button'; actionId: ActionId; value: string }
  /** The drill scorecard's 1–5 buttons: value `<drill id>:<n>`. */
  | { kind: 'rating'; actionId: ActionId; drillId: string; score: number }
  /** The fix-preparation checkboxes: block `fix_prep:<part>`. */
  | { kind: 'fix_prep'; actionId: ActionId; part: number; selected: string[] }
  /** A drill checklist: block `drill_prep:<drill id>` or `drill_review:<drill id>`. */
  | { kind: 'drill_checklist'; actionId: ActionId; drillId: string; selected: string[] };

export interface Click<A extends ClickAction = ClickAction> {
  kind: 'action';
  userId: string;
  triggerId: string;
  /** Absent on clicks outside messages; then answers go out with chat.postEphemeral. */
  responseUrl: string | null;
  channelId: string | null;
  messageTs: string | null;
  threadTs: string | null;
  action: A;
}

export interface StateEntry {
  type: string;
  value?: string | null | undefined;
  selected_option?: { value: string } | null | undefined;
  selected_options?: Array<{ value: string }> | undefined;
}

export type StateValues = Record<string, Record<string, StateEntry>>;

export interface Submission {
  kind: 'view';
  callbackId: (typeof VIEW)[keyof typeof VIEW];
  userId: string;
  /** Still text: each modal's listener reads its own metadata with its own schema. */
  privateMetadata: string;
  values: StateValues;
}

export interface HomeOpened {
  kind: 'event';
  type: 'app_home_opened';
  userId: string;
  tab: 'home' | 'messages';
}

export type Delivery = SlashCommand | Click | Submission | HomeOpened;

// --- building blocks --------------------------------------------------------------------------

/** A lone UTF-16 surrogate: JSON can carry one, Slack never sends one, and the Web API client's form encoder throws on it. */
const LONE_SURROGATE = /\p{Cs}/u;

const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'is not well-formed Unicode' });
const slackId = z.string().regex(/^[A-Z0-9]{2,32}$/, { message: 'is not a Slack ID' });
const messageTs = z.string().regex(/^\d{1,16}\.\d{1,12}$/, { message: 'is not a message ts' });
const triggerId = z.string().regex(/^[\w.-]{1,255}$/, { message: 'is not a trigger id' });
const responseUrl = z.url({ protocol: /^https?$/ }).max(PAYLOAD_LIMITS.url);
const elementId = text(PAYLOAD_LIMITS.elementId);
/** A record key: also refuses `__proto__`, which would otherwise become the parsed object's prototype. */
const recordKey = elementId.refine((k) => k !== '__proto__', { message: 'is not an element id' });
const option = z.object({ value: text(PAYLOAD_LIMITS.optionValue) });
/** A key Slack never sends on this kind of delivery; JSON has no undefined, so the key must be missing. */
const absent = z.never().optional();

/**
 * Bolt decides what a body is by which of these keys it has (`event` first, then `command`, …) and
 * reads `function_data` to swap the listener's token; on a kind that does not carry them they must
 * be missing, or Bolt would treat the body as something else.
 */
const NOT_AN_EVENT = { event: absent, function_data: absent, bot_access_token: absent } as const;
const NOT_A_COMMAND = { ...NOT_AN_EVENT, command: absent, name: absent } as const;

// --- slash commands ---------------------------------------------------------------------------

const COMMANDS = [COMMAND.rollback, COMMAND.incident, COMMAND.drill] as const;

const SLASH_COMMAND = z
  .object({
    ...NOT_AN_EVENT,
    command: z.enum(COMMANDS),
    text: text(PAYLOAD_LIMITS.commandText),
    user_id: slackId,
    channel_id: slackId,
    team_id: slackId.optional(),
    trigger_id: triggerId,
    response_url: responseUrl,
  })
  .transform(
    (b): SlashCommand => ({ kind: 'command', command: b.command, text: b.text, userId: b.user_id, channelId: b.channel_id, triggerId: b.trigger_id, responseUrl: b.response_url }),
  );

// --- block_actions ----------------------------------------------------------------------------

const SELECT_ACTIONS = [ACTION.userImpact, ACTION.businessImpact, ACTION.fixTime] as const;
const BUTTON_ACTIONS = [
  ACTION.immediate,
  ACTION.gradual,
  ACTION.fix,
  ACTION.nextRelease,
  ACTION.acknowledge,
  ACTION.resolve,
  ACTION.draftRca,
  ACTION.approve,
  ACTION.pause,
  ACTION.resume,
  ACTION.abort,
  ACTION.canaryFix,
  ACTION.drillAbort,
] as const;

const selectedOptions = z.array(option).max(PAYLOAD_LIMITS.checkboxOptions);
const actionBase = { block_id: elementId, action_ts: z.string().max(64).optional() };

const selectAction = z
  .object({ ...actionBase, type: z.literal('static_select'), action_id: z.enum(SELECT_ACTIONS), selected_option: option })
  .transform((a): ClickAction => ({ kind: 'select', actionId: a.action_id, value: a.selected_option.value }));

const buttonAction = z
  .object({ ...actionBase, type: z.literal('button'), action_id: z.enum(BUTTON_ACTIONS), value: text(PAYLOAD_LIMITS.buttonValue).optional() })
  .transform((a): ClickAction => ({ kind: 'button', actionId: a.action_id, value: a.value ?? '' }));

const RATING_VALUE = /^([^:]{1,200}):(\d{1,3})$/;
const ratingAction = z
  .object({ ...actionBase, type: z.literal('button'), action_id: z.string().regex(DRILL_RATE_ACTION), value: z.string().regex(RATING_VALUE, { message: 'is not <drill id>:<score>' }) })
  .transform((a): ClickAction => {
    const [, drillId = '', score = ''] = RATING_VALUE.exec(a.value) ?? [];
    return { kind: 'rating', actionId: ACTION.drillRate, drillId, score: Number(score) };
  });

const FIX_PREP_BLOCK = new RegExp(`^${BLOCK.fixPrep}:(\\d{1,2})$`);
const fixPrepAction = z
  .object({ ...actionBase, type: z.literal('checkboxes'), action_id: z.literal(ACTION.fixPrep), block_id: z.string().regex(FIX_PREP_BLOCK, { message: `is not ${BLOCK.fixPrep}:<part>` }), selected_options: selectedOptions })
  .transform((a): ClickAction => ({ kind: 'fix_prep', actionId: a.action_id, part: Number(FIX_PREP_BLOCK.exec(a.block_id)?.[1]), selected: a.selected_options.map((o) => o.value) }));

function drillChecklistAction(actionId: typeof ACTION.drillPrep | typeof ACTION.drillReview, block: string) {
  const pattern = new RegExp(`^${block}:([^:]{1,200})$`);
  return z
    .object({ ...actionBase, type: z.literal('checkboxes'), action_id: z.literal(actionId), block_id: z.string().regex(pattern, { message: `is not ${block}:<drill id>` }), selected_options: selectedOptions })
    .transform((a): ClickAction => ({ kind: 'drill_checklist', actionId: a.action_id, drillId: pattern.exec(a.block_id)?.[1] ?? '', selected: a.selected_options.map((o) => o.value) }));
}

/** The schema of each action Rewind renders, by action_id. */
const ACTION_SCHEMAS: ReadonlyMap<string, z.ZodType<ClickAction, unknown>> = new Map<string, z.ZodType<ClickAction, unknown>>([
  ...SELECT_ACTIONS.map((id) => [id, selectAction] as const),
  ...BUTTON_ACTIONS.map((id) => [id, buttonAction] as const),
  [ACTION.drillRate, ratingAction],
  [ACTION.fixPrep, fixPrepAction],
  [ACTION.drillPrep, drillChecklistAction(ACTION.drillPrep, BLOCK.drillPrep)],
  [ACTION.drillReview, drillChecklistAction(ACTION.drillReview, BLOCK.drillReview)],
]);

function blockActions(action: z.ZodType<ClickAction, unknown>) {
  return z
    .object({
      ...NOT_A_COMMAND,
      type: z.literal('block_actions'),
      user: z.object({ id: slackId }),
      team: z.object({ id: slackId }).nullable().optional(),
      trigger_id: triggerId,
      response_url: responseUrl.optional(),
      channel: z.object({ id: slackId }).optional(),
      message: z.object({ ts: messageTs, thread_ts: messageTs.optional() }).optional(),
      container: z.object({ channel_id: slackId.optional(), message_ts: messageTs.optional(), thread_ts: messageTs.optional() }).optional(),
      // Slack sends one action per block_actions; Bolt hands the listener the first.
      actions: z.tuple([action]),
    })
    .transform(
      (b): Click => ({
        kind: 'action',
        userId: b.user.id,
        triggerId: b.trigger_id,
        responseUrl: b.response_url ?? null,
        channelId: b.channel?.id ?? b.container?.channel_id ?? null,
        messageTs: b.message?.ts ?? b.container?.message_ts ?? null,
        threadTs: b.message?.thread_ts ?? b.container?.thread_ts ?? null,
        action: b.actions[0],
      }),
    );
}

// --- view_submission --------------------------------------------------------------------------

const STATE_ENTRY = z.object({
  type: text(64),
  value: text(PAYLOAD_LIMITS.privateMetadata).nullable().optional(),
  selected_option: option.nullable().optional(),
  selected_options: z.array(option).max(PAYLOAD_LIMITS.modalBlocks).optional(),
});

const STATE_VALUES = z
  .record(recordKey, z.record(recordKey, STATE_ENTRY))
  .refine((v) => Object.keys(v).length <= PAYLOAD_LIMITS.modalBlocks, { message: `has more blocks than a modal can (${PAYLOAD_LIMITS.modalBlocks})` });

const VIEW_SUBMISSION = z
  .object({
    ...NOT_A_COMMAND,
    actions: absent,
    type: z.literal('view_submission'),
    user: z.object({ id: slackId }),
    team: z.object({ id: slackId }).nullable().optional(),
    trigger_id: triggerId.optional(),
    view: z.object({
      callback_id: z.enum([VIEW.confirmRollback, VIEW.canaryFix]),
      private_metadata: text(PAYLOAD_LIMITS.privateMetadata),
      state: z.object({ values: STATE_VALUES }),
      app_installed_team_id: slackId.optional(),
    }),
    response_urls: z.array(z.object({ response_url: responseUrl })).max(10).optional(),
  })
  .transform((b): Submission => ({ kind: 'view', callbackId: b.view.callback_id, userId: b.user.id, privateMetadata: b.view.private_metadata, values: b.view.state.values }));

// --- Events API -------------------------------------------------------------------------------

const APP_HOME_OPENED = z.object({
  type: z.literal('app_home_opened'),
  user: slackId,
  tab: z.enum(['home', 'messages']),
  channel: slackId.optional(),
  // Bolt looks for a conversation and a user in these; app_home_opened has none of them.
  channel_id: absent,
  item: absent,
  subteam: absent,
});

const EVENT_CALLBACK = z
  .object({
    command: absent,
    function_data: absent,
    bot_access_token: absent,
    type: z.literal('event_callback'),
    event_id: z.string().regex(/^[\w.-]{1,255}$/, { message: 'is not an event id' }),
    team_id: slackId.optional(),
    authorizations: z.array(z.object({ team_id: slackId.nullable().optional(), enterprise_id: slackId.nullable().optional(), is_enterprise_install: z.boolean().optional() })).max(10).optional(),
    event: APP_HOME_OPENED,
  })
  .transform((b): HomeOpened => ({ kind: 'event', type: b.event.type, userId: b.event.user, tab: b.event.tab }));

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
    const actionId = typeof first.action_id === 'string' && DRILL_RATE_ACTION.test(first.action_id) ? ACTION.drillRate : first.action_id;
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
  const problems = parsed.error.issues.slice(0, 4).map((i) => `${i.path.length > 0 ? pathName(i.path) : '(body)'} ${i.message}`);
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
export function clickOf<K extends ClickAction['kind']>(context: Context, kind: K): Click<Extract<ClickAction, { kind: K }>> {
  const click = deliveryOf(context, 'action');
  if (click.action.kind !== kind) throw new Error(`expected a ${kind} action on ${click.action.actionId}, found ${click.action.kind}`);
  return click as Click<Extract<ClickAction, { kind: K }>>;
}
