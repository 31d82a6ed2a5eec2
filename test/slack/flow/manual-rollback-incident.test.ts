/**
 * A rollback asked for by command while no incident is open opens one to report in. Its title is
 * stored and shown as it is in the head message, so it is written in the install's language.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND, VIEW } from '../../../src/adapters/slack/ids.ts';
import { englishWords } from '../../support/no-english.ts';
import { LEAD, startWorld, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

/** `/rollback immediate prompt-service` confirmed in its dialog; the incident it opened and its head message. */
async function manualRollback(w: World) {
  await w.command(LEAD, COMMAND.rollback, 'immediate prompt-service');
  await w.slack.waitForCall('views.open');
  const view = w.slack.callsTo('views.open')[0]?.args.view as { private_metadata: string };
  await w.submit(LEAD, VIEW.confirmRollback, view.private_metadata);
  await w.settle();
  const [incident] = w.rewind.store.incidents.listRecent();
  const head = w.slack
    .callsTo('chat.postMessage')
    .find((c) => c.args.channel === 'C0INCIDENT' && c.args.thread_ts === undefined);
  return { incident, head: String(head?.args.text) };
}

describe('the incident a manual rollback opens', () => {
  it('is titled in English by default', async () => {
    world = await startWorld();
    const { incident, head } = await manualRollback(world);
    expect(incident?.title).toBe('manual immediate rollback requested');
    expect(head).toContain('manual immediate rollback requested');
  });

  it('is titled in Japanese when the locale is ja: the head message has no English left', async () => {
    world = await startWorld({ config: (c) => (c.locale = 'ja') });
    const { incident, head } = await manualRollback(world);
    expect(incident?.title).toBe('即座ロールバックが手動で要求されました');
    expect(head).toContain('即座ロールバックが手動で要求されました');
    expect(englishWords(head, ['prompt-service'])).toEqual([]);
  });
});
