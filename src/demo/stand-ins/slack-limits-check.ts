/**
 * What Slack refuses in a message or a view, for the Web API stand-in (slack-api.ts): a bot that
 * builds a bad message must fail its tests the way it would fail in production.
 *
 * The numbers are copied from Slack's reference pages, never imported from the bot's own table
 * (src/adapters/slack/blocks/limits.ts): a wrong entry there must make the bot's tests fail, not be
 * checked against itself.
 *
 * The answers copy the shape Slack gives: `invalid_blocks` with `errors` and
 * `response_metadata.messages` (`[ERROR] must be less than 3001 characters
 * [json-pointer:/blocks/0/text/text]`) for a message, `invalid_arguments` with the messages under
 * `/view/…` for a view, and a bare `msg_too_long` for a message text. Slack's wording for a repeated
 * block_id or action_id is not published; those messages are ours, the pointers follow Slack's.
 */

/**
 * Slack's documented limits, by the page of docs.slack.dev/reference they come from. Lengths are
 * characters; counts are items.
 */
export const SLACK_REFERENCE_LIMITS = {
  /** methods/chat.postMessage, "Truncating content": a `text` over 40,000 characters. */
  messageText: 40_000,
  /** block-kit/blocks: "up to 50 blocks in each message, and 100 blocks in modals or Home tabs". */
  messageBlocks: 50,
  viewBlocks: 100,
  /** Every block's block_id (block-kit/blocks/*) and every element's action_id (block-kit/block-elements/*). */
  blockId: 255,
  actionId: 255,
  /** block-kit/composition-objects/text-object: 1 to 3000 characters. */
  text: 3000,
  /** block-kit/blocks/section-block: text, up to 10 fields of 2000 characters each. */
  sectionText: 3000,
  sectionFields: 10,
  sectionField: 2000,
  /** block-kit/blocks/header-block. */
  headerText: 150,
  /** block-kit/blocks/context-block: up to 10 elements. */
  contextElements: 10,
  /** block-kit/blocks/actions-block: up to 25 elements. */
  actionsElements: 25,
  /** block-kit/blocks/input-block: label and hint. */
  inputLabel: 2000,
  inputHint: 2000,
  /** block-kit/blocks/image-block and block-elements/image-element. */
  imageAltText: 2000,
  imageUrl: 3000,
  imageTitle: 2000,
  /** block-kit/block-elements/button-element. */
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  accessibilityLabel: 75,
  /** block-kit/block-elements/select-menu-element and multi-select-menu-element. */
  placeholder: 150,
  selectOptions: 100,
  optionGroups: 100,
  /** block-kit/composition-objects/option-group-object. */
  optionGroupLabel: 75,
  optionGroupOptions: 100,
  /** block-kit/composition-objects/option-object. */
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  optionUrl: 3000,
  /** block-kit/block-elements/checkboxes-element and radio-button-group-element. */
  checkboxesOptions: 10,
  radioOptions: 10,
  /** block-kit/block-elements/overflow-menu-element. */
  overflowOptions: 5,
  /** block-kit/block-elements/plain-text-input-element: min_length and max_length. */
  inputLength: 3000,
  /** block-kit/composition-objects/confirmation-dialog-object. */
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** views/modal-views and views/home-tab-views. */
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
} as const;

const L = SLACK_REFERENCE_LIMITS;

/** Why Slack would refuse a payload: its error code and each problem as `message [json-pointer:/…]`. */
export interface SlackVerdict {
  error: 'invalid_blocks' | 'invalid_arguments' | 'msg_too_long';
  errors: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Characters as Slack counts them: code points (an emoji is one), never more than the bot's UTF-16 count. */
function characters(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** A repeated id quoted in a problem, short enough to read. */
const quote = (id: string) => JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id);

class Problems {
  readonly list: string[] = [];

  add(pointer: string, message: string): void {
    this.list.push(`${message} [json-pointer:${pointer}]`);
  }

  length(pointer: string, value: unknown, max: number, min = 0): void {
    if (typeof value !== 'string') return;
    const n = characters(value);
    if (n > max) this.add(pointer, `must be less than ${max + 1} characters`);
    else if (n < min) this.add(pointer, `must be more than ${min - 1} characters`);
  }

  items(pointer: string, value: unknown, max: number, min = 0): unknown[] {
    if (!Array.isArray(value)) return [];
    if (value.length > max) this.add(pointer, `no more than ${max} items allowed`);
    else if (value.length < min) this.add(pointer, `must provide at least ${min} items`);
    return value;
  }

  /** A text object: 1..max characters, and only `plain_text` where Slack takes nothing else. */
  text(pointer: string, value: unknown, max: number, plainOnly = false): void {
    if (!isObject(value)) return;
    if (plainOnly && value.type !== 'plain_text') this.add(`${pointer}/type`, 'must be plain_text');
    this.length(`${pointer}/text`, value.text, max, 1);
  }
}

function checkConfirm(p: Problems, c: unknown, at: string): void {
  if (!isObject(c)) return;
  p.text(`${at}/title`, c.title, L.confirmTitle, true);
  p.text(`${at}/text`, c.text, L.confirmText);
  p.text(`${at}/confirm`, c.confirm, L.confirmButton, true);
  p.text(`${at}/deny`, c.deny, L.confirmButton, true);
}

function checkOption(p: Problems, o: unknown, at: string, plainOnly: boolean): void {
  if (!isObject(o)) return;
  p.text(`${at}/text`, o.text, L.optionText, plainOnly);
  p.length(`${at}/value`, o.value, L.optionValue);
  p.text(`${at}/description`, o.description, L.optionDescription, plainOnly);
  p.length(`${at}/url`, o.url, L.optionUrl);
}

function checkOptions(p: Problems, e: Json, at: string, max: number, plainOnly: boolean): void {
  p.items(`${at}/options`, e.options, max).forEach((o, k) => checkOption(p, o, `${at}/options/${k}`, plainOnly));
  p.items(`${at}/option_groups`, e.option_groups, L.optionGroups).forEach((g, k) => {
    if (!isObject(g)) return;
    p.text(`${at}/option_groups/${k}/label`, g.label, L.optionGroupLabel, true);
    p.items(`${at}/option_groups/${k}/options`, g.options, L.optionGroupOptions).forEach((o, m) =>
      checkOption(p, o, `${at}/option_groups/${k}/options/${m}`, plainOnly),
    );
  });
  if (e.initial_option !== undefined) checkOption(p, e.initial_option, `${at}/initial_option`, plainOnly);
  if (Array.isArray(e.initial_options))
    e.initial_options.forEach((o, k) => checkOption(p, o, `${at}/initial_options/${k}`, plainOnly));
}

function checkImage(p: Problems, e: Json, at: string): void {
  p.length(`${at}/alt_text`, e.alt_text, L.imageAltText);
  p.length(`${at}/image_url`, e.image_url, L.imageUrl);
}

/** An interactive element, wherever it sits: actions elements, a section accessory, an input's element. */
function checkElement(p: Problems, e: unknown, at: string): void {
  if (!isObject(e)) return;
  p.length(`${at}/action_id`, e.action_id, L.actionId, 1);
  p.text(`${at}/placeholder`, e.placeholder, L.placeholder, true);
  checkConfirm(p, e.confirm, `${at}/confirm`);
  switch (e.type) {
    case 'button':
      p.text(`${at}/text`, e.text, L.buttonText, true);
      p.length(`${at}/value`, e.value, L.buttonValue);
      p.length(`${at}/url`, e.url, L.buttonUrl);
      p.length(`${at}/accessibility_label`, e.accessibility_label, L.accessibilityLabel);
      break;
    case 'static_select':
    case 'multi_static_select':
      checkOptions(p, e, at, L.selectOptions, true);
      break;
    case 'checkboxes':
      checkOptions(p, e, at, L.checkboxesOptions, false);
      break;
    case 'radio_buttons':
      checkOptions(p, e, at, L.radioOptions, false);
      break;
    case 'overflow':
      checkOptions(p, e, at, L.overflowOptions, true);
      break;
    case 'plain_text_input':
      for (const key of ['min_length', 'max_length'] as const) {
        const n = e[key];
        if (typeof n === 'number' && n > L.inputLength)
          p.add(`${at}/${key}`, `must be less than or equal to ${L.inputLength}`);
      }
      break;
    case 'image':
      checkImage(p, e, at);
      break;
  }
}

/** The action_ids of one block's elements: Slack takes each only once within its containing block. */
function checkActionIds(p: Problems, elements: unknown[], at: string): void {
  const seen = new Map<string, number>();
  elements.forEach((e, k) => {
    if (!isObject(e) || typeof e.action_id !== 'string') return;
    const first = seen.get(e.action_id);
    if (first === undefined) seen.set(e.action_id, k);
    else p.add(`${at}/${k}/action_id`, `duplicate action_id ${quote(e.action_id)} (also ${at}/${first}/action_id)`);
  });
}

function checkBlock(p: Problems, b: Json, at: string): void {
  switch (b.type) {
    case 'section': {
      if (b.text === undefined && b.fields === undefined) p.add(at, 'must define either `text` or `fields`');
      p.text(`${at}/text`, b.text, L.sectionText);
      p.items(`${at}/fields`, b.fields, L.sectionFields).forEach((f, k) =>
        p.text(`${at}/fields/${k}`, f, L.sectionField),
      );
      checkElement(p, b.accessory, `${at}/accessory`);
      break;
    }
    case 'header':
      p.text(`${at}/text`, b.text, L.headerText, true);
      break;
    case 'context':
      p.items(`${at}/elements`, b.elements, L.contextElements, 1).forEach((e, k) => {
        if (isObject(e) && e.type === 'image') checkImage(p, e, `${at}/elements/${k}`);
        else p.text(`${at}/elements/${k}`, e, L.text);
      });
      break;
    case 'actions': {
      const elements = p.items(`${at}/elements`, b.elements, L.actionsElements, 1);
      elements.forEach((e, k) => checkElement(p, e, `${at}/elements/${k}`));
      checkActionIds(p, elements, `${at}/elements`);
      break;
    }
    case 'input':
      p.text(`${at}/label`, b.label, L.inputLabel, true);
      p.text(`${at}/hint`, b.hint, L.inputHint, true);
      checkElement(p, b.element, `${at}/element`);
      break;
    case 'image':
      checkImage(p, b, at);
      p.text(`${at}/title`, b.title, L.imageTitle, true);
      break;
  }
}

/** A message's or a view's blocks: how many, each block, and every block_id only once. */
function checkBlocks(p: Problems, blocks: unknown, at: string, max: number): void {
  const seen = new Map<string, number>();
  p.items(at, blocks, max).forEach((b, i) => {
    if (!isObject(b)) return;
    if (typeof b.block_id === 'string') {
      p.length(`${at}/${i}/block_id`, b.block_id, L.blockId, 1);
      const first = seen.get(b.block_id);
      if (first === undefined) seen.set(b.block_id, i);
      else p.add(`${at}/${i}/block_id`, `duplicate block_id ${quote(b.block_id)} (also ${at}/${first}/block_id)`);
    }
    checkBlock(p, b, `${at}/${i}`);
  });
}

/**
 * A message as chat.postMessage, chat.update, chat.postEphemeral or a response_url takes it
 * (`text`, `blocks`); null when Slack takes it.
 */
export function checkMessage(args: Json): SlackVerdict | null {
  const p = new Problems();
  checkBlocks(p, args.blocks, '/blocks', L.messageBlocks);
  if (p.list.length > 0) return { error: 'invalid_blocks', errors: p.list };
  if (typeof args.text === 'string' && characters(args.text) > L.messageText)
    return { error: 'msg_too_long', errors: [] };
  return null;
}

/** A view as views.open, views.update, views.push and views.publish take it; null when Slack takes it. */
export function checkView(view: unknown): SlackVerdict | null {
  if (!isObject(view)) return null;
  const p = new Problems();
  if (view.type === 'modal') {
    if (view.title === undefined) p.add('/view', 'must provide `title`');
    p.text('/view/title', view.title, L.modalTitle, true);
    p.text('/view/submit', view.submit, L.modalButton, true);
    p.text('/view/close', view.close, L.modalButton, true);
  }
  p.length('/view/private_metadata', view.private_metadata, L.privateMetadata);
  p.length('/view/callback_id', view.callback_id, L.callbackId);
  checkBlocks(p, view.blocks, '/view/blocks', L.viewBlocks);
  return p.list.length > 0 ? { error: 'invalid_arguments', errors: p.list } : null;
}

/** What a Web API method of the stand-in checks, by method; undefined for methods carrying no message or view. */
export function checkCall(method: string, args: Json): SlackVerdict | null | undefined {
  switch (method) {
    case 'chat.postMessage':
    case 'chat.update':
    case 'chat.postEphemeral':
    case 'chat.scheduleMessage':
      return checkMessage(args);
    case 'views.open':
    case 'views.update':
    case 'views.push':
    case 'views.publish':
      return checkView(args.view);
    default:
      return undefined;
  }
}

/** The Web API's answer to a refused call, in Slack's shape. */
export function refusalBody(v: SlackVerdict): Record<string, unknown> {
  if (v.error === 'msg_too_long') return { ok: false, error: v.error };
  const messages = v.errors.map((e) => `[ERROR] ${e}`);
  // A refused view carries its problems only in response_metadata; a message in `errors` as well.
  return v.error === 'invalid_arguments'
    ? { ok: false, error: v.error, response_metadata: { messages } }
    : { ok: false, error: v.error, errors: v.errors, response_metadata: { messages } };
}
