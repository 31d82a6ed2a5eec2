/**
 * `rewind drill run <scenario> --dry-run` judges the target as a run would: the staging service's
 * router and the injector name VirtualService prompt-service in production's namespace, which the
 * config lets pass (another context, so maybe another cluster), but both contexts reach one API
 * server, where that object is production's. The dry run prints the refusal, exits 1, and
 * nothing is written. The same when the staging service's own VirtualService routes production's
 * host: the dry run reads it and names the host and whose it is.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { shippedConfigDoc } from '../support/config-doc.ts';
import { KubeApiStandIn } from '../support/kube-api.ts';
import { writeKubeconfig } from '../support/kubeconfig.ts';
import { REPO, cleanEnv, runRewind, tempDir } from '../support/run-cli.ts';

let kube: KubeApiStandIn | undefined;
afterEach(async () => {
  await kube?.close();
  kube = undefined;
});

describe('rewind drill run --dry-run', () => {
  it(
    'refuses a drill whose VirtualService is production’s on the same API server, writing nothing',
    { timeout: 120_000 },
    async () => {
      kube = await KubeApiStandIn.start({ token: 't' });
      kube.seedPromptService({ versions: ['v2.0.0', 'v1.5.0', 'v1.0.0'], namespace: 'prompts', context: 'prod' });
      const dir = tempDir('rewind-drill-target-cli-');
      const doc = shippedConfigDoc();
      doc.services['prompt-service'].context = 'prod';
      Object.assign(doc.services['prompt-service-staging'], {
        context: 'staging',
        namespace: 'prompts',
        router: { kind: 'istio', virtualService: 'prompt-service', route: 0 },
      });
      doc.drills.injector = { kind: 'istio-fault', virtualService: 'prompt-service' };
      const config = join(dir, 'rewind.yml');
      writeFileSync(config, stringify(doc));
      const kubeconfig = writeKubeconfig(
        [
          { name: 'prod', server: kube.url, token: 't' },
          { name: 'staging', server: kube.url, token: 't' },
        ],
        'staging',
        join(dir, 'kubeconfig'),
      );
      expect((await runRewind(['validate-config', config], cleanEnv())).code).toBe(0);
      kube.clearRequests();

      const r = await runRewind(
        ['drill', 'run', 'high-error-rate', '--dry-run', '--config', config],
        cleanEnv({ KUBECONFIG: kubeconfig }),
      );
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain('Drill plan');
      expect(r.stderr.trim()).toBe(
        'rewind drill run: the drill on prompt-service-staging is refused and nothing was changed: VirtualService ' +
          'prompts/prompt-service is the routing object of prompt-service-staging but also belongs to service ' +
          "prompt-service (its service-selector router's Service and its name), which is drill: denied and not " +
          'allowed for drills; a drill must not fault a route another service uses',
      );
      expect(kube.writes()).toEqual([]);
    },
  );

  it(
    'refuses a drill whose own VirtualService routes production’s host, naming it; nothing is written',
    { timeout: 120_000 },
    async () => {
      kube = await KubeApiStandIn.start({ token: 't' });
      kube.seedPromptService({ versions: ['v2.0.0', 'v1.5.0', 'v1.0.0'], namespace: 'prompts', context: 'prod' });
      kube.seedPromptService({
        versions: ['v2.0.0', 'v1.5.0', 'v1.0.0'],
        namespace: 'prompts-staging',
        name: 'prompt-service-staging',
      });
      kube.edit(
        'VirtualService',
        'prompts-staging',
        'prompt-service-staging',
        (vs) => void (vs.spec.hosts = ['prompt-service-staging', 'prompt-service.prompts.svc.cluster.local']),
      );
      const dir = tempDir('rewind-drill-hosts-cli-');
      const kubeconfig = writeKubeconfig(
        [
          { name: 'prod', server: kube.url, token: 't' },
          { name: 'staging', server: kube.url, token: 't' },
        ],
        'staging',
        join(dir, 'kubeconfig'),
      );
      kube.clearRequests();

      // The shipped config as it is: its static checks cannot see what the live object routes.
      const config = join(REPO, 'config/rewind.yml');
      const r = await runRewind(
        ['drill', 'run', 'high-error-rate', '--dry-run', '--config', config],
        cleanEnv({ KUBECONFIG: kubeconfig }),
      );
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain('Drill plan');
      expect(r.stderr.trim()).toBe(
        'rewind drill run: the drill on prompt-service-staging is refused and nothing was changed: VirtualService ' +
          'prompts-staging/prompt-service-staging routes host prompt-service.prompts.svc.cluster.local, which ' +
          'belongs to prompt-service (drill: denied)',
      );
      expect(kube.requests.map((q) => q.method)).toEqual(['GET']);
      expect(kube.writes()).toEqual([]);
    },
  );
});
