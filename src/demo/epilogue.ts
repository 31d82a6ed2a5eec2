/**
 * The demo's last two acts, after the rollback and the fix: the RCA draft the lead asks for on the
 * resolved incident (`/incident rca`, uploaded as Markdown into the thread and printed), and a real
 * quarterly drill on the staging service (`/drill run high-error-rate`): Istio's fault makes a fifth
 * of staging's requests fail, the bot detects it and rolls back by itself (critical tier), the fault
 * is removed and the drill's scorecard is posted in the drill channel.
 */
import type { Rewind } from '../main.ts';
import { sampleOf, HEALTHY_MISBEHAVIOUR } from '../playground/scenario.ts';
import type { SlackApiStandIn } from './stand-ins/slack-api.ts';
import { postSigned, slashCommandBody } from './stand-ins/slack-signing.ts';

export interface Act {
  bot: Rewind;
  slack: SlackApiStandIn;
  url: string;
  secret: string;
  user: string;
  say(line: string): void;
  narrate(text: string): void;
  /** Plays the clock on to this minute of the scenario, printing what reached Slack. */
  until(minute: number): Promise<void>;
}

async function command(act: Act, name: string, text: string): Promise<void> {
  const body = slashCommandBody({
    user_id: act.user,
    command: name,
    text,
    channel_id: act.bot.config.slack.incidentChannel,
    response_url: act.slack.responseUrl(),
  });
  await postSigned(act.url, body, { secret: act.secret }).then((r) => r.text());
  await act.bot.presenter.idle();
}

/** `/incident rca <id>`: the draft lands in the thread as a Markdown file, which the transcript prints. */
export async function draftRca(act: Act, incidentId: string, minute: number): Promise<void> {
  act.narrate(`@${act.user} asks for the root-cause analysis draft: /incident rca ${incidentId}`);
  await command(act, '/incident', `rca ${incidentId}`);
  await act.until(minute);
}

/** What the drill's fault does to staging's serving version while it is in place (errorRate: 20%). */
const FAULTED = sampleOf({ ...HEALTHY_MISBEHAVIOUR, errorRate: 0.2 });

/**
 * A real drill on staging, from `/drill run` at minute `from` to the scorecard (at most an hour);
 * returns the drill's final status and the minute the clock stands at.
 */
export async function runDrill(act: Act, scenario: string, from: number): Promise<{ status: string; minute: number }> {
  const { bot } = act;
  const service = bot.config.drills.service;
  if (!service) throw new Error('the demo needs drills.service, the staging service its drill runs on');
  const sim = bot.metrics.simulated;
  if (!sim) throw new Error('the demo needs the simulated metrics provider');
  act.narrate(`@${act.user} runs the quarterly drill now, for real: /drill run ${scenario}`);
  await command(act, '/drill', `run ${scenario}`);
  const drill = bot.store.drills.withStatus('running')[0];
  if (!drill) throw new Error(`the drill ${scenario} did not start`);
  const serving = bot.config.services[service]?.versions[0]?.version ?? '';
  act.narrate(`Istio's fault fails 20% of ${service}'s requests: its ${serving} metrics show it`);
  sim.set(service, serving, FAULTED);
  const healthy = sampleOf(HEALTHY_MISBEHAVIOUR);
  let minute = from;
  while (bot.store.drills.get(drill.id)?.status === 'running' && minute < from + 60) await act.until(++minute);
  // The fault came out when the drill ended: the version reads healthy again.
  sim.set(service, serving, healthy);
  await act.until(minute + 2);
  const status = bot.store.drills.get(drill.id)?.status ?? 'unknown';
  act.say(`Drill ${drill.id}: ${status}.`);
  return { status, minute: minute + 2 };
}
