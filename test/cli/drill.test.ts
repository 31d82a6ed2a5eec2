/** `rewind drill run <scenario> --dry-run`: the plan, with nothing changed; without --dry-run, a refusal. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { UsageError } from '../../src/cli/args.ts';
import { drillCommand } from '../../src/cli/drill.ts';
import { shippedConfigDoc, type ConfigDoc } from '../support/config-doc.ts';
import { KubeApiStandIn } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';

let dir: string | undefined;
let kube: KubeApiStandIn | undefined;
afterEach(async () => {
  await kube?.close();
  kube = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function capture() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: { log: (l: string) => lines.push(l), error: (l: string) => errors.push(l) } };
}

/** The shipped config, drills on prompt-service-staging through istio-fault, as a file. */
function configFile(edit: (c: ConfigDoc) => void = () => {}): string {
  dir = mkdtempSync(join(tmpdir(), 'rewind-drill-cli-'));
  const doc = shippedConfigDoc();
  edit(doc);
  const file = join(dir, 'rewind.yml');
  writeFileSync(file, stringify(doc));
  return file;
}

describe('rewind drill run --dry-run', () => {
  it('reads the serving version from the router, prints exactly the injector’s request, sends nothing', async () => {
    kube = await KubeApiStandIn.start({ token: 't' });
    kube.seedPromptService({
      versions: ['v2.0.0', 'v1.5.0', 'v1.0.0'],
      namespace: 'prompts-staging',
      name: 'prompt-service-staging',
      split: { 'v1.5.0': 100 },
    });
    const config = configFile();
    const kubeconfig = writeKubeconfig(
      [{ name: 'staging', server: kube.url, token: 't' }],
      'staging',
      join(dir!, 'kubeconfig'),
    );
    kube.clearRequests();
    const c = capture();
    expect(
      await drillCommand(['run', 'partial-outage', '--dry-run', '--config', config], c.out, { KUBECONFIG: kubeconfig }),
    ).toBe(0);
    const text = c.lines.join('\n');
    expect(text).toContain('version v1.5.0 (serving now, read from the router)');
    expect(text).toContain(
      'PUT VirtualService prompts-staging/prompt-service-staging spec.http[0].fault = ' +
        '{"abort":{"percentage":{"value":30},"httpStatus":503}}',
    );
    expect(text).toContain('dry run: nothing was changed');
    expect(kube.writes()).toEqual([]);
  });

  it('without --dry-run it refuses and points to /drill run; an unknown scenario names the known ones', async () => {
    const config = configFile();
    const c = capture();
    expect(await drillCommand(['run', 'high-error-rate', '--config', config], c.out, {})).toBe(2);
    expect(c.errors.join('\n')).toContain('/drill run');
    expect(await drillCommand(['run', 'meteor', '--dry-run', '--config', config], c.out, {})).toBe(1);
    expect(c.errors.at(-1)).toContain('configured: high-error-rate, latency-spike, partial-outage');
    await expect(drillCommand(['walk'], c.out, {})).rejects.toThrow(
      new UsageError('unknown subcommand "walk"; the only one is run'),
    );
  });
});
