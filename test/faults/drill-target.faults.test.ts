/**
 * The real bot process never writes a drill's fault into a route that is not the drill service's
 * own. Production's prompt-service is `drill: denied`; the drill service prompt-service-staging
 * passes config validation but, in the cluster, its injector's VirtualService is production's:
 *
 * - by cluster: staging's router and injector name VirtualService prompt-service in context
 *   staging, which reaches the same API server as prod, so it is production's route;
 * - by label: staging's own VirtualService has been labelled app=prompt-service;
 * - by what it routes: staging's own VirtualService serves production's host, and its
 *   destinations are production's mesh Service.
 *
 * `/drill run` from Slack is refused with the reason on the response_url, no drill starts, and the
 * Kubernetes stand-in sees no write at all (so none reaches production's route).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND } from '../../src/adapters/slack/ids.ts';
import { IN_FAULT_SUITE, LEAD, Rig, VS, VS_PATH, type RigConfigDoc } from './support/rig.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const VERSIONS = [
  { version: 'v2.0.0', subset: 'v2-0-0' },
  { version: 'v1.5.0', subset: 'v1-5-0' },
  { version: 'v1.0.0', subset: 'v1-0-0' },
];

/** Production denied again (the rig allows it), drills on a staging service routed through `virtualService`. */
const stagingDrills = (virtualService: string) => (doc: RigConfigDoc) => {
  doc.services['prompt-service'].drill = 'denied';
  doc.services['prompt-service-staging'] = {
    context: 'staging',
    namespace: 'prompts',
    router: { kind: 'istio', virtualService, route: 0 },
    versions: VERSIONS,
    drill: 'allowed',
  };
  doc.drills.service = 'prompt-service-staging';
  doc.drills.injector = { kind: 'istio-fault', virtualService };
};

/** Sends /drill run and waits for the answer on its response_url. */
async function drillRun(r: Rig): Promise<string> {
  const a = await r.command(LEAD, COMMAND.drill, 'run high-error-rate');
  expect(a.status).toBe(200);
  const reply = await r.until('the answer to /drill run', () => r.slack.responsesTo(a.responseUrl)[0]);
  return String(reply.body.text ?? '');
}

function nothingWritten(r: Rig): void {
  expect(r.kube.writes()).toEqual([]);
  const prod = r.kube.mustGet(VS.kind, VS.namespace, VS.name) as { spec: { http: Array<{ fault?: unknown }> } };
  expect(prod.spec.http.map((h) => h.fault)).toEqual([undefined]);
  expect(
    r.read((db) => db.prepare('SELECT COUNT(*) AS n FROM drills WHERE started_at IS NOT NULL').get() as { n: number })
      .n,
  ).toBe(0);
}

describe.skipIf(!IN_FAULT_SUITE)('a drill aimed at a denied service’s route', () => {
  it('staging’s VirtualService is production’s on the same API server: refused, no write', async () => {
    rig = await Rig.start({ scale: 60, config: stagingDrills('prompt-service') });
    const said = await drillRun(rig);
    expect(said).toContain('🛑 The drill on *prompt-service-staging* is refused and nothing was changed');
    expect(said).not.toContain('Something went wrong');
    expect(said).toContain(
      'VirtualService prompts/prompt-service is the routing object of prompt-service-staging but also belongs to ' +
        'service prompt-service',
    );
    expect(said).toContain('drill: denied and not allowed for drills');
    expect(rig.kube.requests.filter((q) => q.path === VS_PATH).map((q) => q.method)).not.toContain('PUT');
    nothingWritten(rig);
  });

  it('staging’s own VirtualService labelled app=prompt-service: refused, no write', async () => {
    rig = await Rig.start({ scale: 60, config: stagingDrills('prompt-service-staging'), startBot: false });
    rig.kube.seedPromptService({
      versions: VERSIONS.map((v) => v.version),
      namespace: 'prompts',
      name: 'prompt-service-staging',
      context: 'staging',
    });
    rig.kube.edit(
      'VirtualService',
      'prompts',
      'prompt-service-staging',
      (o) => void (o.metadata.labels = { app: 'prompt-service' }),
    );
    rig.kube.clearRequests();
    await rig.bot.start();
    const said = await drillRun(rig);
    expect(said).toContain(
      'VirtualService prompts/prompt-service-staging is labelled app=prompt-service, so it belongs to service ' +
        'prompt-service',
    );
    nothingWritten(rig);
    const staging = rig.kube.mustGet('VirtualService', 'prompts', 'prompt-service-staging') as {
      spec: { http: Array<{ fault?: unknown }> };
    };
    expect(staging.spec.http.map((h) => h.fault)).toEqual([undefined]);
  });

  it('staging’s own VirtualService routes production’s host to production’s backends: refused, no write', async () => {
    rig = await Rig.start({ scale: 60, config: stagingDrills('prompt-service-staging'), startBot: false });
    rig.kube.seedPromptService({
      versions: VERSIONS.map((v) => v.version),
      namespace: 'prompts',
      name: 'prompt-service-staging',
      context: 'staging',
    });
    rig.kube.edit('VirtualService', 'prompts', 'prompt-service-staging', (o) => {
      o.spec.hosts = ['prompt-service', 'prompt-service.prompts.svc.cluster.local'];
      for (const r of o.spec.http[0].route) r.destination.host = 'prompt-service-mesh.prompts.svc.cluster.local';
    });
    rig.kube.clearRequests();
    await rig.bot.start();
    const said = await drillRun(rig);
    const staging = 'VirtualService prompts/prompt-service-staging';
    expect(said).toBe(
      '🛑 The drill on *prompt-service-staging* is refused and nothing was changed: ' +
        [
          `${staging} routes host prompt-service, which belongs to prompt-service (drill: denied)`,
          `${staging} routes host prompt-service.prompts.svc.cluster.local, which belongs to prompt-service (drill: ` +
            `denied)`,
          `${staging} spec.http[0] sends traffic to prompt-service-mesh.prompts.svc.cluster.local, which belongs to ` +
            `prompt-service (named after it; drill: denied)`,
        ].join('; ') +
        '.',
    );
    nothingWritten(rig);
    const vs = rig.kube.mustGet('VirtualService', 'prompts', 'prompt-service-staging') as {
      spec: { http: Array<{ fault?: unknown }> };
    };
    expect(vs.spec.http.map((h) => h.fault)).toEqual([undefined]);
  });
});
