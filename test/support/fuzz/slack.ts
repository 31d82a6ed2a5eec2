/**
 * Signed-ready Slack deliveries for fuzzing Rewind: built with the same payload builders the flow
 * tests use (slack-signing.ts: the shapes of Slack's reference pages), for every slash command,
 * every action_id of ids.ts, every modal callback_id and the subscribed event, then mutated —
 * missing fields, nulls, wrong types, huge strings, lone surrogates, bad percent-encoding, ids
 * Rewind never renders, bodies corrupted on the wire. Each delivery carries the verdict of its
 * changes (mutations.ts): `refused` ones must change nothing anywhere.
 *
 * Deterministic for a seed: every id and timestamp comes from the generator, none from the clock.
 *
 *   sampleSlackDeliveries({ seed: 42, count: 10_000, context })   // 10,000 of all kinds
 *   sampleSlackDeliveries({ seed: 42, count: 10_000, context, kinds: ['block_actions'] })
 */
import { parse as parseQuery } from 'node:querystring';
import fc from 'fast-check';
import { ACTION, BLOCK, COMMAND, VIEW } from '../../../src/adapters/slack/ids.ts';
import { BUSINESS_IMPACTS, FIX_TIMES, USER_IMPACTS } from '../../../src/domain/types.ts';
import { FIX_PREPARATION } from '../../../src/domain/checklists.ts';
import { DRILL_PREPARATION, DRILL_REVIEW } from '../../../src/domain/drill-checklists.ts';
import {
  appHomeOpenedEvent,
  blockActionsPayload,
  eventCallbackPayload,
  selectState,
  signature,
  slashCommandPayload,
  viewSubmissionPayload,
} from '../slack-signing.ts';
import {
  BAD_PERCENT,
  junkString,
  mutate,
  plausible,
  rarely,
  type FieldSpec,
  type Json,
  type Mutated,
  type Verdict,
} from './mutations.ts';
import { commandText, confirmMetadata, canaryMetadata } from './slack-values.ts';

export interface SlackFuzzContext {
  /** Who sends: keep approvers out when a test must not see rollbacks start. */
  users: readonly string[];
  channel: string;
  /** Values the buttons and commands name; any strings, real or not. */
  incidentIds: readonly string[];
  rollbackIds: readonly string[];
  drillIds: readonly string[];
  messageTs: readonly string[];
  services: readonly string[];
  versions: readonly string[];
  scenarios: readonly string[];
  /** The response_url every delivery carries (a stand-in's). */
  responseUrl: string;
}

export type SlackKind = 'command' | 'block_actions' | 'view_submission' | 'event';
export const SLACK_KINDS: readonly SlackKind[] = ['command', 'block_actions', 'view_submission', 'event'];

export interface SlackFuzzDelivery {
  kind: SlackKind;
  /** The template and each change made to it, for a failure message. */
  describe: string;
  verdict: Verdict;
  /** What Slack posts to the Request URL in HTTP mode. */
  http: { body: string; contentType: 'application/x-www-form-urlencoded' | 'application/json' };
  /** What Slack pushes over Socket Mode; null for a change that exists only on the wire (a corrupted form body). */
  socket: { type: 'slash_commands' | 'interactive' | 'events_api'; payload: Json } | null;
}

/** Headers of a signed request for the delivery, as Slack signs it (v0, HMAC-SHA256). */
export function signedHeaders(
  d: SlackFuzzDelivery,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    'content-type': d.http.contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature(secret, d.http.body, timestamp),
  };
}

/**
 * The body Bolt's HTTP receiver hands the app for this delivery, read the way it reads it (form
 * fields, `payload` JSON); `undefined` when Bolt itself refuses the body (400) before the app.
 */
export function bodyAsBoltReadsIt(d: SlackFuzzDelivery): unknown {
  try {
    if (d.http.contentType === 'application/json') return JSON.parse(d.http.body) as unknown;
    const form = parseQuery(d.http.body);
    return typeof form.payload === 'string' ? (JSON.parse(form.payload) as unknown) : { ...form };
  } catch {
    return undefined;
  }
}

// --- ids ----------------------------------------------------------------------------------------

const triggerId = plausible('trigger') as fc.Arbitrary<string>;
const actionTs = plausible('ts') as fc.Arbitrary<string>;
const eventId = fc
  .uint8Array({ minLength: 5, maxLength: 5 })
  .map((b) => `Ev0${Buffer.from(b).toString('hex').toUpperCase()}`);
const viewId = fc
  .uint8Array({ minLength: 4, maxLength: 4 })
  .map((b) => `V0${Buffer.from(b).toString('hex').toUpperCase()}`);
const pick = <T>(values: readonly T[], fallback: fc.Arbitrary<T>) =>
  values.length > 0 ? fc.oneof(fc.constantFrom(...values), fallback) : fallback;

// --- slash commands -----------------------------------------------------------------------------

const COMMAND_FIELDS: readonly FieldSpec[] = [
  { path: ['command'], kind: 'literal', required: true, allowed: Object.values(COMMAND) },
  { path: ['text'], kind: 'text', required: true, max: 40_000 },
  { path: ['user_id'], kind: 'id', required: true },
  { path: ['channel_id'], kind: 'id', required: true },
  { path: ['team_id'], kind: 'id', required: false },
  { path: ['trigger_id'], kind: 'trigger', required: true },
  { path: ['response_url'], kind: 'url', required: true },
];

export function slashCommands(ctx: SlackFuzzContext): fc.Arbitrary<SlackFuzzDelivery> {
  const template = fc
    .record({
      command: fc.constantFrom(...Object.values(COMMAND)),
      user: fc.constantFrom(...ctx.users),
      trigger: triggerId,
    })
    .chain(({ command, user, trigger }) =>
      commandText(ctx, command).map(
        (text) =>
          slashCommandPayload({
            command,
            text,
            user_id: user,
            channel_id: ctx.channel,
            trigger_id: trigger,
            response_url: ctx.responseUrl,
          }) as Json,
      ),
    );
  return fc
    .tuple(
      mutate(template, () => COMMAND_FIELDS, { form: true }),
      rarely(fc.constantFrom(...BAD_PERCENT), 8),
    )
    .map(([m, rawText]) => {
      const payload = m.value as Record<string, Json>;
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(payload))
        for (const one of Array.isArray(v) ? v : [v])
          form.append(k, typeof one === 'string' ? one : JSON.stringify(one));
      let body = form.toString();
      const changes = [...m.changes];
      // Invalid percent-encoding written on the wire, where no encoder would let it through.
      if (rawText !== null && typeof payload.text === 'string') {
        body = body.replace(/(^|&)text=[^&]*/, (all) => `${all}${rawText}`);
        changes.push(`raw ${JSON.stringify(rawText)} appended to the encoded text`);
      }
      return {
        kind: 'command' as const,
        describe: describe(`${String(payload.command)} ${JSON.stringify(String(payload.text)).slice(0, 60)}`, changes),
        verdict: m.verdict,
        http: { body, contentType: 'application/x-www-form-urlencoded' as const },
        socket: rawText === null ? { type: 'slash_commands' as const, payload } : null,
      };
    });
}

// --- block_actions ------------------------------------------------------------------------------

const SELECTS: Record<string, readonly string[]> = {
  [ACTION.userImpact]: USER_IMPACTS,
  [ACTION.businessImpact]: BUSINESS_IMPACTS,
  [ACTION.fixTime]: FIX_TIMES,
};
const CHECKLISTS: Record<string, { block: (ctx: SlackFuzzContext) => fc.Arbitrary<string>; keys: readonly string[] }> =
  {
    [ACTION.fixPrep]: {
      block: () => fc.constantFrom(`${BLOCK.fixPrep}:0`, `${BLOCK.fixPrep}:1`, `${BLOCK.fixPrep}:7`),
      keys: FIX_PREPARATION.map((i) => i.key),
    },
    [ACTION.drillPrep]: {
      block: (ctx) => pick(ctx.drillIds, junkString).map((id) => `${BLOCK.drillPrep}:${id}`),
      keys: DRILL_PREPARATION.map((i) => i.key),
    },
    [ACTION.drillReview]: {
      block: (ctx) => pick(ctx.drillIds, junkString).map((id) => `${BLOCK.drillReview}:${id}`),
      keys: DRILL_REVIEW.map((i) => i.key),
    },
  };

/** What a button carries: an incident id, a rollback id, a drill id, `<drill>:<score>`. */
function buttonValue(actionId: string, ctx: SlackFuzzContext): fc.Arbitrary<string> {
  if (actionId === ACTION.drillRate)
    return fc.tuple(pick(ctx.drillIds, junkString), fc.integer({ min: -1, max: 7 })).map(([id, n]) => `${id}:${n}`);
  if (actionId === ACTION.drillAbort) return pick(ctx.drillIds, junkString);
  if ([ACTION.approve, ACTION.pause, ACTION.resume, ACTION.abort].includes(actionId as never))
    return pick(ctx.rollbackIds, junkString);
  return pick(ctx.incidentIds, junkString);
}

function clickTemplate(ctx: SlackFuzzContext): fc.Arbitrary<Json> {
  return fc.constantFrom(...Object.values(ACTION)).chain((actionId) => {
    const base = fc.record({
      user: fc.constantFrom(...ctx.users),
      messageTs: pick(ctx.messageTs, actionTs),
      threadTs: fc.option(pick(ctx.messageTs, actionTs)),
      triggerId,
      actionTs,
    });
    const element = SELECTS[actionId]
      ? fc
          .constantFrom(...(SELECTS[actionId] ?? []))
          .map((value) => ({ selectedOption: { text: value, value }, blockId: BLOCK.matrix }))
      : CHECKLISTS[actionId]
        ? fc
            .tuple(CHECKLISTS[actionId].block(ctx), fc.subarray([...(CHECKLISTS[actionId]?.keys ?? [])]))
            .map(([blockId, checked]) => ({ checked, blockId }))
        : buttonValue(actionId, ctx).map((value) => ({ value, blockId: BLOCK.decisions }));
    return fc.tuple(base, element).map(([b, e]) => {
      const p = blockActionsPayload({
        ...e,
        actionId,
        user: b.user,
        channel: ctx.channel,
        messageTs: b.messageTs,
        triggerId: b.triggerId,
        actionTs: b.actionTs,
        responseUrl: ctx.responseUrl,
        ...(b.threadTs ? { threadTs: b.threadTs } : {}),
      });
      return p as Json;
    });
  });
}

function clickFields(p: Json): FieldSpec[] {
  const action = ((p as { actions?: Json[] }).actions?.[0] ?? {}) as Record<string, Json>;
  const at = ['actions', 0] as const;
  const fields: FieldSpec[] = [
    { path: ['type'], kind: 'literal', required: true, allowed: ['block_actions'] },
    { path: ['user'], kind: 'object', required: true },
    { path: ['user', 'id'], kind: 'id', required: true },
    { path: ['team'], kind: 'object', required: false, nullable: true },
    { path: ['team', 'id'], kind: 'id', required: true },
    { path: ['trigger_id'], kind: 'trigger', required: true },
    { path: ['response_url'], kind: 'url', required: false, max: 2048 },
    { path: ['channel'], kind: 'object', required: false },
    { path: ['channel', 'id'], kind: 'id', required: true },
    { path: ['message'], kind: 'object', required: false },
    { path: ['message', 'ts'], kind: 'ts', required: true },
    { path: ['message', 'thread_ts'], kind: 'ts', required: false },
    { path: ['container'], kind: 'object', required: false },
    { path: ['container', 'channel_id'], kind: 'id', required: false },
    { path: ['container', 'message_ts'], kind: 'ts', required: false },
    { path: ['actions'], kind: 'array', required: true },
    { path: [...at], kind: 'object', required: true },
    { path: [...at, 'action_id'], kind: 'literal', required: true, allowed: Object.values(ACTION) },
    { path: [...at, 'type'], kind: 'literal', required: true, allowed: ['button', 'static_select', 'checkboxes'] },
    { path: [...at, 'block_id'], kind: 'text', required: true, max: 255 },
  ];
  if (action.type === 'button') fields.push({ path: [...at, 'value'], kind: 'text', required: false, max: 2000 });
  if (action.type === 'static_select') {
    fields.push(
      { path: [...at, 'selected_option'], kind: 'object', required: true },
      { path: [...at, 'selected_option', 'value'], kind: 'text', required: true, max: 150 },
    );
  }
  if (action.type === 'checkboxes') {
    fields.push({ path: [...at, 'selected_options'], kind: 'array', required: true });
    const n = Array.isArray(action.selected_options) ? action.selected_options.length : 0;
    for (let i = 0; i < n; i++)
      fields.push(
        { path: [...at, 'selected_options', i], kind: 'object', required: true },
        { path: [...at, 'selected_options', i, 'value'], kind: 'text', required: true, max: 150 },
      );
  }
  return fields;
}

/** Changes to the envelope as a whole, which no single field stands for. */
const CLICK_ENVELOPE: ReadonlyArray<{ describe: string; verdict: Verdict; apply: (p: Record<string, Json>) => void }> =
  [
    { describe: 'actions = []', verdict: 'refused', apply: (p) => void (p.actions = []) },
    {
      describe: 'two actions',
      verdict: 'refused',
      apply: (p) =>
        void (p.actions = [
          ...(Array.isArray(p.actions) ? p.actions : []),
          ...(Array.isArray(p.actions) ? p.actions : []),
        ]),
    },
    {
      describe: 'an event key too',
      verdict: 'refused',
      apply: (p) => void (p.event = { type: 'app_home_opened', user: 'U0X', tab: 'home' }),
    },
    { describe: 'a command key too', verdict: 'refused', apply: (p) => void (p.command = COMMAND.rollback) },
    {
      describe: 'function_data added',
      verdict: 'refused',
      apply: (p) => void (p.function_data = { execution_id: 'Fx1', inputs: {} }),
    },
    { describe: 'an unknown extra field', verdict: 'any', apply: (p) => void (p.rewind_extra = { nested: [1, 2, 3] }) },
  ];

export function blockActions(ctx: SlackFuzzContext): fc.Arbitrary<SlackFuzzDelivery> {
  return fc
    .tuple(mutate(clickTemplate(ctx), clickFields), rarely(fc.constantFrom(...CLICK_ENVELOPE), 6), wireDamage)
    .map(([m, envelope, damage]) =>
      interaction(
        'block_actions',
        withEnvelope(m, envelope),
        damage,
        `block_actions ` +
          `${String(((m.value as { actions?: Array<{ action_id?: Json }> }).actions?.[0] ?? {}).action_id ?? '?')}`,
      ),
    );
}

// --- view_submission ----------------------------------------------------------------------------

function submissionTemplate(ctx: SlackFuzzContext): fc.Arbitrary<Json> {
  const common = fc.record({ user: fc.constantFrom(...ctx.users), triggerId, viewId });
  const confirm = fc
    .tuple(common, confirmMetadata(ctx))
    .map(([c, metadata]) => ({ c, callbackId: VIEW.confirmRollback, metadata, values: {} }));
  const canary = fc
    .tuple(common, canaryMetadata(ctx), fc.option(pick(ctx.versions, junkString)))
    .map(([c, metadata, version]) => ({
      c,
      callbackId: VIEW.canaryFix,
      metadata,
      values: version === null ? {} : { [BLOCK.canaryVersion]: { version: selectState(version) } },
    }));
  return fc.oneof(confirm, canary).map(({ c, callbackId, metadata, values }) => {
    const p = viewSubmissionPayload({
      user: c.user,
      callbackId,
      privateMetadata: metadata,
      values: values as never,
      viewId: c.viewId,
      triggerId: c.triggerId,
    });
    (p.view as Record<string, unknown>).hash = `1700000000.${c.viewId}`;
    return p as Json;
  });
}

function submissionFields(p: Json): FieldSpec[] {
  const fields: FieldSpec[] = [
    { path: ['type'], kind: 'literal', required: true, allowed: ['view_submission'] },
    { path: ['user'], kind: 'object', required: true },
    { path: ['user', 'id'], kind: 'id', required: true },
    { path: ['team'], kind: 'object', required: false, nullable: true },
    { path: ['team', 'id'], kind: 'id', required: true },
    { path: ['trigger_id'], kind: 'trigger', required: false },
    { path: ['view'], kind: 'object', required: true },
    { path: ['view', 'callback_id'], kind: 'literal', required: true, allowed: Object.values(VIEW) },
    { path: ['view', 'private_metadata'], kind: 'text', required: true, max: 3000 },
    { path: ['view', 'state'], kind: 'object', required: true },
    { path: ['view', 'state', 'values'], kind: 'object', required: true },
    { path: ['response_urls'], kind: 'array', required: false },
  ];
  const values =
    (p as { view?: { state?: { values?: Record<string, Record<string, Json>> } } }).view?.state?.values ?? {};
  for (const [block, actions] of Object.entries(values)) {
    // A block or action missing from the state is a modal without that input, not a broken one.
    fields.push({ path: ['view', 'state', 'values', block], kind: 'object', required: false });
    for (const action of Object.keys(actions)) {
      const at = ['view', 'state', 'values', block, action];
      fields.push(
        { path: at, kind: 'object', required: false },
        { path: [...at, 'type'], kind: 'text', required: true },
        { path: [...at, 'selected_option'], kind: 'object', required: false, nullable: true },
        { path: [...at, 'selected_option', 'value'], kind: 'text', required: true, max: 150 },
      );
    }
  }
  return fields;
}

export function viewSubmissions(ctx: SlackFuzzContext): fc.Arbitrary<SlackFuzzDelivery> {
  const envelope = [
    {
      describe: 'an actions key too',
      verdict: 'refused' as const,
      apply: (p: Record<string, Json>) => void (p.actions = []),
    },
    {
      describe: 'an unknown extra field',
      verdict: 'any' as const,
      apply: (p: Record<string, Json>) => void (p.rewind_extra = 'x'),
    },
  ];
  return fc
    .tuple(mutate(submissionTemplate(ctx), submissionFields), rarely(fc.constantFrom(...envelope), 8), wireDamage)
    .map(([m, env, damage]) =>
      interaction(
        'view_submission',
        withEnvelope(m, env),
        damage,
        `view_submission ${String((m.value as { view?: { callback_id?: Json } }).view?.callback_id ?? '?')}`,
      ),
    );
}

// --- events -------------------------------------------------------------------------------------

const EVENT_FIELDS: readonly FieldSpec[] = [
  { path: ['type'], kind: 'literal', required: true, allowed: ['event_callback'] },
  { path: ['event_id'], kind: 'trigger', required: true },
  { path: ['team_id'], kind: 'id', required: false },
  { path: ['authorizations'], kind: 'array', required: false },
  { path: ['event'], kind: 'object', required: true },
  { path: ['event', 'type'], kind: 'literal', required: true, allowed: ['app_home_opened'] },
  { path: ['event', 'user'], kind: 'id', required: true },
  { path: ['event', 'tab'], kind: 'literal', required: true, allowed: ['home', 'messages'] },
  { path: ['event', 'channel'], kind: 'id', required: false },
];

/** Events Rewind does not subscribe to (manifest.yml asks for app_home_opened only). */
const OTHER_EVENTS: readonly Json[] = [
  { type: 'message', channel: 'C0INCIDENT', user: 'U0MALLORY', text: 'hi', ts: '1700000000.000100' },
  {
    type: 'reaction_added',
    user: 'U0MALLORY',
    reaction: 'eyes',
    item: { type: 'message', channel: 'C0INCIDENT', ts: '1700000000.000001' },
  },
  {
    type: 'app_mention',
    user: 'U0MALLORY',
    text: '<@U0REWIND> rollback',
    channel: 'C0INCIDENT',
    ts: '1700000000.000101',
  },
  { type: 'app_uninstalled' },
  { type: 'member_joined_channel', user: 'U0MALLORY', channel: 'C0INCIDENT' },
];

export function events(ctx: SlackFuzzContext): fc.Arbitrary<SlackFuzzDelivery> {
  const envelope = (event: Json, id: string, ts: string) => {
    const p = eventCallbackPayload({
      event: event as { type: string },
      eventId: id,
      eventTime: Math.floor(Number(ts)),
    });
    p.event_context = `4-${id}`;
    return p as Json;
  };
  const home = fc
    .tuple(fc.constantFrom(...ctx.users), fc.constantFrom('home', 'messages' as const), eventId, actionTs)
    .map(([user, tab, id, ts]) => envelope({ ...appHomeOpenedEvent(user, { tab }), event_ts: ts } as Json, id, ts));
  const other = fc.tuple(fc.constantFrom(...OTHER_EVENTS), eventId, actionTs).map(([event, id, ts]) => ({
    value: envelope(event, id, ts),
    changes: [`unsubscribed event ${String((event as { type: string }).type)}`],
    verdict: 'refused' as Verdict,
  }));
  const extras = [
    {
      describe: 'event.item = 5',
      verdict: 'refused' as const,
      apply: (p: Record<string, Json>) => void ((p.event as Record<string, Json>).item = 5),
    },
    {
      describe: 'event.channel = null',
      verdict: 'refused' as const,
      apply: (p: Record<string, Json>) => void ((p.event as Record<string, Json>).channel = null),
    },
    {
      describe: 'authorizations = [null]',
      verdict: 'refused' as const,
      apply: (p: Record<string, Json>) => void (p.authorizations = [null]),
    },
  ];
  const mutated = fc
    .tuple(
      mutate(home, () => EVENT_FIELDS),
      rarely(fc.constantFrom(...extras), 6),
    )
    .map(([m, extra]) => withEnvelope(m, extra));
  return fc.oneof({ arbitrary: mutated, weight: 5 }, { arbitrary: other, weight: 1 }).map((m) => ({
    kind: 'event' as const,
    describe: describe(
      `event ${String(((m.value as { event?: { type?: Json } }).event ?? {}).type ?? '?')}`,
      m.changes,
    ),
    verdict: m.verdict,
    http: { body: JSON.stringify(m.value), contentType: 'application/json' as const },
    socket: { type: 'events_api' as const, payload: m.value },
  }));
}

// --- all of them --------------------------------------------------------------------------------

const BODY_NOT_AN_OBJECT: readonly Json[] = [null, [], 'payload', 42, true];

export function slackDeliveries(
  ctx: SlackFuzzContext,
  kinds: readonly SlackKind[] = SLACK_KINDS,
): fc.Arbitrary<SlackFuzzDelivery> {
  const by: Record<SlackKind, fc.Arbitrary<SlackFuzzDelivery>> = {
    command: slashCommands(ctx),
    block_actions: blockActions(ctx),
    view_submission: viewSubmissions(ctx),
    event: events(ctx),
  };
  // JSON that is not an object: as an Events API body, or as an interaction's payload field.
  const notAnObject = fc
    .tuple(fc.constantFrom(...kinds), fc.constantFrom(...BODY_NOT_AN_OBJECT))
    .map(([kind, v]): SlackFuzzDelivery => {
      const changes = [`body is ${JSON.stringify(v)}`];
      if (kind !== 'event') return interaction(kind, { value: v, changes, verdict: 'refused' }, null, 'payload');
      return {
        kind,
        describe: describe('event body', changes),
        verdict: 'refused',
        http: { body: JSON.stringify(v), contentType: 'application/json' },
        socket: { type: 'events_api', payload: v },
      };
    });
  return fc.oneof(
    { arbitrary: fc.oneof(...kinds.map((k) => by[k])), weight: 30 },
    { arbitrary: notAnObject, weight: 1 },
  );
}

/** `count` deliveries for `seed`: the same list every time. */
export function sampleSlackDeliveries(o: {
  seed: number;
  count: number;
  context: SlackFuzzContext;
  kinds?: readonly SlackKind[];
}): SlackFuzzDelivery[] {
  return fc.sample(slackDeliveries(o.context, o.kinds), { seed: o.seed, numRuns: o.count });
}

// --- helpers ------------------------------------------------------------------------------------

type Damage = { describe: string; verdict: Verdict; apply: (body: string) => string } | null;

/** Interaction bodies damaged on the wire, after encoding: only HTTP sees these. */
const wireDamage: fc.Arbitrary<Damage> = rarely(
  fc.oneof(
    fc.double({ min: 0, max: 0.99, noNaN: true }).map((at) => ({
      describe: `body cut at ${Math.round(at * 100)}%`,
      verdict: 'refused' as Verdict,
      apply: (b: string) => b.slice(0, Math.floor(b.length * at)),
    })),
    fc.tuple(fc.constantFrom(...BAD_PERCENT), fc.double({ min: 0, max: 1, noNaN: true })).map(([bad, at]) => ({
      describe: `raw ${JSON.stringify(bad)} inserted into the encoded payload`,
      verdict: 'any' as Verdict,
      apply: (b: string) => {
        const i = 'payload='.length + Math.floor((b.length - 'payload='.length) * at);
        return b.slice(0, i) + bad + b.slice(i);
      },
    })),
    fc.constant({
      describe: 'a second payload field',
      verdict: 'refused' as Verdict,
      apply: (b: string) => `${b}&payload=%7B%7D`,
    }),
  ),
  10,
);

function interaction(kind: SlackKind, m: Mutated<Json>, damage: Damage, name: string): SlackFuzzDelivery {
  const encoded = new URLSearchParams({ payload: JSON.stringify(m.value) }).toString();
  const body = damage ? damage.apply(encoded) : encoded;
  const verdict: Verdict = m.verdict === 'refused' || damage?.verdict === 'refused' ? 'refused' : 'any';
  return {
    kind,
    describe: describe(name, damage ? [...m.changes, damage.describe] : m.changes),
    verdict,
    http: { body, contentType: 'application/x-www-form-urlencoded' },
    socket: damage ? null : { type: 'interactive', payload: m.value },
  };
}

function withEnvelope(
  m: Mutated<Json>,
  envelope: { describe: string; verdict: Verdict; apply: (p: Record<string, Json>) => void } | null,
): Mutated<Json> {
  if (!envelope || m.value === null || typeof m.value !== 'object' || Array.isArray(m.value)) return m;
  const inner = (m.value as Record<string, Json>).event;
  if (envelope.describe.startsWith('event.') && (inner === null || typeof inner !== 'object' || Array.isArray(inner)))
    return m;
  const value = structuredClone(m.value) as Record<string, Json>;
  envelope.apply(value);
  return {
    value,
    changes: [...m.changes, envelope.describe],
    verdict: envelope.verdict === 'refused' ? 'refused' : m.verdict,
  };
}

function describe(name: string, changes: readonly string[]): string {
  return changes.length === 0 ? `${name} (unchanged)` : `${name}: ${changes.join('; ')}`;
}
