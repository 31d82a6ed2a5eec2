/**
 * A drill never faults a route that is not the drill service's own, whatever the config says:
 * before every injection the live VirtualService is checked against the cluster (two contexts
 * reaching one API server make production's VirtualService the staging router's too) and against
 * its ownership labels. A signed `/drill run`, its dry run and a scheduled drill are refused with
 * the reason, and the Kubernetes stand-in sees no write.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND } from '../../../src/adapters/slack/ids.ts';
import type { RecordedRequest } from '../../../src/demo/stand-ins/kube-api.ts';
import { LEAD, startWorld, textOf, type ConfigDoc, type World } from '../../support/world.ts';

const MIN = 60_000;
const DRILLS = 'C0DRILLS';
const STAGING_VS = '/apis/networking.istio.io/v1/namespaces/prompts/virtualservices/prompt-service-staging';
const DENIED =
  "service prompt-service (its istio router's VirtualService and its name), which is drill: denied and not allowed " +
  'for drills';

let world: World;
afterEach(async () => world?.stop());

const lastResponse = (w: World) => String(w.slack.responses.at(-1)?.body.text ?? '');
const faultOf = (w: World, name: string) =>
  (w.kube!.mustGet('VirtualService', 'prompts', name) as { spec: { http: Array<{ fault?: unknown }> } }).spec.http[0]
    ?.fault;
/** Drill rows other than the quarterly one the calendar arms at start. */
const ranDrills = (w: World) => w.rewind.store.drills.list().filter((d) => d.status !== 'scheduled');

/**
 * Staging beside production in namespace prompts, each through its own context (prod, staging: two
 * contexts of the world's one API server). The shipped config gives staging a namespace of its own.
 */
const besideProduction = (c: ConfigDoc) => {
  c.services['prompt-service'].context = 'prod';
  Object.assign(c.services['prompt-service-staging'], { namespace: 'prompts', context: 'staging' });
};

type Vs = {
  metadata: { labels?: Record<string, string> };
  spec: { hosts: string[]; gateways?: string[]; http: Array<{ route: Array<{ destination: { host: string } }> }> };
};

/**
 * The shipped drill setup (prompt-service-staging through istio-fault) with the staging
 * service's own VirtualService seeded in the stand-in next to production's, labelled `labels` or
 * changed by `edit`; `locale` is the config's.
 */
async function stagingWorld(
  labels?: Record<string, string>,
  o: { edit?: (vs: Vs) => void; locale?: 'en' | 'ja' } = {},
): Promise<World> {
  const w = await startWorld({
    kube: {},
    config: (c) => {
      besideProduction(c);
      if (o.locale) c.locale = o.locale;
    },
  });
  w.kube!.seedPromptService({
    versions: ['v2.0.0', 'v1.5.0', 'v1.0.0'],
    namespace: 'prompts',
    name: 'prompt-service-staging',
    context: 'staging',
  });
  if (labels)
    w.kube!.edit('VirtualService', 'prompts', 'prompt-service-staging', (vs) => void (vs.metadata.labels = labels));
  if (o.edit) w.kube!.edit('VirtualService', 'prompts', 'prompt-service-staging', (vs) => o.edit!(vs as Vs));
  w.kube!.clearRequests();
  return w;
}

describe('the injector aimed at production’s route through another context', () => {
  // prod and staging are two contexts of one API server in this world: the config cannot tell,
  // the kubeconfig can.
  const sharedRoute = (c: ConfigDoc) => {
    besideProduction(c);
    c.services['prompt-service-staging'].router = { kind: 'istio', virtualService: 'prompt-service', route: 0 };
    c.drills.injector = { kind: 'istio-fault', virtualService: 'prompt-service' };
  };

  it('/drill run is refused, saying whose route it is; nothing reaches Kubernetes', async () => {
    world = await startWorld({ kube: {}, config: sharedRoute });
    await world.command(LEAD, COMMAND.drill, 'run high-error-rate');
    const said = lastResponse(world);
    expect(said).toContain('🛑 The drill on *prompt-service-staging* is refused and nothing was changed');
    expect(said).not.toContain('Something went wrong');
    expect(said).toContain(
      `VirtualService prompts/prompt-service is the routing object of prompt-service-staging but also belongs to ` +
        `${DENIED}`,
    );
    expect(world.kube!.writes()).toEqual([]);
    expect(faultOf(world, 'prompt-service')).toBeUndefined();
    expect(ranDrills(world)).toEqual([]);

    // The dry run says the same, and changes nothing either.
    await world.command(LEAD, COMMAND.drill, 'run high-error-rate --dry-run');
    expect(lastResponse(world)).toContain(`belongs to ${DENIED}`);
    expect(world.kube!.writes()).toEqual([]);
  });
});

describe('the drill service’s VirtualService labelled as another service’s', () => {
  it.each([['app.kubernetes.io/name'], ['app'], ['app.kubernetes.io/instance']])(
    '%s=prompt-service: /drill run is refused, nothing written',
    async (label) => {
      world = await stagingWorld({ [label]: 'prompt-service' });
      await world.command(LEAD, COMMAND.drill, 'run partial-outage');
      expect(lastResponse(world)).toContain(
        `VirtualService prompts/prompt-service-staging is labelled ${label}=prompt-service, so it belongs to ` +
          `${DENIED}; the drill faults only prompt-service-staging's own VirtualService`,
      );
      expect(world.kube!.writes()).toEqual([]);
      expect(ranDrills(world)).toEqual([]);
    },
  );

  it('labelled as its own, the same drill runs and faults only the staging route', async () => {
    world = await stagingWorld({ app: 'prompt-service-staging', 'app.kubernetes.io/name': 'prompt-service-staging' });
    await world.command(LEAD, COMMAND.drill, 'run high-error-rate');
    expect(lastResponse(world)).not.toContain('refused');
    expect(faultOf(world, 'prompt-service-staging')).toEqual({ abort: { percentage: { value: 20 }, httpStatus: 500 } });
    expect(world.kube!.writes().map((r) => `${r.method} ${r.path}`)).toEqual([`PUT ${STAGING_VS}`]);
    expect(faultOf(world, 'prompt-service')).toBeUndefined();
    await world.command(LEAD, COMMAND.drill, 'abort');
    expect(faultOf(world, 'prompt-service-staging')).toBeUndefined();
  });

  it('relabelled between the checks and the write: apply reads it again and writes nothing', async () => {
    world = await stagingWorld();
    // The plan reads the object twice (ownership, serving version); the third read is apply's own.
    let reads = 0;
    const applyRead = (r: RecordedRequest) => r.method === 'GET' && r.path === STAGING_VS && ++reads === 3;
    world.kube!.beforeNext(applyRead, (api) =>
      api.edit(
        'VirtualService',
        'prompts',
        'prompt-service-staging',
        (o) => void (o.metadata.labels = { app: 'prompt-service' }),
      ),
    );
    await world.command(LEAD, COMMAND.drill, 'run high-error-rate');
    expect(reads).toBeGreaterThanOrEqual(3);
    expect(lastResponse(world)).toContain(
      'the fault could not be applied: the drill was refused and nothing was written: VirtualService ' +
        'prompts/prompt-service-staging is labelled app=prompt-service',
    );
    expect(world.kube!.writes()).toEqual([]);
    const [drill] = ranDrills(world);
    expect(drill).toMatchObject({ status: 'failed' });
    expect(drill?.ending).toMatchObject({
      kind: 'apply_failed',
      message: expect.stringContaining('labelled app=prompt-service'),
    });
  });

  it('a scheduled drill at its time is not run, and the drill channel says why', async () => {
    world = await stagingWorld({ 'app.kubernetes.io/name': 'prompt-service' });
    const AT = Date.UTC(2026, 3, 1, 1, 0); // the next quarterly drill of the shipped schedule
    world.clock.jumpTo(AT - 2 * MIN);
    await world.runUntil(() => world.rewind.store.drills.get('DRILL-20260401-001')?.status === 'aborted', {
      stepMs: 10_000,
      maxMs: 10 * MIN,
    });
    const drill = world.rewind.store.drills.get('DRILL-20260401-001')!;
    expect(drill.ending).toMatchObject({
      kind: 'not_run',
      refusal: {
        kind: 'drill_refused',
        service: 'prompt-service-staging',
        reason: expect.stringContaining('labelled app.kubernetes.io/name=prompt-service'),
      },
    });
    expect(drill.faultApplied).toBeNull();
    expect(world.kube!.writes()).toEqual([]);
    await world.settle();
    const posts = world.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === DRILLS);
    expect(
      posts.some(
        (c) => textOf(c).includes('DRILL-20260401-001') && textOf(c).includes('app.kubernetes.io/name=prompt-service'),
      ),
    ).toBe(true);
  });
});

describe('the drill service’s own VirtualService routing production’s traffic', () => {
  const VS_ = 'VirtualService prompts/prompt-service-staging';
  /** As the probe had it: production's hosts, and every destination production's mesh Service. */
  const productionHosts = (vs: Vs) => {
    vs.spec.hosts = ['prompt-service', 'prompt-service.prompts.svc.cluster.local'];
    for (const r of vs.spec.http[0]!.route) r.destination.host = 'prompt-service-mesh.prompts.svc.cluster.local';
  };
  const productionDestinations = (vs: Vs) => {
    for (const r of vs.spec.http[0]!.route) r.destination.host = 'prompt-service-mesh';
  };

  it.each<['en' | 'ja', string]>([
    [
      'en',
      '🛑 The drill on *prompt-service-staging* is refused and nothing was changed: ' +
        [
          `${VS_} routes host prompt-service, which belongs to prompt-service (drill: denied)`,
          `${VS_} routes host prompt-service.prompts.svc.cluster.local, which belongs to prompt-service (drill: ` +
            `denied)`,
          `${VS_} spec.http[0] sends traffic to prompt-service-mesh.prompts.svc.cluster.local, which belongs to ` +
            `prompt-service (named after it; drill: denied)`,
        ].join('; ') +
        '.',
    ],
    [
      'ja',
      '🛑 *prompt-service-staging* の訓練は拒否されました。何も変更していません: ' +
        [
          `${VS_} はホスト prompt-service をルーティングしていますが、これは prompt-service（drill: denied）のものです`,
          `${VS_} はホスト prompt-service.prompts.svc.cluster.local をルーティングしていますが、これは prompt-service（drill: denied）のものです`,
          `${VS_} の spec.http[0] は prompt-service-mesh.prompts.svc.cluster.local へトラフィックを送っていますが、これは ` +
            `prompt-service（名前が prompt-service- で始まる、drill: denied）のものです`,
        ].join('。') +
        '。',
    ],
  ])(
    'production’s hosts (%s): /drill run and its dry run are refused with what was found; nothing is written',
    async (locale, refusal) => {
      world = await stagingWorld(undefined, { edit: productionHosts, locale });
      await world.command(LEAD, COMMAND.drill, 'run high-error-rate');
      expect(lastResponse(world)).toBe(refusal);
      await world.command(LEAD, COMMAND.drill, 'run high-error-rate --dry-run');
      expect(lastResponse(world)).toBe(refusal);
      expect(world.kube!.writes()).toEqual([]);
      expect(faultOf(world, 'prompt-service-staging')).toBeUndefined();
      expect(faultOf(world, 'prompt-service')).toBeUndefined();
      expect(ranDrills(world)).toEqual([]);
    },
  );

  it('its own host, but production’s destinations: refused, nothing written', async () => {
    world = await stagingWorld(undefined, { edit: productionDestinations });
    await world.command(LEAD, COMMAND.drill, 'run partial-outage');
    expect(lastResponse(world)).toBe(
      `🛑 The drill on *prompt-service-staging* is refused and nothing was changed: ${VS_} spec.http[0] sends traffic ` +
        `to prompt-service-mesh, which belongs to prompt-service (named after it; drill: denied).`,
    );
    expect(world.kube!.writes()).toEqual([]);
    expect(ranDrills(world)).toEqual([]);
  });

  it.each<['en' | 'ja', string]>([
    [
      'en',
      `🛑 The drill on *prompt-service-staging* is refused and nothing was changed: ${VS_} is labelled ` +
        `app.kubernetes.io/part-of=prompt-service, so it belongs to ${DENIED}; the drill faults only ` +
        `prompt-service-staging's own VirtualService.`,
    ],
    [
      'ja',
      `🛑 *prompt-service-staging* の訓練は拒否されました。何も変更していません: ${VS_} にはラベル app.kubernetes.io/part-of=prompt-service があり、` +
        `サービス prompt-service（istio ルーターの VirtualService・サービス名、drill: denied のため訓練不可）のものです。訓練で障害を入れるのは ` +
        `prompt-service-staging 自身の VirtualService だけです。`,
    ],
  ])('labelled app.kubernetes.io/part-of=prompt-service (%s): refused, nothing written', async (locale, refusal) => {
    world = await stagingWorld({ 'app.kubernetes.io/part-of': 'prompt-service' }, { locale });
    await world.command(LEAD, COMMAND.drill, 'run high-error-rate');
    expect(lastResponse(world)).toBe(refusal);
    expect(world.kube!.writes()).toEqual([]);
    expect(ranDrills(world)).toEqual([]);
  });

  it('routing only its Services (every host form, mesh gateway): the drill injects into its route only', async () => {
    world = await stagingWorld(
      { 'app.kubernetes.io/part-of': 'prompts-platform' },
      {
        edit: (vs) => {
          vs.spec.hosts = ['prompt-service-staging', 'prompt-service-staging.prompts.svc.cluster.local'];
          vs.spec.gateways = ['mesh'];
        },
      },
    );
    await world.command(LEAD, COMMAND.drill, 'run high-error-rate');
    expect(lastResponse(world)).toContain('🧪 Drill');
    expect(lastResponse(world)).not.toContain('refused');
    expect(world.kube!.writes().map((r) => `${r.method} ${r.path}`)).toEqual([`PUT ${STAGING_VS}`]);
    expect(faultOf(world, 'prompt-service-staging')).toEqual({ abort: { percentage: { value: 20 }, httpStatus: 500 } });
    expect(faultOf(world, 'prompt-service')).toBeUndefined();
    await world.command(LEAD, COMMAND.drill, 'abort');
    expect(faultOf(world, 'prompt-service-staging')).toBeUndefined();
  });
});
