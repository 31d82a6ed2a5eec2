/**
 * The command line both rewrite scripts take: `[--write] [--width N] [paths]`, and the source files
 * it names (every file git lists when no path is given; a folder means the files under it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface RewriteOptions {
  write: boolean;
  width: number;
  files: string[];
}

function filesUnder(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target, { recursive: true, encoding: 'utf8' })
    .filter((name) => !name.split(path.sep).includes('node_modules'))
    .map((name) => path.join(target, name));
}

export function rewriteOptions(argv: string[], sources: RegExp): RewriteOptions {
  const write = argv.includes('--write');
  const widthAt = argv.indexOf('--width');
  const width = widthAt >= 0 ? Number(argv[widthAt + 1]) : 120;
  if (!Number.isInteger(width) || width < 20) throw new Error(`--width wants a whole number of columns, got ${width}`);
  const targets = argv.filter((a, i) => !a.startsWith('--') && (widthAt < 0 || i !== widthAt + 1));
  const listed =
    targets.length > 0
      ? targets.flatMap(filesUnder)
      : execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { encoding: 'utf8' }).split('\n');
  // A file git still lists may have been deleted in the working tree.
  const files = listed.filter((f) => sources.test(f) && !f.endsWith('.d.ts') && existsSync(f));
  return { write, width, files };
}
