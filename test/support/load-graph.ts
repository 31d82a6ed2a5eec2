/**
 * The modules a file loads at run time, followed through relative imports: `import type` vanishes,
 * every other import (with verbatimModuleSyntax, even `import { type X }`) loads its module. For
 * tests that a module config loads pulls in no client library or I/O.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[\s\S]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** Every file reached (relative to `root`) and every package or builtin named along the way. */
export function loadGraph(entry: string, root: string): { files: string[]; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const [, typeOnly, spec] = m;
      if (typeOnly || spec === undefined) continue;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else if (!packages.has(spec)) packages.set(spec, relative(root, file));
    }
  };
  visit(resolve(root, entry));
  return { files: [...files].map((f) => relative(root, f)), packages };
}
