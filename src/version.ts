/**
 * The version of Rewind, read from package.json at run time: package.json sits one folder above
 * both src/ and the compiled dist/, so the sources and the build read the same file.
 */
import { readFileSync } from 'node:fs';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
