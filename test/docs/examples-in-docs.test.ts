/**
 * The docs show the example files, and stay true to them: a code block marked `<!-- example: FILE -->` must be a
 * verbatim part of FILE, every example is linked from a page, and the links of the pages that describe the
 * contracts and the installation lead to files and headings that exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, REPO } from './examples.ts';

const PAGES = [
  'README.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
/** The pages this folder's tests own: their every link is checked, headings included. */
const CHECKED_PAGES = ['docs/alerts.md', 'docs/prometheus.md', 'docs/install.md'].filter((p) =>
  existsSync(join(REPO, p)),
);

const read = (page: string) => readFileSync(join(REPO, page), 'utf8');

interface MarkedBlock {
  page: string;
  file: string;
  body: string;
}

function markedBlocks(page: string): MarkedBlock[] {
  const blocks: MarkedBlock[] = [];
  for (const m of read(page).matchAll(/<!-- example: (\S+) -->\s*\n```[a-z]*\n([\s\S]*?)```/g))
    blocks.push({ page, file: m[1]!, body: m[2]! });
  return blocks;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf(m[1]!)));
}

describe('the example files in the docs', () => {
  it('every block marked as an example is a verbatim part of its file', () => {
    const blocks = PAGES.flatMap(markedBlocks);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const block of blocks) {
      const file = join(REPO, block.file);
      expect(existsSync(file), `${block.page} shows ${block.file}, which does not exist`).toBe(true);
      expect(readFileSync(file, 'utf8'), `${block.page}: the block marked ${block.file} is not in that file`).toContain(
        block.body,
      );
    }
  });

  it('every file in docs/examples is linked from a page', () => {
    const linked = new Set(
      PAGES.flatMap((page) =>
        [...read(page).matchAll(/\]\(([^)#\s]+)/g)].map((m) => relative(REPO, resolve(REPO, dirname(page), m[1]!))),
      ),
    );
    const unlinked = readdirSync(EXAMPLES)
      .map((f) => `docs/examples/${f}`)
      .filter((f) => !linked.has(f));
    expect(unlinked).toEqual([]);
  });

  it.each(CHECKED_PAGES)('every link of %s leads to a file, and to a heading there when it names one', (page) => {
    const broken: string[] = [];
    for (const m of read(page).matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target)) continue; // http(s), mailto
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? join(REPO, page) : resolve(REPO, dirname(page), path);
      if (!existsSync(file)) broken.push(`${target}: no such file`);
      else if (anchor && file.endsWith('.md') && !anchorsOf(file).has(anchor))
        broken.push(`${target}: no such heading`);
    }
    expect(broken).toEqual([]);
  });
});
