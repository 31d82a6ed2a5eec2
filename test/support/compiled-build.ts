/**
 * The production build, made fresh in a temporary folder the way the image's build stage makes it:
 * package.json, the two tsconfig files and a copy of src/ beside node_modules (a link to the
 * repository's), then `npm run build`. Tests and the start-up benchmark run the compiled bot from
 * there, so they never depend on a dist/ left in the checkout by an earlier build of other sources,
 * and a source edited while they run does not change what they run.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './run-cli.ts';

export interface CompiledBuild {
  /** The folder built in: package.json, bin/, src/, dist/, node_modules. */
  root: string;
  /** The production entry, dist/bin.js: `node <entry> start` is what the image runs. */
  entry: string;
  /** How long `npm run build` took. */
  buildMs: number;
  remove(): void;
}

/** The TypeScript compiler in node_modules, or undefined when the dev dependencies are not installed. */
export function typescriptCompiler(): string | undefined {
  try {
    return createRequire(join(REPO, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/**
 * A new folder holding what `parts` names, copied from the repository (bin/ and src/ copied, so
 * their files are newer than nothing built before), with node_modules linked.
 */
export function checkoutLike(parts: Array<'package.json' | 'tsconfig' | 'bin' | 'src'>): string {
  const root = mkdtempSync(join(tmpdir(), 'rewind-build-'));
  for (const part of parts) {
    if (part === 'tsconfig') {
      for (const file of ['tsconfig.json', 'tsconfig.build.json']) copyFileSync(join(REPO, file), join(root, file));
    } else if (part === 'package.json') copyFileSync(join(REPO, part), join(root, part));
    else cpSync(join(REPO, part), join(root, part), { recursive: true });
  }
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

/** Runs `npm run build` in a copy of the repository's sources; throws with tsc's output if it fails. */
export function compileBuild(): CompiledBuild {
  if (!typescriptCompiler())
    throw new Error('typescript is not installed: npm ci installs it with the dev dependencies');
  const root = checkoutLike(['package.json', 'tsconfig', 'bin', 'src']);
  const started = Date.now();
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8' });
  const buildMs = Date.now() - started;
  const remove = () => rmSync(root, { recursive: true, force: true });
  if (result.status !== 0) {
    remove();
    throw new Error(`npm run build failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
  return { root, entry: join(root, 'dist/bin.js'), buildMs, remove };
}
