/**
 * Slack's limit for an acknowledgement is 3 seconds; Rewind aims for p99 < 50 ms. A running app in
 * HTTP mode (production settings: ack first, work after) gets 1,000 signed slash commands and
 * 1,000 signed button clicks, one at a time, and the time to each HTTP answer is measured.
 */
import { performance } from 'node:perf_hooks';
import { ACTION, BLOCK, COMMAND } from '../src/adapters/slack/ids.ts';
import { blockActionsPayload, interactionBody, postSigned, slashCommandBody } from '../test/support/slack-signing.ts';
import { ALICE, SECRET, startWorld } from '../test/support/world.ts';
import { scaled } from './scale.ts';

const N = scaled(1000);

function summary(label: string, samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN).toFixed(2);
  return (
    `${label}: n=${s.length} p50 ${at(50)} ms, p90 ${at(90)} ms, p99 ${at(99)} ms, max ` +
    `${(s.at(-1) ?? NaN).toFixed(2)} ms`
  );
}

export async function benchAck(print: (line: string) => void): Promise<void> {
  const world = await startWorld({ processBeforeResponse: false });
  try {
    const incident = await world.openIncident();
    const commands: number[] = [];
    const clicks: number[] = [];
    for (let i = 0; i < N; i++) {
      const body = slashCommandBody({
        command: COMMAND.rollback,
        text: i % 2 ? 'status prompt-service' : 'help',
        user_id: ALICE,
        channel_id: 'C0INCIDENT',
        trigger_id: `bench.cmd.${i}`,
      });
      const t = performance.now();
      const res = await postSigned(world.url, body, { secret: SECRET });
      await res.text();
      commands.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`slash command answered ${res.status}`);
    }
    const answers = ['all', 'partial', 'minor'];
    for (let i = 0; i < N; i++) {
      const value = answers[i % 3] ?? 'all';
      const payload = blockActionsPayload({
        user: ALICE,
        actionId: ACTION.userImpact,
        selectedOption: { text: value, value },
        blockId: BLOCK.matrix,
        channel: 'C0INCIDENT',
        messageTs: incident.slackTs ?? '',
        triggerId: `bench.click.${i}`,
        responseUrl: world.slack.responseUrl(),
      });
      const t = performance.now();
      const res = await postSigned(world.url, interactionBody(payload), { secret: SECRET });
      await res.text();
      clicks.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`click answered ${res.status}`);
    }
    await world.settle();
    print(summary('slash command ack (signed HTTP, /rollback help|status)', commands));
    print(summary('button click ack (signed HTTP, matrix select → stored + head message update)', clicks));
    print(
      `head-message updates sent for the ${N.toLocaleString('en')} sequential clicks: ` +
        `${world.slack.callsTo('chat.update').length} chat.update`,
    );
  } finally {
    await world.stop();
  }
}
