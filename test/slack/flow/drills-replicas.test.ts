/**
 * Drills on two replicas sharing one PostgreSQL database, in one process: a replica that starts
 * while the other runs a drill leaves the drill alone; once the drill's replica is gone, the other
 * takes the drill over at its next watch tick, removes the fault and ends the drill. (Replicas in
 * separate processes, killed with SIGKILL: test/faults/drills-replicas.faults.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND } from '../../../src/adapters/slack/ids.ts';
import { STORE_KINDS } from '../../support/stores.ts';
import { LEAD, startWorld, type ConfigDoc, type World } from '../../support/world.ts';

const MIN = 60_000;
const VS = '/apis/networking.istio.io/v1/namespaces/prompts/virtualservices/prompt-service';
const FAULT = { abort: { percentage: { value: 20 }, httpStatus: 500 } };

let worlds: World[] = [];
afterEach(async () => {
  // The replica first: the first world owns the stand-ins both use.
  for (const w of worlds.reverse()) await w.stop();
  worlds = [];
});

const istioDrills = (c: ConfigDoc) => {
  c.services['prompt-service'].drill = 'allowed';
  c.drills.service = 'prompt-service';
  c.drills.injector = { kind: 'istio-fault', virtualService: 'prompt-service' };
  c.triggers.autoRollback = 'off';
};

const faultOfVs = (w: World) =>
  (w.kube!.mustGet('VirtualService', 'prompts', 'prompt-service') as { spec: { http: Array<{ fault?: unknown }> } })
    .spec.http[0]?.fault;

describe.skipIf(!STORE_KINDS.includes('postgres'))('drills on two replicas of one PostgreSQL database', () => {
  it("a start leaves the live replica's drill alone; the drill of a replica that is gone is healed", async () => {
    const first = await startWorld({ store: 'postgres', kube: {}, config: istioDrills });
    worlds.push(first);
    const second = await startWorld({ replicaOf: first });
    worlds.push(second);

    await second.command(LEAD, COMMAND.drill, 'run high-error-rate');
    expect(faultOfVs(first)).toEqual(FAULT);
    const drill = first.rewind.store.drills.withStatus('running')[0]!;
    expect(drill.runner).not.toBeNull();

    // A rolling update restarts the first replica; it heals nothing of a live replica's, at its
    // start or at the drill's watch ticks (which either replica may run) for a minute after.
    await first.restart();
    const until = first.clock.now() + MIN;
    await first.runUntil(() => first.clock.now() >= until, { stepMs: 5_000 });
    expect(first.rewind.store.drills.get(drill.id)).toMatchObject({ status: 'running', runner: drill.runner });
    expect(faultOfVs(first)).toEqual(FAULT);

    // The drill's replica goes: the first takes the drill over once, removes the fault, ends it.
    await second.stop();
    worlds.pop();
    await first.runUntil(() => first.rewind.store.drills.get(drill.id)?.status !== 'running', {
      stepMs: 5_000,
      maxMs: 5 * MIN,
    });
    const healed = first.rewind.store.drills.get(drill.id)!;
    expect(healed).toMatchObject({ status: 'aborted', ending: { kind: 'restarted' } });
    expect(healed.faultApplied?.removal?.removed).toBe(true);
    expect(faultOfVs(first)).toBeUndefined();
    expect(first.kube!.writes().filter((r) => r.path === VS && r.method === 'PUT')).toHaveLength(2); // apply, heal
  });
});
