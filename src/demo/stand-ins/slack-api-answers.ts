/**
 * The answers Slack gives to the messaging, view and upload methods, for the Web API stand-in's
 * `answerLikeSlack()`: a fresh message `ts`, the channel, a view id, an upload URL, so code that
 * stores them for later updates works against the stand-in.
 */
import type { SlackHandler } from './slack-api-types.ts';

/** Where the answers get their ids and upload URLs: the stand-in's one counter and its port. */
export interface AnswerIds {
  /** The next number of the stand-in's counter (message ts, view and file ids share it). */
  next(): number;
  uploadUrl(fileId: string): string;
}

/** Each method's handler, in the order the stand-in installs them. */
export function slackLikeAnswers(ids: AnswerIds): Array<[method: string, handler: SlackHandler]> {
  const nextTs = () => `1700000000.${String(ids.next()).padStart(6, '0')}`;
  const viewAnswer: SlackHandler = (args) => ({
    body: {
      ok: true,
      view: { id: `V0${ids.next()}`, hash: `${Date.now()}.hash`, ...(args.view as Record<string, unknown>) },
    },
  });
  return [
    [
      'chat.postMessage',
      (args) => {
        const ts = nextTs();
        return {
          body: {
            ok: true,
            channel: args.channel,
            ts,
            message: {
              type: 'message',
              text: args.text,
              bot_id: 'B0REWIND',
              user: 'U0REWIND',
              ts,
              ...(args.thread_ts ? { thread_ts: args.thread_ts } : {}),
              ...(args.blocks ? { blocks: args.blocks } : {}),
            },
          },
        };
      },
    ],
    [
      'chat.update',
      (args) => ({
        body: {
          ok: true,
          channel: args.channel,
          ts: args.ts,
          text: args.text,
          message: { type: 'message', text: args.text, ...(args.blocks ? { blocks: args.blocks } : {}) },
        },
      }),
    ],
    ['chat.postEphemeral', () => ({ body: { ok: true, message_ts: nextTs() } })],
    [
      'conversations.open',
      (args) => ({
        body: {
          ok: true,
          channel: {
            id: `D0${String(args.users ?? 'DM')
              .replace(/[^A-Z0-9]/gi, '')
              .toUpperCase()}`,
          },
        },
      }),
    ],
    [
      'files.getUploadURLExternal',
      (args) => {
        const fileId = `F0${ids.next()}`;
        return { body: { ok: true, upload_url: ids.uploadUrl(fileId), file_id: fileId, filename: args.filename } };
      },
    ],
    [
      'files.completeUploadExternal',
      (args) => ({
        body: {
          ok: true,
          files: (args.files as Array<{ id: string; title?: string }>).map((f) => ({ id: f.id, title: f.title ?? '' })),
        },
      }),
    ],
    ['views.publish', viewAnswer],
    ['views.open', viewAnswer],
    ['views.update', viewAnswer],
  ];
}
