/**
 * The schemas of the deliveries that are not block_actions: slash commands, view_submissions and
 * the one Events API callback Rewind subscribes to. Each transforms a body into the value its
 * listener reads (payload-types.ts).
 */
import { z } from 'zod';
import { COMMAND, VIEW } from './ids.ts';
import type { HomeOpened, SlashCommand, Submission } from './payload-types.ts';
import {
  absent,
  NOT_A_COMMAND,
  NOT_AN_EVENT,
  option,
  PAYLOAD_LIMITS,
  recordKey,
  responseUrl,
  slackId,
  text,
  triggerId,
} from './payload-fields.ts';

// --- slash commands ---------------------------------------------------------------------------

const COMMANDS = [COMMAND.rollback, COMMAND.incident, COMMAND.drill] as const;

export const SLASH_COMMAND = z
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
  .transform((b): SlashCommand => ({
    kind: 'command',
    command: b.command,
    text: b.text,
    userId: b.user_id,
    channelId: b.channel_id,
    triggerId: b.trigger_id,
    responseUrl: b.response_url,
  }));

// --- view_submission --------------------------------------------------------------------------

const STATE_ENTRY = z.object({
  type: text(64),
  value: text(PAYLOAD_LIMITS.privateMetadata).nullable().optional(),
  selected_option: option.nullable().optional(),
  selected_options: z.array(option).max(PAYLOAD_LIMITS.modalBlocks).optional(),
});

const STATE_VALUES = z
  .record(recordKey, z.record(recordKey, STATE_ENTRY))
  .refine((v) => Object.keys(v).length <= PAYLOAD_LIMITS.modalBlocks, {
    message: `has more blocks than a modal can (${PAYLOAD_LIMITS.modalBlocks})`,
  });

export const VIEW_SUBMISSION = z
  .object({
    ...NOT_A_COMMAND,
    actions: absent,
    type: z.literal('view_submission'),
    user: z.object({ id: slackId }),
    team: z.object({ id: slackId }).nullable().optional(),
    trigger_id: triggerId.optional(),
    view: z.object({
      callback_id: z.enum([VIEW.confirmRollback, VIEW.canaryFix, VIEW.confirmGitOpsResume]),
      private_metadata: text(PAYLOAD_LIMITS.privateMetadata),
      state: z.object({ values: STATE_VALUES }),
      app_installed_team_id: slackId.optional(),
    }),
    response_urls: z
      .array(z.object({ response_url: responseUrl }))
      .max(10)
      .optional(),
  })
  .transform((b): Submission => ({
    kind: 'view',
    callbackId: b.view.callback_id,
    userId: b.user.id,
    privateMetadata: b.view.private_metadata,
    values: b.view.state.values,
  }));

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

export const EVENT_CALLBACK = z
  .object({
    command: absent,
    function_data: absent,
    bot_access_token: absent,
    type: z.literal('event_callback'),
    event_id: z.string().regex(/^[\w.-]{1,255}$/, { message: 'is not an event id' }),
    team_id: slackId.optional(),
    authorizations: z
      .array(
        z.object({
          team_id: slackId.nullable().optional(),
          enterprise_id: slackId.nullable().optional(),
          is_enterprise_install: z.boolean().optional(),
        }),
      )
      .max(10)
      .optional(),
    event: APP_HOME_OPENED,
  })
  .transform((b): HomeOpened => ({ kind: 'event', type: b.event.type, userId: b.event.user, tab: b.event.tab }));
