/**
 * Checks what reached the Slack stand-in against Slack's published size limits (SLACK_LIMITS):
 * a message's `text`, and every text of its blocks or its view's blocks. Slack refuses a whole
 * message with one field too long (or cuts a text silently), so a test that sends outside text of
 * any length asserts that nothing here is over.
 */
import { SLACK_LIMITS } from '../../src/adapters/slack/blocks/limits.ts';

interface Call {
  method: string;
  args: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const textOf = (v: unknown): string | null => {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as Json).text === 'string') return (v as Json).text as string;
  return null;
};

/** Every limit one call breaks, as `method: what is N characters (limit L)`; empty when it fits. */
export function slackLimitViolations(call: Call): string[] {
  const out: string[] = [];
  const over = (what: string, value: unknown, limit: number) => {
    const text = textOf(value);
    // UTF-16 code units: at least Slack's count of characters, so this errs on the strict side.
    if (text !== null && text.length > limit) out.push(`${call.method}: ${what} is ${text.length} characters (limit ${limit})`);
  };
  const count = (what: string, n: number, limit: number) => {
    if (n > limit) out.push(`${call.method}: ${what} has ${n} (limit ${limit})`);
  };
  over('text', call.args.text, SLACK_LIMITS.messageText);
  const view = call.args.view as Json | undefined;
  const blocks = (call.args.blocks ?? view?.blocks ?? []) as Json[];
  count('blocks', blocks.length, view ? SLACK_LIMITS.blocksPerView : SLACK_LIMITS.blocksPerMessage);
  if (view) {
    over('view title', view.title, SLACK_LIMITS.modalTitle);
    over('view private_metadata', view.private_metadata, SLACK_LIMITS.privateMetadata);
  }
  for (const [i, b] of blocks.entries()) {
    const at = `block ${i} (${String(b.type)})`;
    if (b.type === 'section') {
      over(`${at} text`, b.text, SLACK_LIMITS.sectionText);
      const fields = (b.fields ?? []) as unknown[];
      count(`${at} fields`, fields.length, SLACK_LIMITS.sectionFields);
      for (const f of fields) over(`${at} field`, f, SLACK_LIMITS.sectionField);
    }
    if (b.type === 'header') over(`${at} text`, b.text, SLACK_LIMITS.headerText);
    if (b.type === 'context') {
      const elements = (b.elements ?? []) as unknown[];
      count(`${at} elements`, elements.length, SLACK_LIMITS.contextElements);
      for (const e of elements) over(`${at} element`, e, SLACK_LIMITS.contextElementText);
    }
    if (b.type === 'actions') {
      const elements = (b.elements ?? []) as Json[];
      count(`${at} elements`, elements.length, SLACK_LIMITS.actionsElements);
      for (const e of elements) {
        if (e.type === 'button') {
          over(`${at} button text`, e.text, SLACK_LIMITS.buttonText);
          over(`${at} button value`, e.value, SLACK_LIMITS.buttonValue);
        }
        for (const o of (e.options ?? []) as Json[]) over(`${at} option`, o.text, SLACK_LIMITS.optionText);
      }
    }
  }
  return out;
}

/** The violations of every call, each prefixed with the call's index. */
export function allSlackLimitViolations(calls: readonly Call[]): string[] {
  return calls.flatMap((c, i) => slackLimitViolations(c).map((v) => `#${i} ${v}`));
}
