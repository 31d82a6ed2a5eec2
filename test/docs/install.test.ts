/**
 * docs/install.md says only what exists: every `rewind` command it runs (in the image as `node dist/bin.js`, in a
 * checkout as `npx rewind`) is a command with the options it uses; the image runs what the Dockerfile says; the
 * overlay it has you write renders with `kubectl kustomize` over the real deploy/, with your image and without the
 * Operator's objects when patched out; and the names its backup and restore use are those of deploy/.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { COMMAND_NAMES, HELP_TEXT, USAGE, type CommandName } from '../../src/cli/help.ts';
import { REPO, hasTool } from './examples.ts';

const PAGE = readFileSync(join(REPO, 'docs/install.md'), 'utf8');
const codeBlocks = (lang: string) =>
  [...PAGE.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

/** The command lines the page runs: `node dist/bin.js …` in the pod or image, `npx rewind …` in a checkout. */
function rewindCommandLines(): string[] {
  return [...PAGE.matchAll(/(?:node dist\/bin\.js|npx rewind) ([^\n`"]*)/g)]
    .map((m) => m[1]!.trim())
    .filter((line) => !line.startsWith('<')); // `node dist/bin.js <command>`: the page saying how, not a command
}

interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

function deployManifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(REPO, 'deploy', file), 'utf8'))
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

describe('docs/install.md', () => {
  it('runs only rewind commands that exist, with options their help names', () => {
    const lines = rewindCommandLines();
    expect(lines.length).toBeGreaterThanOrEqual(8);
    const problems: string[] = [];
    for (const line of lines) {
      const [word] = line.split(/\s+/);
      const options = line.match(/(?<=\s|^)--?[a-z][a-z-]*/g) ?? [];
      if (word?.startsWith('-')) {
        for (const o of options) if (!USAGE.includes(o)) problems.push(`${line}: rewind has no ${o}`);
        continue;
      }
      if (!(COMMAND_NAMES as readonly string[]).includes(word ?? '')) {
        problems.push(`${line}: no command ${word}`);
        continue;
      }
      const help = HELP_TEXT[word as CommandName];
      for (const o of options) if (!help.includes(o)) problems.push(`${line}: rewind ${word} --help names no ${o}`);
    }
    expect(problems).toEqual([]);
  });

  it('runs commands in the image the way its Dockerfile does', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(REPO, 'deploy/Dockerfile'), 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', 'dist/bin.js', 'start']);
    expect(PAGE).toContain('node dist/bin.js start');
  });

  it("backs up and restores the deployment's own database file, volume and pods", () => {
    const deployment = deployManifests('deployment.yaml').find((m) => m.kind === 'Deployment');
    const claim = deployManifests('deployment.yaml').find((m) => m.kind === 'PersistentVolumeClaim');
    const template = deployment?.spec.template as {
      metadata: { labels: Record<string, string> };
      spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> };
    };
    const db = template.spec.containers[0]?.env.find((e) => e.name === 'REWIND_DB')?.value;
    expect(db).toBeDefined();
    expect(PAGE).toContain(`require('better-sqlite3')('${db}', { readonly: true })`);
    expect(PAGE).toContain(`claimName: ${claim?.metadata.name}`);
    const [label, value] = Object.entries(template.metadata.labels)[0]!;
    expect(PAGE).toContain(`-l ${label}=${value}`);
    expect(PAGE).toContain(`kubectl -n ${(deployment?.metadata as { namespace?: string }).namespace} `);
  });

  it.skipIf(!hasTool('kubectl'))(
    'has you write an overlay that kubectl kustomize renders over deploy/ (skipped without kubectl)',
    () => {
      const overlays = codeBlocks('yaml').filter((b) => b.includes('resources:') || b.includes('$patch: delete'));
      expect(overlays).toHaveLength(2);
      const root = mkdtempSync(join(tmpdir(), 'rewind-overlay-'));
      symlinkSync(REPO, join(root, 'rewind'));
      const overlay = join(root, 'rewind-overlay');
      mkdirSync(overlay);
      copyFileSync(join(REPO, 'deploy/rewind.env.example'), join(overlay, 'rewind.env'));
      copyFileSync(join(REPO, 'config/rewind.yml'), join(overlay, 'rewind.yml'));

      const render = (text: string) => {
        writeFileSync(join(overlay, 'kustomization.yaml'), text);
        const run = spawnSync('kubectl', ['kustomize', overlay], { encoding: 'utf8', timeout: 60_000 });
        expect(run.status, run.stderr).toBe(0);
        return run.stdout
          .split(/^---$/m)
          .map(
            (d) => parse(d) as { kind: string; spec?: { template?: { spec: { containers: { image: string }[] } } } },
          );
      };
      const withOperator = render(overlays[0]!);
      const image = withOperator.find((o) => o.kind === 'Deployment')?.spec?.template?.spec.containers[0]?.image;
      expect(image).toBe('registry.example.com/rewind:0.1.0');
      expect(withOperator.map((o) => o.kind)).toEqual(expect.arrayContaining(['ServiceMonitor', 'PrometheusRule']));
      const withoutOperator = render(`${overlays[0]!}${overlays[1]!}`);
      expect(withoutOperator.map((o) => o.kind)).not.toContain('ServiceMonitor');
      expect(withoutOperator.map((o) => o.kind)).not.toContain('PrometheusRule');
      expect(withoutOperator.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'Secret', 'ConfigMap']));
    },
  );
});
