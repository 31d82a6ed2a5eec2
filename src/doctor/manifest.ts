/**
 * The bot scopes Rewind's Slack app asks for, read from manifest.yml (the file the app is created
 * from, shipped in the image beside package.json), each with the comment that says what it is for.
 * Read rather than listed here, so the doctor checks exactly what an install from the manifest grants.
 */
import { readFileSync } from 'node:fs';
import { isScalar, isSeq, parseDocument } from 'yaml';

export const MANIFEST_FILE = new URL('../../manifest.yml', import.meta.url);

export interface ManifestScope {
  scope: string;
  /** The manifest's comment on it: what Rewind uses it for ('' when it has none). */
  purpose: string;
}

/** `oauth_config.scopes.bot` of the manifest; throws with a one-line reason when it cannot be read. */
export function manifestBotScopes(file: URL | string = MANIFEST_FILE): ManifestScope[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${String(file)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      cause: err,
    });
  }
  const doc = parseDocument(text);
  const bot = doc.getIn(['oauth_config', 'scopes', 'bot'], true);
  if (doc.errors.length > 0 || !isSeq(bot)) throw new Error(`${String(file)} has no list at oauth_config.scopes.bot`);
  return bot.items.flatMap((item) =>
    isScalar(item) && typeof item.value === 'string'
      ? [{ scope: item.value, purpose: (item.comment ?? '').trim() }]
      : [],
  );
}
