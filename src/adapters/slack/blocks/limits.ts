/**
 * Slack's published size limits for the Block Kit fields the builders fill. Slack rejects a whole
 * message or view when one field is too long, so every free-form text is clipped to these before it
 * leaves a builder: a shortened line beats an incident message that fails to post.
 */
export const SLACK_LIMITS = {
  /** A message's top-level `text`: the whole message when it has no blocks, else the notification fallback. */
  messageText: 40000,
  blocksPerMessage: 50,
  blocksPerView: 100,
  sectionText: 3000,
  sectionField: 2000,
  sectionFields: 10,
  headerText: 150,
  contextElementText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  selectOptions: 100,
  inputLabel: 2000,
  placeholderText: 150,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  blockId: 255,
  actionId: 255,
} as const;

/**
 * Shortens `text` to at most `max` UTF-16 code units (Slack's count is by characters, so this is on
 * the safe side for emoji), ending with `…` when something was cut. Never splits a surrogate pair.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}
