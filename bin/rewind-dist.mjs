#!/usr/bin/env node
// `rewind` from the compiled build in dist/ — what `npm start` runs. The image runs dist/bin.js
// directly: it ships no sources. bin/rewind.mjs runs the sources through tsx instead, for
// development, the demo, the tests and the fault suite, so none of them can meet a stale dist/.
//
// The build is an explicit `npm run build`, not a `prepare` script: a prepare build would add a
// compile to every `npm ci` (CI, and the image's install, before its sources are even copied), and
// would still go stale at the first edit after it. So this entry checks, before it runs anything,
// that each src/ file has its compiled file and is not newer than it, and says what to do when not.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** Why dist/ must not run, or undefined when it may. */
function staleBuild() {
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'bin.js'))) return 'there is no compiled build in dist/';
  const src = join(root, 'src');
  // Without sources (the image, a copy of dist/ alone) there is nothing the build could lag behind.
  if (!existsSync(src)) return undefined;
  for (const file of sourceFiles(src)) {
    const name = relative(src, file);
    const compiled = statSync(join(dist, name.replace(/\.ts$/, '.js')), { throwIfNoEntry: false });
    if (!compiled) return `src/${name} has no compiled file in dist/`;
    if (compiled.mtimeMs < statSync(file).mtimeMs) return `src/${name} changed after dist/ was built`;
  }
  return undefined;
}

const problem = staleBuild();
if (problem) {
  console.error(`rewind: ${problem}; run npm run build first (or bin/rewind.mjs, which runs the sources)`);
  process.exitCode = 1;
} else {
  await import('../dist/bin.js');
}
