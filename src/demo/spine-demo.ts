/**
 * `npm run demo` while only the spine exists: the shipped config, a real SQLite file, the durable
 * timers and the domain core, on a compressed clock. A scripted error-rate climb on
 * prompt-service v2.0.0 goes through the trigger tiers, opens an incident, the judgment matrix
 * recommends an action, the bot restarts while the 15-minute escalation comes due and fires it
 * once, late, when it is back, and
 * resolving cancels the 30-minute level. Slack, Kubernetes and real metrics join in later issues.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgmentMatrix, escalationLevels, triggerRules } from '../config/derive.ts';
import { loadConfigFile } from '../config/load.ts';
import { formatValue } from '../domain/conditions.ts';
import { recommend } from '../domain/matrix.ts';
import type { MetricSample } from '../domain/metrics.ts';
import { describeBreach, evaluate, initialTriggerState } from '../domain/triggers.ts';
import { BOT_ACTOR, type Actor } from '../domain/types.ts';
import { ManualClock } from '../services/clock.ts';
import { EscalationService } from '../services/escalations.ts';
import { IncidentService } from '../services/incidents.ts';
import { TimerService } from '../services/timers.ts';
import { openStore } from '../store/index.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const LEAD: Actor = { kind: 'user', id: 'U0LEAD' };

/** The scripted metrics of prompt-service v2.0.0, minute by minute. */
export function scriptedSample(minute: number): MetricSample {
  const errorRate = minute < 3 ? 0.004 : minute < 6 ? 0.03 : minute < 25 ? 0.07 : 0.006;
  return { error_rate: errorRate, availability: minute < 6 || minute >= 25 ? 0.999 : 0.975, p50_latency: 420, p95_latency: 1800, p99_latency: 2600, hallucination_rate: 0.03, user_complaints: 1 };
}

export interface DemoResult {
  incidentId: string;
  escalations: { level: number; at: number; lateMs: number }[];
  timeline: { kind: string; at: number; actor: string }[];
}

export async function runSpineDemo(print: (line: string) => void, configFile = 'config/rewind.yml'): Promise<DemoResult> {
  const loaded = loadConfigFile(configFile);
  if (!loaded.ok) throw new Error(`${configFile} is not valid; run: npx rewind validate-config ${configFile}`);
  const config = loaded.config;
  const clock = new ManualClock(T0);
  const stamp = () => `[${new Date(clock.now()).toISOString().slice(11, 19)}]`;
  const say = (line: string) => print(`${stamp()} ${line}`);
  const dir = mkdtempSync(join(tmpdir(), 'rewind-demo-'));
  const escalations: DemoResult['escalations'] = [];

  print('Rewind demo: the spine (config, SQLite, durable timers, domain core) on a compressed clock.');
  print(`${loaded.summary}`);
  print('Slack, Kubernetes and live metrics are not wired in yet; what would reach Slack is printed here.\n');

  const boot = () => {
    const store = openStore(join(dir, 'rewind.db'), { clock });
    const timers = new TimerService({ repo: store.timers, clock });
    const notifier = {
      escalate: (_incident: unknown, level: { level: number; label: string; notify: string[] }, lateMs: number) => {
        escalations.push({ level: level.level, at: clock.now(), lateMs });
        const late = lateMs > 0 ? ` (late by ${Math.round(lateMs / 1000)}s: the bot was down when it came due)` : '';
        say(`escalation level ${level.level}: ${level.label} ${level.notify.join(', ')} paged${late}`);
      },
    };
    const escalation = new EscalationService(store, timers, notifier, { levels: escalationLevels(config), stopOnAck: config.escalation.stopOnAck });
    const incidents = new IncidentService({ store, clock, escalations: escalation });
    timers.start();
    return { store, timers, incidents };
  };

  let bot = boot();
  const rules = triggerRules(config);
  let state = initialTriggerState();
  let incidentId: string | undefined;
  const interval = config.triggers.evaluationInterval;
  try {
    say(`prompt-service v2.0.0 evaluated every ${interval / 1000}s; a tier fires after ${rules.confirmationWindowMs / MIN}m of breaching`);
    for (let t = 0; t <= 30 * MIN; t += interval) {
      const minute = t / MIN;
      const sample = scriptedSample(minute);
      const result = evaluate(state, sample, clock.now(), rules);
      state = result.state;
      for (const e of result.events) {
        if (e.type === 'cleared') {
          say(`${e.tier} cleared (error_rate ${formatValue('error_rate', sample.error_rate ?? 0)})`);
          continue;
        }
        say(`${e.tier} fired: ${e.breaches.map(describeBreach).join(', ')}`);
        if (e.tier === 'watch') continue; // a watch is a note; it becomes an incident only if it rises
        const { incident, created } = bot.incidents.open(
          { service: 'prompt-service', version: 'v2.0.0', severity: e.tier, title: e.breaches.map(describeBreach).join(', '), drill: false },
          BOT_ACTOR,
        );
        if (created) {
          incidentId = incident.id;
          bot.incidents.transition(incident.id, 'awaiting_decision', BOT_ACTOR, { tier: e.tier });
          say(`incident ${incident.id} opened (${e.tier}); escalation armed at +15m and +30m`);
        }
      }
      if (incidentId && minute === 10) {
        const answers = { userImpact: 'partial', businessImpact: 'medium', fixTime: 'short' } as const;
        const rec = recommend(judgmentMatrix(config), answers);
        say(`judgment matrix (user impact partial, business impact medium, fix time short) recommends: ${rec?.action}`);
        bot.incidents.record(incidentId, 'decision', LEAD, { ...answers, action: rec?.action });
        bot.incidents.transition(incidentId, 'fixing', LEAD, { action: rec?.action });
        say(`U0LEAD chose "${rec?.action}"; incident ${incidentId} is fixing`);
      }
      if (minute === 22) {
        say('the bot restarts (deploy of Rewind itself); timers are rows, so nothing is lost');
        await bot.timers.stop();
        bot.store.close();
        clock.jumpTo(clock.now() + 2 * MIN);
        t += 2 * MIN;
        bot = boot();
        say('the bot is back');
      }
      if (incidentId && minute === 28) {
        bot.incidents.resolve(incidentId, LEAD, { note: 'fix deployed, error rate back to normal' });
        say(`U0LEAD resolved ${incidentId}; the 30-minute level is cancelled`);
      }
      await clock.advance(interval);
    }
    await clock.advance(10 * MIN);
    if (!incidentId) throw new Error('the scripted scenario opened no incident');
    const timeline = bot.incidents.timeline(incidentId).map((e) => ({ kind: e.kind, at: e.at, actor: e.actor.id }));
    print(`\nTimeline of ${incidentId} as stored in SQLite:`);
    for (const e of bot.incidents.timeline(incidentId)) {
      const what = e.kind === 'status' ? `${e.from} → ${e.to}` : e.kind;
      print(`  ${new Date(e.at).toISOString().slice(11, 19)}  ${what.padEnd(28)} by ${e.actor.id}`);
    }
    return { incidentId, escalations, timeline };
  } finally {
    await bot.timers.stop();
    bot.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
