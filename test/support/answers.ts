/** What the bot answers the requests tests send it, as the JSON it puts in the HTTP response (or socket ack). */
import type { AlertAnswer } from '../../src/services/ports.ts';

/**
 * A Slack request's ack: a message for the user who sent a command or clicked, or a view submission's verdict
 * (`response_action`, with `errors` per block); `{}` when the ack carried nothing.
 */
export interface SlackAck {
  text?: string;
  blocks?: unknown[];
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  response_action?: 'errors' | 'update' | 'push' | 'clear';
  errors?: Record<string, string>;
}

/** An alert webhook's answer: what was accepted (202), or why not (`error`). */
export type WebhookAnswer = Partial<AlertAnswer> & { error?: string };
