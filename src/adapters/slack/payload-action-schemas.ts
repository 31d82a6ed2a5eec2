/**
 * The schemas of block_actions deliveries: one per action Rewind renders, and the body around it.
 * Kept apart from the other kinds because each action has its own shape (select, button, rating,
 * checklist) and its own transform into a ClickAction.
 */
import { z } from 'zod';
import { ACTION, BLOCK, DRILL_RATE_ACTION } from './ids.ts';
import type { Click, ClickAction } from './payload-types.ts';
import {
  elementId,
  messageTs,
  NOT_A_COMMAND,
  option,
  PAYLOAD_LIMITS,
  responseUrl,
  slackId,
  text,
  triggerId,
} from './payload-fields.ts';

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
  ACTION.gitopsResume,
  ACTION.driftReapply,
  ACTION.driftAccept,
] as const;

const selectedOptions = z.array(option).max(PAYLOAD_LIMITS.checkboxOptions);
const actionBase = { block_id: elementId, action_ts: z.string().max(64).optional() };

const selectAction = z
  .object({
    ...actionBase,
    type: z.literal('static_select'),
    action_id: z.enum(SELECT_ACTIONS),
    selected_option: option,
  })
  .transform((a): ClickAction => ({ kind: 'select', actionId: a.action_id, value: a.selected_option.value }));

const buttonAction = z
  .object({
    ...actionBase,
    type: z.literal('button'),
    action_id: z.enum(BUTTON_ACTIONS),
    value: text(PAYLOAD_LIMITS.buttonValue).optional(),
  })
  .transform((a): ClickAction => ({ kind: 'button', actionId: a.action_id, value: a.value ?? '' }));

const RATING_VALUE = /^([^:]{1,200}):(\d{1,3})$/;
const ratingAction = z
  .object({
    ...actionBase,
    type: z.literal('button'),
    action_id: z.string().regex(DRILL_RATE_ACTION),
    value: z.string().regex(RATING_VALUE, { message: 'is not <drill id>:<score>' }),
  })
  .transform((a): ClickAction => {
    const [, drillId = '', score = ''] = RATING_VALUE.exec(a.value) ?? [];
    return { kind: 'rating', actionId: ACTION.drillRate, drillId, score: Number(score) };
  });

const FIX_PREP_BLOCK = new RegExp(`^${BLOCK.fixPrep}:(\\d{1,2})$`);
const fixPrepAction = z
  .object({
    ...actionBase,
    type: z.literal('checkboxes'),
    action_id: z.literal(ACTION.fixPrep),
    block_id: z.string().regex(FIX_PREP_BLOCK, { message: `is not ${BLOCK.fixPrep}:<part>` }),
    selected_options: selectedOptions,
  })
  .transform((a): ClickAction => ({
    kind: 'fix_prep',
    actionId: a.action_id,
    part: Number(FIX_PREP_BLOCK.exec(a.block_id)?.[1]),
    selected: a.selected_options.map((o) => o.value),
  }));

function drillChecklistAction(actionId: typeof ACTION.drillPrep | typeof ACTION.drillReview, block: string) {
  const pattern = new RegExp(`^${block}:([^:]{1,200})$`);
  return z
    .object({
      ...actionBase,
      type: z.literal('checkboxes'),
      action_id: z.literal(actionId),
      block_id: z.string().regex(pattern, { message: `is not ${block}:<drill id>` }),
      selected_options: selectedOptions,
    })
    .transform((a): ClickAction => ({
      kind: 'drill_checklist',
      actionId: a.action_id,
      drillId: pattern.exec(a.block_id)?.[1] ?? '',
      selected: a.selected_options.map((o) => o.value),
    }));
}

/** The schema of each action Rewind renders, by action_id. */
export const ACTION_SCHEMAS: ReadonlyMap<string, z.ZodType<ClickAction, unknown>> = new Map<
  string,
  z.ZodType<ClickAction, unknown>
>([
  ...SELECT_ACTIONS.map((id) => [id, selectAction] as const),
  ...BUTTON_ACTIONS.map((id) => [id, buttonAction] as const),
  [ACTION.drillRate, ratingAction],
  [ACTION.fixPrep, fixPrepAction],
  [ACTION.drillPrep, drillChecklistAction(ACTION.drillPrep, BLOCK.drillPrep)],
  [ACTION.drillReview, drillChecklistAction(ACTION.drillReview, BLOCK.drillReview)],
]);

export function blockActions(action: z.ZodType<ClickAction, unknown>) {
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
      container: z
        .object({ channel_id: slackId.optional(), message_ts: messageTs.optional(), thread_ts: messageTs.optional() })
        .optional(),
      // Slack sends one action per block_actions; Bolt hands the listener the first.
      actions: z.tuple([action]),
    })
    .transform((b): Click => ({
      kind: 'action',
      userId: b.user.id,
      triggerId: b.trigger_id,
      responseUrl: b.response_url ?? null,
      channelId: b.channel?.id ?? b.container?.channel_id ?? null,
      messageTs: b.message?.ts ?? b.container?.message_ts ?? null,
      threadTs: b.message?.thread_ts ?? b.container?.thread_ts ?? null,
      action: b.actions[0],
    }));
}
