/**
 * The version of Rewind, read from package.json: the bin runs the sources through tsx, so there is
 * no build step that could stamp it in.
 */
import { readFileSync } from 'node:fs';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
