/**
 * What a listener gets: the parsed, typed value of each delivery Slack may send Rewind, read instead
 * of Bolt's loosely typed body. The schemas that produce them are in payload-schemas.ts and
 * payload-action-schemas.ts; payloads.ts parses a body into one and hands it to the listeners.
 */
import type { ActionId, COMMAND, VIEW } from './ids.ts';

export interface SlashCommand {
  kind: 'command';
  command: (typeof COMMAND)[keyof typeof COMMAND];
  text: string;
  userId: string;
  channelId: string;
  triggerId: string;
  responseUrl: string;
}

export type ClickAction =
  | { kind: 'select'; actionId: ActionId; value: string }
  | { kind: 'button'; actionId: ActionId; value: string }
  /** The drill scorecard's 1–5 buttons: value `<drill id>:<n>`. */
  | { kind: 'rating'; actionId: ActionId; drillId: string; score: number }
  /** The fix-preparation checkboxes: block `fix_prep:<part>`. */
  | { kind: 'fix_prep'; actionId: ActionId; part: number; selected: string[] }
  /** A drill checklist: block `drill_prep:<drill id>` or `drill_review:<drill id>`. */
  | { kind: 'drill_checklist'; actionId: ActionId; drillId: string; selected: string[] };

export interface Click<A extends ClickAction = ClickAction> {
  kind: 'action';
  userId: string;
  triggerId: string;
  /** Absent on clicks outside messages; then answers go out with chat.postEphemeral. */
  responseUrl: string | null;
  channelId: string | null;
  messageTs: string | null;
  threadTs: string | null;
  action: A;
}

export interface StateEntry {
  type: string;
  value?: string | null | undefined;
  selected_option?: { value: string } | null | undefined;
  selected_options?: Array<{ value: string }> | undefined;
}

export type StateValues = Record<string, Record<string, StateEntry>>;

export interface Submission {
  kind: 'view';
  callbackId: (typeof VIEW)[keyof typeof VIEW];
  userId: string;
  /** Still text: each modal's listener reads its own metadata with its own schema. */
  privateMetadata: string;
  values: StateValues;
}

export interface HomeOpened {
  kind: 'event';
  type: 'app_home_opened';
  userId: string;
  tab: 'home' | 'messages';
}

export type Delivery = SlashCommand | Click | Submission | HomeOpened;
