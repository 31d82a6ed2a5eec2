/**
 * Signed deliveries Rewind does not know — the shapes a fault probe sent (null actions, channel,
 * user, view, event; a lone `null` body), ids Rewind never rendered, events it did not subscribe
 * to — are acknowledged (so Slack does not redeliver them), change nothing, and are logged at warn
 * once per shape, in HTTP mode (either way of answering) and over Socket Mode. A listener that
 * fails reaches app.error, which logs its code and Slack's reason and nothing of the payload; one
 * that fails before acknowledging is still answered at once. Nothing ends as an unhandled rejection.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACTION, BLOCK, COMMAND, VIEW } from '../../../src/adapters/slack/ids.ts';
import { ShapeLog } from '../../../src/adapters/slack/payload-guard.ts';
import { dbState } from '../../support/fuzz/db-state.ts';
import {
  appHomeOpenedEvent,
  blockActionsPayload,
  eventCallbackPayload,
  interactionBody,
  postSigned,
  signature,
  slashCommandBody,
  slashCommandPayload,
  viewSubmissionPayload,
} from '../../support/slack-signing.ts';
import { LEAD, MALLORY, SECRET, startWorld, type World } from '../../support/world.ts';
import { collectUnhandledRejections } from '../../support/rejections.ts';

let world: World | undefined;
const rejections = collectUnhandledRejections();
afterEach(async () => {
  await world?.stop();
  world = undefined;
  expect(rejections).toEqual([]);
});

type Envelope = { type: 'interactive' | 'events_api' | 'slash_commands'; payload: unknown };
interface Case {
  name: string;
  /** What reaches Rewind: the HTTP body and its content type, and the Socket Mode envelope when there is one. */
  build(w: World): { body: string; json?: boolean; socket: Envelope | null };
}

const click = (w: World, change: (p: Record<string, unknown>) => void, actionId: string = ACTION.immediate) => {
  const p = blockActionsPayload({
    user: LEAD,
    actionId,
    value: 'INC-19990101-901',
    blockId: BLOCK.decisions,
    channel: 'C0INCIDENT',
    messageTs: '1700000000.000001',
    responseUrl: w.slack.responseUrl(),
  });
  change(p);
  return { body: interactionBody(p), socket: { type: 'interactive' as const, payload: p } };
};
const submission = (change: (p: Record<string, unknown>) => void) => {
  const p = viewSubmissionPayload({ user: LEAD, callbackId: VIEW.confirmRollback, privateMetadata: '{}' });
  change(p);
  return { body: interactionBody(p), socket: { type: 'interactive' as const, payload: p } };
};
const event = (e: Record<string, unknown> | null) => {
  const p = eventCallbackPayload({ event: e as { type: string } });
  return { body: JSON.stringify(p), json: true, socket: { type: 'events_api' as const, payload: p } };
};

const CASES: Case[] = [
  { name: 'block_actions with actions: null', build: (w) => click(w, (p) => void (p.actions = null)) },
  { name: 'block_actions with channel: null', build: (w) => click(w, (p) => void (p.channel = null)) },
  { name: 'block_actions with user: null', build: (w) => click(w, (p) => void (p.user = null)) },
  {
    name: 'checkboxes with selected_options: null',
    build: (w) =>
      click(
        w,
        (p) =>
          void (p.actions = [
            { type: 'checkboxes', action_id: ACTION.fixPrep, block_id: `${BLOCK.fixPrep}:0`, selected_options: null },
          ]),
        ACTION.fixPrep,
      ),
  },
  {
    name: 'a button value past Slack’s 2,000 characters',
    build: (w) => click(w, (p) => void ((p.actions as Array<Record<string, unknown>>)[0]!.value = 'x'.repeat(2001))),
  },
  { name: 'an action_id Rewind never rendered', build: (w) => click(w, () => {}, 'deploy_to_prod') },
  { name: 'view_submission with view: null', build: () => submission((p) => void (p.view = null)) },
  { name: 'view_submission with response_urls: null', build: () => submission((p) => void (p.response_urls = null)) },
  {
    name: 'a callback_id Rewind never opened',
    build: () => submission((p) => void ((p.view as Record<string, unknown>).callback_id = 'other_modal')),
  },
  { name: 'view_closed', build: () => submission((p) => void (p.type = 'view_closed')) },
  { name: 'an event_callback with event: null', build: () => event(null) },
  { name: 'app_home_opened with user: null', build: () => event({ ...appHomeOpenedEvent(LEAD), user: null }) },
  {
    name: 'an event Rewind did not subscribe to',
    build: () => event({ type: 'message', channel: 'C0INCIDENT', user: MALLORY, text: 'hi', ts: '1700000000.000100' }),
  },
  {
    name: 'a slash command Rewind does not register',
    build: () => {
      const fields = { command: '/deploy', text: 'prod', user_id: LEAD, channel_id: 'C0INCIDENT' };
      return {
        body: slashCommandBody(fields),
        socket: { type: 'slash_commands', payload: slashCommandPayload(fields) },
      };
    },
  },
  { name: 'an interaction whose payload is null', build: () => ({ body: 'payload=null', socket: null }) },
  { name: 'an Events API body that is null', build: () => ({ body: 'null', json: true, socket: null }) },
];

/** What a spy on a log method saw: (fields, message) per line. */
type LogSpy = { mock: { calls: unknown[][] } };

/** Warn lines of the payload gate, as their shapes. */
function shapeWarnings(spy: LogSpy): string[] {
  return spy.mock.calls
    .filter(([obj]) => (obj as { component?: string } | undefined)?.component === 'slack-payloads')
    .map(([obj]) => String((obj as { shape?: string }).shape));
}

describe.each([true, false])('malformed deliveries in HTTP mode, processBeforeResponse %s', (processBeforeResponse) => {
  it('are acknowledged with 200, change nothing, and each shape is logged once', async () => {
    const w = (world = await startWorld({ processBeforeResponse }));
    await w.openIncident();
    const warn = vi.spyOn(w.rewind.log, 'warn');
    const before = dbState(w.rewind.store.db);
    for (const round of [1, 2]) {
      for (const c of CASES) {
        const { body, json } = c.build(w);
        const timestamp = Math.floor(Date.now() / 1000);
        const res = await fetch(w.url, {
          method: 'POST',
          headers: {
            'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': signature(SECRET, body, timestamp),
          },
          body,
        });
        await res.text();
        expect(res.status, `${c.name} (round ${round})`).toBe(200);
      }
    }
    await w.settle();
    expect(dbState(w.rewind.store.db)).toEqual(before);
    const shapes = shapeWarnings(warn);
    // One per case — the two null bodies are one shape — and none for the second round.
    expect(shapes).toHaveLength(CASES.length - 1);
    expect(new Set(shapes).size).toBe(shapes.length);
    expect(shapes.join('\n')).not.toContain('INC-19990101-901'); // shapes name fields, never their values
  });
});

describe('malformed deliveries over Socket Mode', () => {
  it('are acknowledged on the socket and change nothing', { timeout: 60_000 }, async () => {
    const w = (world = await startWorld({ socketMode: true }));
    await w.openIncident();
    const warn = vi.spyOn(w.rewind.log, 'warn');
    const before = dbState(w.rewind.store.db);
    const sent = CASES.map((c) => ({ name: c.name, envelope: c.build(w).socket })).filter(
      (c): c is { name: string; envelope: Envelope } => c.envelope !== null,
    );
    for (const c of sent) {
      const ack = await w.socket!.send(c.envelope.type, c.envelope.payload as Record<string, unknown>, {
        acceptsResponsePayload: c.envelope.type !== 'events_api',
        timeoutMs: 20_000,
      });
      expect(ack.envelope_id, c.name).toBeTruthy();
    }
    await w.settle();
    expect(dbState(w.rewind.store.db)).toEqual(before);
    expect(shapeWarnings(warn)).toHaveLength(sent.length);
  });
});

describe('a listener that fails after acknowledging', () => {
  /**
   * A confirmation that cannot be read is answered privately; chat.postEphemeral failing then fails the listener after
   * its ack.
   */
  const failing = (w: World) => {
    w.slack.handle('chat.postEphemeral', () => ({ body: { ok: false, error: 'channel_not_found' } }));
    return viewSubmissionPayload({ user: LEAD, callbackId: VIEW.confirmRollback, privateMetadata: '{"not":"a plan"}' });
  };
  const expectLogged = async (spy: LogSpy) => {
    const deadline = Date.now() + 20_000;
    while (!spy.mock.calls.some(([, msg]) => msg === 'Slack listener failed') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    const logged = spy.mock.calls
      .filter(([, msg]) => msg === 'Slack listener failed')
      .map(([obj]) => obj as Record<string, unknown>);
    expect(logged).toEqual([
      {
        code: 'slack_webapi_platform_error',
        slackError: 'channel_not_found',
        err: 'An API error occurred: channel_not_found',
      },
    ]);
  };

  it.each([true, false])(
    'reaches app.error in HTTP mode (processBeforeResponse %s), answered 200',
    async (processBeforeResponse) => {
      const w = (world = await startWorld({ processBeforeResponse }));
      const error = vi.spyOn(w.rewind.log, 'error');
      const res = await postSigned(w.url, interactionBody(failing(w)), { secret: SECRET });
      expect(res.status).toBe(200);
      await expectLogged(error);
    },
  );

  it('reaches app.error over Socket Mode, acknowledged on the socket', { timeout: 60_000 }, async () => {
    const w = (world = await startWorld({ socketMode: true }));
    const error = vi.spyOn(w.rewind.log, 'error');
    const ack = await w.socket!.send('interactive', failing(w), { acceptsResponsePayload: true, timeoutMs: 20_000 });
    expect(ack.envelope_id).toBeTruthy();
    await expectLogged(error);
  });
});

describe('a listener that fails before acknowledging', () => {
  /** `/incident list` reads the open incidents before it acks; here that read fails. */
  const breakQueries = (w: World) =>
    vi.spyOn(w.rewind.services.queries, 'openIncidents').mockImplementation(() => {
      throw new Error('database is locked');
    });

  it.each([true, false])(
    'is still answered 200 at once in HTTP mode (processBeforeResponse %s), and logged',
    async (processBeforeResponse) => {
      const w = (world = await startWorld({ processBeforeResponse }));
      breakQueries(w);
      const error = vi.spyOn(w.rewind.log, 'error');
      const started = Date.now();
      const answer = await w.command(MALLORY, COMMAND.incident, 'list');
      expect(answer.status).toBe(200);
      // Bolt's own answer to an unacknowledged request is a 404 after 3 s.
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(
        (error.mock.calls as unknown[][]).filter(([, msg]) => msg === 'Slack listener failed').map(([obj]) => obj),
      ).toEqual([
        { code: 'slack_bolt_unknown_error', err: 'database is locked', causes: [{ err: 'database is locked' }] },
      ]);
    },
  );

  it('is acknowledged on the socket', { timeout: 60_000 }, async () => {
    const w = (world = await startWorld({ socketMode: true }));
    breakQueries(w);
    const answer = await w.command(MALLORY, COMMAND.incident, 'list');
    expect(answer.status).toBe(200);
    expect(w.socket?.acks.at(-1)?.envelope_id).toBeTruthy();
  });
});

describe('the memory of unknown shapes', () => {
  it('logs each shape once, and past its size says so once instead of growing', () => {
    const lines: Array<Record<string, unknown>> = [];
    const shapes = new ShapeLog({ warn: (obj: object) => void lines.push(obj as Record<string, unknown>) } as never, 3);
    for (let i = 0; i < 1_000; i++) shapes.report(`shape ${i % 10}`);
    expect(lines.map((l) => l.shape ?? 'overflow')).toEqual(['shape 0', 'shape 1', 'shape 2', 'overflow']);
    expect(shapes.unlogged).toBe(7 * 100);
  });
});

describe('slash commands Rewind knows, with text that is not a command', () => {
  it('are answered with the usage, not dropped', async () => {
    const w = (world = await startWorld());
    const answer = await w.command(MALLORY, COMMAND.rollback, '%E0%A4%A \ud83d');
    expect(answer.status).toBe(200);
    expect(String(answer.body.text)).toContain('/rollback');
  });
});
