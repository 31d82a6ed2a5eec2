/**
 * Block Kit element constructors that clip every text to Slack's limits, so the surface builders
 * can pass free-form text (titles from alerts, error messages) without checking lengths themselves.
 */
import type {
  ActionsBlock,
  ActionsBlockElement,
  Button,
  ConfirmationDialog,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  MrkdwnElement,
  PlainTextElement,
  PlainTextOption,
  SectionBlock,
  StaticSelect,
} from '@slack/types';
import { SLACK_LIMITS, clip } from './limits.ts';

export function plain(text: string, max: number): PlainTextElement {
  return { type: 'plain_text', text: clip(text, max), emoji: true };
}

export function mrkdwn(text: string, max: number): MrkdwnElement {
  return { type: 'mrkdwn', text: clip(text, max) };
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: plain(text, SLACK_LIMITS.headerText) };
}

export function section(text: string, blockId?: string): SectionBlock {
  const block: SectionBlock = { type: 'section', text: mrkdwn(text, SLACK_LIMITS.sectionText) };
  if (blockId !== undefined) block.block_id = blockId;
  return block;
}

export function context(texts: readonly string[]): ContextBlock {
  return {
    type: 'context',
    elements: texts.slice(0, SLACK_LIMITS.contextElements).map((t) => mrkdwn(t, SLACK_LIMITS.contextElementText)),
  };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function actions(blockId: string, elements: ActionsBlockElement[]): ActionsBlock {
  return { type: 'actions', block_id: blockId, elements: elements.slice(0, SLACK_LIMITS.actionsElements) };
}

export interface ConfirmSpec {
  title: string;
  text: string;
  confirm: string;
  deny: string;
  style?: 'danger' | 'primary';
}

export function confirmDialog(spec: ConfirmSpec): ConfirmationDialog {
  const dialog: ConfirmationDialog = {
    title: plain(spec.title, SLACK_LIMITS.confirmTitle),
    text: plain(spec.text, SLACK_LIMITS.confirmText),
    confirm: plain(spec.confirm, SLACK_LIMITS.confirmButton),
    deny: plain(spec.deny, SLACK_LIMITS.confirmButton),
  };
  if (spec.style) dialog.style = spec.style;
  return dialog;
}

export interface ButtonSpec {
  actionId: string;
  text: string;
  value: string;
  style?: 'danger' | 'primary';
  confirm?: ConfirmSpec;
}

export function button(spec: ButtonSpec): Button {
  const b: Button = {
    type: 'button',
    action_id: spec.actionId,
    text: plain(spec.text, SLACK_LIMITS.buttonText),
    value: clip(spec.value, SLACK_LIMITS.buttonValue),
  };
  if (spec.style) b.style = spec.style;
  if (spec.confirm) b.confirm = confirmDialog(spec.confirm);
  return b;
}

export function option(text: string, value: string): PlainTextOption {
  return { text: plain(text, SLACK_LIMITS.optionText), value };
}

/**
 * A static select whose `initial_option` is the very option object of `options` with the chosen
 * value: Slack requires the two to match exactly, text included.
 */
export function staticSelect(
  actionId: string,
  placeholder: string,
  options: PlainTextOption[],
  selected: string | undefined,
): StaticSelect {
  const select: StaticSelect = {
    type: 'static_select',
    action_id: actionId,
    placeholder: plain(placeholder, SLACK_LIMITS.placeholderText),
    options,
  };
  const initial = selected === undefined ? undefined : options.find((o) => o.value === selected);
  if (initial) select.initial_option = initial;
  return select;
}
