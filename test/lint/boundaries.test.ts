/**
 * The rooms of docs/architecture.md are lint rules (eslint.config.js). Each boundary test lints a few lines of text
 * placed at a file path inside src/ that does not exist, importing a real file of the room it must not reach (the
 * first one found, so a rename elsewhere does not break the test), with the repository's own config. The cycle test
 * lints two files in fixtures/src/cycle that import each other. The last test runs the import rules over the real
 * src/, so a wrong arrow fails `npm test` even before `npm run lint` is a required CI step.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixtureRoot = fileURLToPath(new URL('./fixtures', import.meta.url));
const overrideConfigFile = path.join(repoRoot, 'eslint.config.js');
const IMPORT_RULES = new Set(['import-x/no-restricted-paths', 'import-x/no-cycle', 'no-restricted-imports']);

interface Finding {
  file: string;
  line: number;
  rule: string | null;
  message: string;
}

function findings(cwd: string, results: ESLint.LintResult[]): Finding[] {
  return results.flatMap((result) =>
    result.messages.map((m) => ({
      file: path.relative(cwd, result.filePath),
      line: m.line,
      rule: m.ruleId,
      message: m.message,
    })),
  );
}

/** Lints `text` as if it were the file at `filePath` (relative to the repository). */
async function lintAt(filePath: string, text: string): Promise<Finding[]> {
  const eslint = new ESLint({ cwd: repoRoot, overrideConfigFile });
  return findings(repoRoot, await eslint.lintText(text, { filePath }));
}

/** An import specifier, relative to src/<fromRoom>/, of a real TypeScript file in src/<room>. */
function someFileOf(room: string): string {
  const file = readdirSync(path.join(repoRoot, 'src', room), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .sort()[0];
  if (!file) throw new Error(`src/${room} has no TypeScript file to import`);
  return `../${room}/${file.split(path.sep).join('/')}`;
}

describe('import boundaries', () => {
  it('fails a domain file that imports from services', async () => {
    const target = someFileOf('services');
    const found = await lintAt('src/domain/lint-probe.ts', `import * as s from '${target}';\nexport const x = s;\n`);
    expect(found).toEqual([
      expect.objectContaining({
        line: 1,
        rule: 'import-x/no-restricted-paths',
        message: expect.stringMatching(/pure/),
      }),
    ]);
  }, 60_000);

  it('fails a domain file that imports a package doing I/O, and lets zod and other domain files through', async () => {
    const text = [
      `import * as d from '${someFileOf('domain').replace('../domain/', './')}';`,
      `import { z } from 'zod';`,
      `import { readFileSync } from 'node:fs';`,
      `import Database from 'better-sqlite3';`,
      `export const x = [d, z, readFileSync, Database];`,
    ].join('\n');
    const found = await lintAt('src/domain/lint-probe.ts', `${text}\n`);
    expect(found.map((f) => `${f.line} ${f.rule}`)).toEqual(['3 no-restricted-imports', '4 no-restricted-imports']);
  }, 60_000);

  it('fails a service that imports an adapter', async () => {
    const target = someFileOf('adapters');
    const found = await lintAt('src/services/lint-probe.ts', `import * as a from '${target}';\nexport const x = a;\n`);
    expect(found).toEqual([
      expect.objectContaining({
        line: 1,
        rule: 'import-x/no-restricted-paths',
        message: expect.stringMatching(/ports/),
      }),
    ]);
  }, 60_000);

  it('fails a store file that imports a service', async () => {
    const target = someFileOf('services');
    const found = await lintAt('src/store/lint-probe.ts', `import * as s from '${target}';\nexport const x = s;\n`);
    expect(found).toEqual([
      expect.objectContaining({
        line: 1,
        rule: 'import-x/no-restricted-paths',
        message: expect.stringMatching(/store/),
      }),
    ]);
  }, 60_000);

  it('fails both ends of a runtime import cycle', async () => {
    const eslint = new ESLint({ cwd: fixtureRoot, overrideConfigFile });
    const found = findings(fixtureRoot, await eslint.lintFiles(['src/cycle/*.ts']));
    expect(found.map((f) => `${f.file} ${f.rule}`).sort()).toEqual([
      'src/cycle/a.ts import-x/no-cycle',
      'src/cycle/b.ts import-x/no-cycle',
    ]);
  }, 60_000);
});

describe('line length', () => {
  it('fails a comment or a string over 120 characters; lets a long URL through', async () => {
    const at = 'src/domain/lint-probe.ts';
    const comment = await lintAt(at, `// ${'word '.repeat(24)}\nexport const y = 1;\n`);
    const url = await lintAt(at, `// https://example.com/${'a'.repeat(120)}\nexport const y = 1;\n`);
    const urlString = await lintAt(at, `export const link = 'https://example.com/${'a'.repeat(120)}';\n`);
    const string = await lintAt(at, `export const words = '${'x'.repeat(120)}';\n`);
    expect(comment.map((f) => f.rule)).toEqual(['max-len']);
    expect(url).toEqual([]);
    expect(urlString).toEqual([]);
    expect(string.map((f) => `${f.line} ${f.rule}`)).toEqual(['1 max-len']);
  }, 60_000);
});

describe('the real src/', () => {
  it('keeps every boundary and has no runtime import cycle', async () => {
    const eslint = new ESLint({
      cwd: repoRoot,
      overrideConfigFile,
      ruleFilter: ({ ruleId }) => IMPORT_RULES.has(ruleId),
    });
    const found = findings(repoRoot, await eslint.lintFiles(['src/**/*.ts']));
    expect(found.map((f) => `${f.file}:${f.line} ${f.rule}: ${f.message}`)).toEqual([]);
  }, 120_000);
});
