/**
 * Figures for the spine: how fast config loads, how many trigger evaluations per second the core
 * does, how quickly durable timers fire, and what an incident transition costs in SQLite. Printed,
 * not asserted: quote them in notes, compare them across changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { triggerRules } from '../src/config/derive.ts';
import { loadConfigFile } from '../src/config/load.ts';
import { evaluate, initialTriggerState } from '../src/domain/triggers.ts';
import { BOT_ACTOR } from '../src/domain/types.ts';
import { ManualClock } from '../src/clock.ts';
import { IncidentService } from '../src/services/incidents.ts';
import { silentNotifier } from '../src/services/ports.ts';
import { TimerService, defineTimer } from '../src/services/timers.ts';
import { openStore } from '../src/store/index.ts';
import { scaled } from './scale.ts';

const benchTimer = defineTimer('bench', z.object({ i: z.number() }));

function time<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const r = fn();
  return [r, performance.now() - t];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export async function benchSpine(print: (line: string) => void): Promise<void> {
  const [loaded, loadMs] = time(() => loadConfigFile('config/rewind.yml'));
  if (!loaded.ok) throw new Error('config/rewind.yml does not validate');
  print(`config load + validate: ${loadMs.toFixed(1)} ms (first call, includes module warm-up)`);
  const [, reloadMs] = time(() => loadConfigFile('config/rewind.yml'));
  print(`config load + validate: ${reloadMs.toFixed(2)} ms (warm)`);

  const rules = triggerRules(loaded.config);
  let state = initialTriggerState();
  const N = scaled(200_000);
  const [, evalMs] = time(() => {
    for (let i = 0; i < N; i++) {
      const e = i % 20 < 10 ? 0.12 : 0.01;
      state = evaluate(
        state,
        {
          error_rate: e,
          availability: 1 - e,
          p50_latency: 400,
          p95_latency: 1500,
          p99_latency: 2500,
          hallucination_rate: 0.02,
          user_complaints: 0,
        },
        i * 30_000,
        rules,
      ).state;
    }
  });
  print(
    `trigger evaluations: ${Math.round(N / (evalMs / 1000)).toLocaleString('en')} per second ` +
      `(${N.toLocaleString('en')} samples, 9 conditions each)`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'rewind-bench-'));
  try {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
    const store = openStore(join(dir, 'bench.db'), { clock });
    const timers = new TimerService({ repo: store.timers, clock });
    let fired = 0;
    timers.on(benchTimer, () => {
      fired++;
    });
    const T = scaled(5_000);
    const [, scheduleMs] = time(() => {
      for (let i = 0; i < T; i++) {
        timers.schedule({ kind: benchTimer, key: `bench:${i}`, dueAt: clock.now() + (i % 600) * 1000, payload: { i } });
      }
    });
    clock.jumpTo(clock.now() + 601_000);
    const t = performance.now();
    await timers.runDue();
    const fireMs = performance.now() - t;
    print(
      `durable timers: schedule ${T.toLocaleString('en')} in ${scheduleMs.toFixed(0)} ms; claim + fire ` +
        `${fired.toLocaleString('en')} in ${fireMs.toFixed(0)} ms ` +
        `(${Math.round(fired / (fireMs / 1000)).toLocaleString('en')}/s, WAL file on disk)`,
    );

    // The transition alone is measured: no escalation timers, no notifier, no stakeholder notice.
    const incidents = new IncidentService({
      store,
      clock,
      escalations: { arm: () => {}, disarm: () => {} },
      notifier: silentNotifier,
      stakeholders: { port: { stakeholderNotice: () => {} }, from: 'critical' },
      drillOn: () => null,
    });
    const lat: number[] = [];
    for (let i = 0; i < scaled(1000); i++) {
      const { incident } = incidents.open(
        { service: `svc-${i}`, version: 'v2.0.0', severity: 'warning', title: 'bench', drill: false },
        BOT_ACTOR,
      );
      const s = performance.now();
      incidents.transition(incident.id, 'awaiting_decision', BOT_ACTOR);
      incidents.resolve(incident.id, BOT_ACTOR);
      lat.push((performance.now() - s) / 2);
    }
    lat.sort((a, b) => a - b);
    print(
      `incident transition (row + timeline event, one transaction): p50 ${percentile(lat, 50).toFixed(3)} ms, p99 ` +
        `${percentile(lat, 99).toFixed(3)} ms`,
    );
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
