/**
 * The Slack stand-in refuses what Slack refuses: each documented limit taken exactly (just under
 * passes, just over is refused with Slack's error and the JSON pointer of the field), repeated ids,
 * and the answer's shape as the Web API client and a response_url poster see it.
 */
import { LogLevel, WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SLACK_REFERENCE_LIMITS as L,
  checkMessage,
  checkView,
} from '../../../src/demo/stand-ins/slack-limits-check.ts';
import { SlackApiStandIn } from '../../support/slack-api.ts';

type Json = Record<string, unknown>;
const x = (n: number) => 'x'.repeat(n);
const plain = (text: string) => ({ type: 'plain_text', text });
const md = (text: string) => ({ type: 'mrkdwn', text });
const button = (n: number, o: Json = {}) => ({ type: 'button', action_id: `b${n}`, text: plain('Go'), ...o });
const option = (text: string, value = 'v') => ({ text: plain(text), value });
const actions = (...elements: Json[]) => ({ blocks: [{ type: 'actions', elements }] });
const select = (o: Json) =>
  actions({ type: 'static_select', action_id: 's', placeholder: plain('Pick'), options: [option('a')], ...o });
const confirm = (o: Json) => ({
  title: plain('Sure?'),
  text: plain('It moves traffic.'),
  confirm: plain('Yes'),
  deny: plain('No'),
  ...o,
});
const modal = (o: Json) => ({ view: { type: 'modal', title: plain('Roll back'), blocks: [], ...o } });
const input = (o: Json, element: Json = { type: 'plain_text_input', action_id: 'i' }) =>
  modal({ blocks: [{ type: 'input', label: plain('Why'), element, ...o }] });
const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

interface Limit {
  what: string;
  max: number;
  /** The payload with the limited field at `n` characters or items. */
  at: (n: number) => Json;
  pointer: string;
  count?: boolean;
}

const MESSAGE_LIMITS: Limit[] = [
  {
    what: 'section text',
    max: L.sectionText,
    at: (n) => ({ blocks: [{ type: 'section', text: md(x(n)) }] }),
    pointer: '/blocks/0/text/text',
  },
  {
    what: 'section field',
    max: L.sectionField,
    at: (n) => ({ blocks: [{ type: 'section', fields: [md(x(n))] }] }),
    pointer: '/blocks/0/fields/0/text',
  },
  {
    what: 'section fields',
    max: L.sectionFields,
    count: true,
    at: (n) => ({ blocks: [{ type: 'section', fields: many(n, () => md('f')) }] }),
    pointer: '/blocks/0/fields',
  },
  {
    what: 'header text',
    max: L.headerText,
    at: (n) => ({ blocks: [{ type: 'header', text: plain(x(n)) }] }),
    pointer: '/blocks/0/text/text',
  },
  {
    what: 'context element text',
    max: L.text,
    at: (n) => ({ blocks: [{ type: 'context', elements: [md(x(n))] }] }),
    pointer: '/blocks/0/elements/0/text',
  },
  {
    what: 'context elements',
    max: L.contextElements,
    count: true,
    at: (n) => ({ blocks: [{ type: 'context', elements: many(n, () => md('c')) }] }),
    pointer: '/blocks/0/elements',
  },
  {
    what: 'actions elements',
    max: L.actionsElements,
    count: true,
    at: (n) => actions(...many(n, (i) => button(i))),
    pointer: '/blocks/0/elements',
  },
  {
    what: 'blocks in a message',
    max: L.messageBlocks,
    count: true,
    at: (n) => ({ blocks: many(n, () => ({ type: 'divider' })) }),
    pointer: '/blocks',
  },
  {
    what: 'block_id',
    max: L.blockId,
    at: (n) => ({ blocks: [{ type: 'divider', block_id: x(n) }] }),
    pointer: '/blocks/0/block_id',
  },
  {
    what: 'action_id',
    max: L.actionId,
    at: (n) => actions(button(0, { action_id: x(n) })),
    pointer: '/blocks/0/elements/0/action_id',
  },
  {
    what: 'button text',
    max: L.buttonText,
    at: (n) => actions(button(0, { text: plain(x(n)) })),
    pointer: '/blocks/0/elements/0/text/text',
  },
  {
    what: 'button value',
    max: L.buttonValue,
    at: (n) => actions(button(0, { value: x(n) })),
    pointer: '/blocks/0/elements/0/value',
  },
  {
    what: 'button url',
    max: L.buttonUrl,
    at: (n) => actions(button(0, { url: `https://x.test/${x(n - 15)}` })),
    pointer: '/blocks/0/elements/0/url',
  },
  {
    what: 'confirm title',
    max: L.confirmTitle,
    at: (n) => actions(button(0, { confirm: confirm({ title: plain(x(n)) }) })),
    pointer: '/blocks/0/elements/0/confirm/title/text',
  },
  {
    what: 'confirm text',
    max: L.confirmText,
    at: (n) => actions(button(0, { confirm: confirm({ text: plain(x(n)) }) })),
    pointer: '/blocks/0/elements/0/confirm/text/text',
  },
  {
    what: 'confirm button',
    max: L.confirmButton,
    at: (n) => actions(button(0, { confirm: confirm({ confirm: plain(x(n)) }) })),
    pointer: '/blocks/0/elements/0/confirm/confirm/text',
  },
  {
    what: 'deny button',
    max: L.confirmButton,
    at: (n) => actions(button(0, { confirm: confirm({ deny: plain(x(n)) }) })),
    pointer: '/blocks/0/elements/0/confirm/deny/text',
  },
  {
    what: 'select placeholder',
    max: L.placeholder,
    at: (n) => select({ placeholder: plain(x(n)) }),
    pointer: '/blocks/0/elements/0/placeholder/text',
  },
  {
    what: 'select options',
    max: L.selectOptions,
    count: true,
    at: (n) => select({ options: many(n, (i) => option(`o${i}`, `v${i}`)) }),
    pointer: '/blocks/0/elements/0/options',
  },
  {
    what: 'option text',
    max: L.optionText,
    at: (n) => select({ options: [option(x(n))] }),
    pointer: '/blocks/0/elements/0/options/0/text/text',
  },
  {
    what: 'option value',
    max: L.optionValue,
    at: (n) => select({ options: [option('a', x(n))] }),
    pointer: '/blocks/0/elements/0/options/0/value',
  },
  {
    what: 'checkboxes options',
    max: L.checkboxesOptions,
    count: true,
    at: (n) => actions({ type: 'checkboxes', action_id: 'c', options: many(n, (i) => option(`o${i}`, `v${i}`)) }),
    pointer: '/blocks/0/elements/0/options',
  },
];

const VIEW_LIMITS: Limit[] = [
  { what: 'modal title', max: L.modalTitle, at: (n) => modal({ title: plain(x(n)) }), pointer: '/view/title/text' },
  { what: 'modal submit', max: L.modalButton, at: (n) => modal({ submit: plain(x(n)) }), pointer: '/view/submit/text' },
  { what: 'modal close', max: L.modalButton, at: (n) => modal({ close: plain(x(n)) }), pointer: '/view/close/text' },
  {
    what: 'private_metadata',
    max: L.privateMetadata,
    at: (n) => modal({ private_metadata: x(n) }),
    pointer: '/view/private_metadata',
  },
  { what: 'callback_id', max: L.callbackId, at: (n) => modal({ callback_id: x(n) }), pointer: '/view/callback_id' },
  {
    what: 'blocks in a view',
    max: L.viewBlocks,
    count: true,
    at: (n) => ({ view: { type: 'home', blocks: many(n, () => ({ type: 'divider' })) } }),
    pointer: '/view/blocks',
  },
  {
    what: 'input label',
    max: L.inputLabel,
    at: (n) => input({ label: plain(x(n)) }),
    pointer: '/view/blocks/0/label/text',
  },
  {
    what: 'input hint',
    max: L.inputHint,
    at: (n) => input({ hint: plain(x(n)) }),
    pointer: '/view/blocks/0/hint/text',
  },
  {
    what: 'input placeholder',
    max: L.placeholder,
    at: (n) => input({}, { type: 'plain_text_input', action_id: 'i', placeholder: plain(x(n)) }),
    pointer: '/view/blocks/0/element/placeholder/text',
  },
];

const refusalOf = (l: Limit) =>
  `${l.count ? `no more than ${l.max} items allowed` : `must be less than ${l.max + 1} characters`} ` +
  `[json-pointer:${l.pointer}]`;

describe('each documented limit, taken exactly', () => {
  it.each(MESSAGE_LIMITS.map((l) => [l.what, l] as const))('message %s', (_, l) => {
    expect(checkMessage(l.at(l.max))).toBeNull();
    expect(checkMessage(l.at(l.max + 1))).toEqual({ error: 'invalid_blocks', errors: [refusalOf(l)] });
  });

  it.each(VIEW_LIMITS.map((l) => [l.what, l] as const))('view %s', (_, l) => {
    expect(checkView(l.at(l.max).view)).toBeNull();
    expect(checkView(l.at(l.max + 1).view)).toEqual({ error: 'invalid_arguments', errors: [refusalOf(l)] });
  });

  it("a message's text: 40,000 characters pass, one more is msg_too_long", () => {
    expect(checkMessage({ text: x(L.messageText) })).toBeNull();
    expect(checkMessage({ text: x(L.messageText + 1) })).toEqual({ error: 'msg_too_long', errors: [] });
  });

  it('a plain-text input may ask for up to 3000 characters', () => {
    expect(checkView(input({}, { type: 'plain_text_input', action_id: 'i', max_length: 3000 }).view)).toBeNull();
    expect(checkView(input({}, { type: 'plain_text_input', action_id: 'i', max_length: 3001 }).view)?.errors).toEqual([
      'must be less than or equal to 3000 [json-pointer:/view/blocks/0/element/max_length]',
    ]);
  });

  it('counts characters, not UTF-16 units: 3000 emoji fill a section', () => {
    expect(checkMessage({ blocks: [{ type: 'section', text: md('🚨'.repeat(3000)) }] })).toBeNull();
    expect(checkMessage({ blocks: [{ type: 'section', text: md('🚨'.repeat(3001)) }] })?.errors).toEqual([
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ]);
  });

  it('an empty text, a header in mrkdwn, a section with neither text nor fields', () => {
    expect(checkMessage({ blocks: [{ type: 'section', text: md('') }] })?.errors).toEqual([
      'must be more than 0 characters [json-pointer:/blocks/0/text/text]',
    ]);
    expect(checkMessage({ blocks: [{ type: 'header', text: md('Incident') }] })?.errors).toEqual([
      'must be plain_text [json-pointer:/blocks/0/text/type]',
    ]);
    expect(checkMessage({ blocks: [{ type: 'section' }] })?.errors).toEqual([
      'must define either `text` or `fields` [json-pointer:/blocks/0]',
    ]);
    expect(checkView({ type: 'modal', blocks: [] })?.errors).toEqual(['must provide `title` [json-pointer:/view]']);
  });
});

describe('ids', () => {
  it('an action_id repeated within one block is refused; the same one in two blocks is not', () => {
    expect(checkMessage(actions(button(0), button(1), button(0)))?.errors).toEqual([
      'duplicate action_id "b0" (also /blocks/0/elements/0/action_id) [json-pointer:/blocks/0/elements/2/action_id]',
    ]);
    const twoBlocks = {
      blocks: [
        ...actions(button(0)).blocks,
        { type: 'section', text: md('s'), accessory: button(0) },
        ...actions(button(0)).blocks,
      ],
    };
    expect(checkMessage(twoBlocks)).toBeNull();
  });

  it('a block_id repeated within a message or a view is refused', () => {
    const blocks = [
      { type: 'divider', block_id: 'a' },
      { type: 'divider', block_id: 'b' },
      { type: 'divider', block_id: 'a' },
    ];
    expect(checkMessage({ blocks })?.errors).toEqual([
      'duplicate block_id "a" (also /blocks/0/block_id) [json-pointer:/blocks/2/block_id]',
    ]);
    expect(checkView({ type: 'home', blocks })).toEqual({
      error: 'invalid_arguments',
      errors: ['duplicate block_id "a" (also /view/blocks/0/block_id) [json-pointer:/view/blocks/2/block_id]'],
    });
  });
});

describe('the answers, as the bot sees them', () => {
  let api: SlackApiStandIn;
  let client: WebClient;
  const over = { channel: 'C0INCIDENT', text: 'fallback', blocks: [{ type: 'section', text: md(x(3001)) }] } as never;
  const refusal = (err: unknown) => (err as WebAPIPlatformError).data;
  // The client logs each refusal's messages; the assertions below read them instead.
  const quiet = {
    debug() {},
    info() {},
    warn() {},
    error() {},
    setLevel() {},
    getLevel: () => LogLevel.ERROR,
    setName() {},
  };

  beforeEach(async () => {
    api = await new SlackApiStandIn().answerLikeSlack().start();
    client = new WebClient('xoxb-test', { slackApiUrl: api.url, retryConfig: { retries: 0 }, logger: quiet });
  });
  afterEach(async () => api.stop());

  it.each(['chat.postMessage', 'chat.update', 'chat.postEphemeral'] as const)(
    '%s over a limit: invalid_blocks with errors and messages, not carried out',
    async (method) => {
      const call =
        method === 'chat.postMessage'
          ? client.chat.postMessage(over)
          : method === 'chat.update'
            ? client.chat.update({ ...(over as object), ts: '1.2' } as never)
            : client.chat.postEphemeral({ ...(over as object), user: 'U0LEAD' } as never);
      const err = await call.catch((e: unknown) => e);
      expect(refusal(err)).toMatchObject({
        ok: false,
        error: 'invalid_blocks',
        errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
        response_metadata: {
          messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
        },
      });
      expect(api.calls).toEqual([]);
      expect(api.refused).toMatchObject([{ method, error: 'invalid_blocks', args: { channel: 'C0INCIDENT' } }]);
    },
  );

  it('a text over 40,000 characters: msg_too_long', async () => {
    const err = await client.chat.postMessage({ channel: 'C0INCIDENT', text: x(40_001) }).catch((e: unknown) => e);
    expect(refusal(err)).toMatchObject({ ok: false, error: 'msg_too_long' });
    expect(await client.chat.postMessage({ channel: 'C0INCIDENT', text: x(40_000) })).toMatchObject({ ok: true });
  });

  it.each(['views.open', 'views.update', 'views.publish'] as const)(
    '%s over a limit: invalid_arguments with the pointer under /view',
    async (method) => {
      const view = { type: 'modal', title: plain(x(25)), blocks: [] } as never;
      const call =
        method === 'views.open'
          ? client.views.open({ trigger_id: 't', view })
          : method === 'views.update'
            ? client.views.update({ view_id: 'V1', view })
            : client.views.publish({ user_id: 'U0LEAD', view });
      const err = await call.catch((e: unknown) => e);
      expect(refusal(err)).toMatchObject({
        ok: false,
        error: 'invalid_arguments',
        response_metadata: { messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] },
      });
      expect(api.refused.map((r) => r.method)).toEqual([method]);
    },
  );

  it('a response_url post over a limit: HTTP 400 with the bare code, recorded as refused, not a response', async () => {
    const url = api.responseUrl('cmd-1');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: 'x', blocks: [{ type: 'header', text: plain(x(151)) }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('invalid_blocks');
    expect(api.responses).toEqual([]);
    expect(api.refused).toMatchObject([
      {
        method: 'response_url',
        url,
        error: 'invalid_blocks',
        errors: ['must be less than 151 characters [json-pointer:/blocks/0/text/text]'],
      },
    ]);
  });

  it('assertNoUnexpectedRefusals names each refusal; expectRefusals lets through those a test provokes', async () => {
    await client.chat.postMessage(over).catch(() => undefined);
    await client.views
      .open({ trigger_id: 't', view: { type: 'modal', title: plain(x(30)), blocks: [] } as never })
      .catch(() => undefined);
    expect(() => api.assertNoUnexpectedRefusals()).toThrow(
      /refused 2 message\(s\) or view\(s\)[\s\S]*chat\.postMessage: invalid_blocks — must be less than 3001 characters \[json-pointer:\/blocks\/0\/text\/text\][\s\S]*views\.open: invalid_arguments/,
    );
    api.expectRefusals((r) => r.method === 'chat.postMessage');
    expect(api.unexpectedRefusals().map((r) => r.method)).toEqual(['views.open']);
    api.expectRefusals();
    expect(() => api.assertNoUnexpectedRefusals()).not.toThrow();
  });

  it('what Slack takes is carried out as before, and a form-encoded text starting with [ stays text', async () => {
    await client.chat.postMessage({
      channel: 'C0INCIDENT',
      text: '[drill] high-error-rate',
      blocks: [{ type: 'section', text: md(x(3000)) }] as never,
    });
    expect(api.calls[0]?.args.text).toBe('[drill] high-error-rate');
    expect(api.refused).toEqual([]);
  });
});
