/**
 * Docker cannot build where the tests run, so deploy/Dockerfile is checked by reading it: a build
 * stage that compiles with the dev dependencies and prunes them, a runtime stage that holds the
 * compiled build and what it reads — no sources, tests or benchmarks — runs as the Deployment's
 * non-root uid, and starts dist/. test/process/compiled-start.test.ts runs that same layout.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function dockerInstructions(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  return logical.map((l) => {
    const [op = '', ...rest] = l.split(/\s+/);
    return { op: op.toUpperCase(), args: rest.join(' ') };
  });
}

/** The source paths of a stage's COPY lines (a `--from` copy names the other stage's paths). */
function copiedPaths(stage: Instruction[], from?: string): string[] {
  return stage
    .filter((i) => i.op === 'COPY')
    .map((i) => i.args.split(/\s+/))
    .filter((words) => (from ? words.includes(`--from=${from}`) : !words.some((w) => w.startsWith('--from'))))
    .flatMap((words) => words.filter((w) => !w.startsWith('--')).slice(0, -1));
}

/** The patterns of a .dockerignore file, comments and blank lines dropped. */
function ignored(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

describe('deploy/Dockerfile', () => {
  const instructions = dockerInstructions(read('deploy/Dockerfile'));
  const fromAt = instructions.flatMap((ins, i) => (ins.op === 'FROM' ? [i] : []));
  const build = instructions.slice(fromAt[0], fromAt[1]);
  const runtime = instructions.slice(fromAt[1]);
  const args = (stage: Instruction[], op: string) => stage.filter((i) => i.op === op).map((i) => i.args);

  it('has a build stage and a runtime stage on node:20-bookworm-slim', () => {
    expect(fromAt).toHaveLength(2);
    expect(args(instructions, 'FROM')).toEqual(['node:20-bookworm-slim AS build', 'node:20-bookworm-slim AS runtime']);
  });

  it('compiles in the build stage with every dependency, then prunes to the production ones', () => {
    const runs = args(build, 'RUN');
    const run = runs.join('\n');
    // The toolchain better-sqlite3 compiles its addon with when no prebuilt binary matches.
    expect(run).toMatch(/apt-get install[^\n]*\bpython3\b/);
    expect(run).toMatch(/apt-get install[^\n]*\bmake\b/);
    expect(run).toMatch(/apt-get install[^\n]*\bg\+\+/);
    const at = (pattern: RegExp) => runs.findIndex((r) => pattern.test(r));
    const install = at(/\bnpm ci\b/);
    const compile = at(/\bnpm run build\b/);
    const prune = at(/\bnpm prune --omit=dev\b/);
    expect(install).toBeGreaterThanOrEqual(0);
    expect(runs[install]).not.toMatch(/--omit=dev|--production|--ignore-scripts/);
    expect(compile).toBeGreaterThan(install);
    expect(prune).toBeGreaterThan(compile);
    expect(copiedPaths(build).sort()).toEqual(
      ['package-lock.json', 'package.json', 'src', 'tsconfig.build.json', 'tsconfig.json'].sort(),
    );
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
    // The build runs without the sources' tests: tsconfig.build.json compiles src/ alone.
    expect(read('tsconfig.build.json')).toMatch(/"include":\s*\["src"\]/);
  });

  it('ships the compiled build, production dependencies, config and manifest — no sources, tests or benchmarks', () => {
    expect(copiedPaths(runtime, 'build').sort()).toEqual(['/app/dist', '/app/node_modules']);
    const fromContext = copiedPaths(runtime);
    expect(fromContext.sort()).toEqual(['config', 'manifest.yml', 'package.json']);
    const everything = [...copiedPaths(build), ...fromContext];
    for (const unwanted of ['test', 'bench', 'bin', 'scripts', 'docs', '.', './'])
      expect(everything, `the image copies ${unwanted}`).not.toContain(unwanted);
    for (const file of [...everything, 'package-lock.json'])
      expect(existsSync(path.join(root, file)), `${file} exists`).toBe(true);
    // Nothing is installed or compiled in the runtime stage.
    expect(args(runtime, 'RUN').join('\n')).not.toMatch(/npm|tsc|apt-get install/);
    // The build context leaves out what the image must not see, a host-built dist/ among them.
    const context = ignored(read('deploy/Dockerfile.dockerignore'));
    for (const pattern of ['test', 'bench', 'dist', 'node_modules', '.env', '.git']) expect(context).toContain(pattern);
  });

  it('needs no TypeScript at run time: tsx and typescript are dev dependencies', () => {
    const pkg = JSON.parse(read('package.json')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const dev of ['tsx', 'typescript']) {
      expect(Object.keys(pkg.dependencies)).not.toContain(dev);
      expect(Object.keys(pkg.devDependencies)).toContain(dev);
    }
  });

  it('runs as the non-root uid the Deployment expects, from /app, in production mode', () => {
    const users = args(runtime, 'USER');
    expect(users).toHaveLength(1);
    const user = users[0]!;
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const deployment = parseAllDocuments(read('deploy/deployment.yaml'))
      .map((d) => d.toJS() as { kind?: string })
      .find((o): o is V1Deployment & { kind: 'Deployment' } => o?.kind === 'Deployment');
    const pod = deployment?.spec?.template.spec;
    expect(user.split(':')[0]).toBe(String(pod?.securityContext?.runAsUser));
    // The Deployment runs the image's CMD as it is.
    expect(pod?.containers.map((c) => [c.command, c.args])).toEqual([[undefined, undefined]]);
    // USER comes after every RUN so nothing runs as it with root's rights, and before CMD.
    const userAt = runtime.findIndex((i) => i.op === 'USER');
    expect(runtime.slice(userAt).some((i) => i.op === 'RUN')).toBe(false);
    expect(args(runtime, 'WORKDIR')).toEqual(['/app']);
    expect(args(runtime, 'ENV')).toContain('NODE_ENV=production');
    expect(args(runtime, 'EXPOSE')).toEqual(['3000']);
  });

  it('starts the compiled bot: node dist/bin.js start', () => {
    const cmd = args(runtime, 'CMD');
    expect(cmd).toHaveLength(1);
    expect(JSON.parse(cmd[0]!)).toEqual(['node', 'dist/bin.js', 'start']);
    expect(instructions.at(-1)?.op).toBe('CMD');
    // dist/bin.js is what src/bin.ts compiles to (rootDir src, outDir dist).
    expect(existsSync(path.join(root, 'src/bin.ts'))).toBe(true);
    expect(read('tsconfig.build.json')).toMatch(/"rootDir":\s*"src"[\s\S]*"outDir":\s*"dist"/);
  });
});
