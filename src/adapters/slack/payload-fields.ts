/**
 * The limits and field schemas every delivery schema is built from. Limits are Slack's own (Block Kit
 * element limits), so anything longer did not come from a message Rewind rendered.
 */
import { z } from 'zod';

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

/**
 * A lone UTF-16 surrogate: JSON can carry one, Slack never sends one, and the Web API client's form
 * encoder throws on it.
 */
const LONE_SURROGATE = /\p{Cs}/u;

export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'is not well-formed Unicode' });
export const slackId = z.string().regex(/^[A-Z0-9]{2,32}$/, { message: 'is not a Slack ID' });
export const messageTs = z.string().regex(/^\d{1,16}\.\d{1,12}$/, { message: 'is not a message ts' });
export const triggerId = z.string().regex(/^[\w.-]{1,255}$/, { message: 'is not a trigger id' });
export const responseUrl = z.url({ protocol: /^https?$/ }).max(PAYLOAD_LIMITS.url);
export const elementId = text(PAYLOAD_LIMITS.elementId);
/** A record key: also refuses `__proto__`, which would otherwise become the parsed object's prototype. */
export const recordKey = elementId.refine((k) => k !== '__proto__', { message: 'is not an element id' });
export const option = z.object({ value: text(PAYLOAD_LIMITS.optionValue) });
/** A key Slack never sends on this kind of delivery; JSON has no undefined, so the key must be missing. */
export const absent = z.never().optional();

/**
 * Bolt decides what a body is by which of these keys it has (`event` first, then `command`, …) and
 * reads `function_data` to swap the listener's token; on a kind that does not carry them they must
 * be missing, or Bolt would treat the body as something else.
 */
export const NOT_AN_EVENT = { event: absent, function_data: absent, bot_access_token: absent } as const;
export const NOT_A_COMMAND = { ...NOT_AN_EVENT, command: absent, name: absent } as const;
