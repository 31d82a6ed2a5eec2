/**
 * Alerts naming services Rewind is not configured for, through the real webhook: stored and
 * answered 202, but the incident channel hears of them boundedly — at most ten announcements a
 * minute and one summary line for the rest of that minute, each service at most once an hour —
 * and that memory is in the database, so a restart neither repeats nor loses anything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ANNOUNCEMENTS_PER_MINUTE } from '../../../src/services/unknown-services.ts';
import { allSlackLimitViolations } from '../../support/slack-limits.ts';
import { T0, startWorld, type World } from '../../support/world.ts';

let world: World;
afterEach(async () => world?.stop());

const MIN = 60_000;
const N = ANNOUNCEMENTS_PER_MINUTE;

const ghosts = (count: number, tag = 'ghost'): string[] =>
  Array.from({ length: count }, (_, i) => `${tag}-${String(i).padStart(5, '0')}`);

/** One Alertmanager group with an alert per service, as small per alert as the format allows. */
function webhook(services: readonly string[]) {
  return {
    version: '4',
    status: 'firing',
    receiver: 'rewind',
    groupKey: '{}:{alertname="Ghost"}',
    truncatedAlerts: 0,
    groupLabels: { alertname: 'Ghost' },
    commonLabels: { alertname: 'Ghost' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: services.map((service) => ({
      status: 'firing',
      labels: { alertname: 'Ghost', service },
      annotations: { summary: 'ghost is down' },
      startsAt: '2026-01-05T08:58:00Z',
    })),
  };
}

/** Top-level posts in the incident channel that belong to no incident (head messages carry blocks). */
function channelNotices(w: World): string[] {
  const channel = w.rewind.config.slack.incidentChannel;
  return w.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === channel && c.args.thread_ts === undefined && c.args.blocks === undefined)
    .map((c) => String(c.args.text));
}

const announced = (texts: readonly string[]): string[] =>
  texts.flatMap((t) => /names the service \*([^*]+)\*/.exec(t)?.[1] ?? []);
const told = (w: World, how: string): number =>
  (w.rewind.store.db.prepare(`SELECT count(*) AS n FROM unknown_services WHERE told = ?`).get(how) as { n: number }).n;

describe('unknown services', () => {
  it(
    'a webhook naming 6,500 of them is answered 202 with a short answer; ten announcements, then one summary line ' +
      'when the minute ends',
    async () => {
      world = await startWorld();
      const names = ghosts(6_500);

      const answer = await world.postAlert('alertmanager', webhook(names));

      expect(answer.status).toBe(202);
      expect(answer.body.accepted).toBe(6_500);
      // The first hundred, in the order they came; the answer stays small whatever the webhook names.
      expect(answer.body.unknownServices).toEqual(names.slice(0, 100));
      expect(answer.body.unknownServiceCount).toBe(6_500);
      expect(JSON.stringify(answer.body).length).toBeLessThan(5_000);
      expect((world.rewind.store.db.prepare(`SELECT count(*) AS n FROM alerts`).get() as { n: number }).n).toBe(6_500);
      expect(announced(channelNotices(world))).toEqual(names.slice(0, N));

      // More of them in the same minute, new and old: nothing more now, the new ones join the summary.
      const more = await world.postAlert(
        'alertmanager',
        webhook(['late-1', 'late-2', 'late-3', names[0] as string, names[6_000] as string]),
      );
      expect(more).toEqual({
        status: 202,
        body: { accepted: 5, unknownServices: ['late-1', 'late-2', 'late-3', names[0], names[6_000]] },
      });
      expect(channelNotices(world)).toHaveLength(N);
      expect([told(world, 'announced'), told(world, 'waiting')]).toEqual([N, 6_493]);

      await world.runUntil(() => channelNotices(world).length > N, { maxMs: 2 * MIN });
      expect(world.clock.now()).toBe(T0 + MIN); // sent as the minute ended
      const summary = channelNotices(world).at(-1);
      expect(summary).toBe(
        '❓ …and 6,493 more unknown services sent alerts in the last minute: ghost-00010, ghost-00011, ghost-00012, ' +
          'ghost-00013, ghost-00014, …. ' +
          'They were stored; add them to config/rewind.yml to have their alerts handled.',
      );
      expect([told(world, 'announced'), told(world, 'waiting'), told(world, 'summarised')]).toEqual([N, 0, 6_493]);

      // Nothing else follows: one summary for the minute, however long the clock runs.
      await world.runUntil(() => world.clock.now() >= T0 + 5 * MIN, { stepMs: 10_000 });
      expect(channelNotices(world)).toHaveLength(N + 1);
      expect(allSlackLimitViolations(world.slack.calls)).toEqual([]);
    },
  );

  it(
    'each service is announced at most once an hour, also across a restart, and again after the hour while its ' +
      'alerts still come',
    async () => {
      world = await startWorld();
      const names = ghosts(N + 2);
      await world.postAlert('alertmanager', webhook(names));
      await world.runUntil(() => channelNotices(world).length === N + 1, { maxMs: 2 * MIN });
      expect(channelNotices(world).at(-1)).toContain(
        '…and 2 more unknown services sent alerts in the last minute: ghost-00010, ghost-00011. ',
      );

      // Within the hour: the announced ones and the summarised ones alike say nothing new.
      await world.runUntil(() => world.clock.now() >= T0 + 20 * MIN, { stepMs: 30_000 });
      const again = await world.postAlert('alertmanager', webhook(names));
      expect(again).toEqual({ status: 202, body: { accepted: N + 2, unknownServices: names } });
      await world.restart({ downForMs: 10 * MIN });
      expect((await world.postAlert('alertmanager', webhook(names))).status).toBe(202);
      await world.runUntil(() => world.clock.now() >= T0 + 59 * MIN, { stepMs: 60_000 });
      expect((await world.postAlert('alertmanager', webhook(names))).status).toBe(202);
      await world.runUntil(() => world.clock.now() >= T0 + 60 * MIN - 1_000, { stepMs: 1_000 });
      expect(channelNotices(world)).toHaveLength(N + 1);

      // An hour after they were told, alerts that still come are announced again, within the same bounds.
      await world.runUntil(() => world.clock.now() >= T0 + 61 * MIN, { stepMs: 30_000 });
      await world.postAlert('alertmanager', webhook(names));
      expect(announced(channelNotices(world).slice(N + 1))).toEqual(names.slice(0, N));
      await world.runUntil(() => channelNotices(world).length === 2 * (N + 1), { maxMs: 2 * MIN });
      expect(channelNotices(world).at(-1)).toContain(
        '…and 2 more unknown services sent alerts in the last minute: ghost-00010, ghost-00011. ',
      );
    },
  );

  it('a minute’s budget and its summary survive a restart; a summary sent late names its minute', async () => {
    world = await startWorld();
    await world.postAlert('alertmanager', webhook(ghosts(N - 2, 'before')));
    await world.restart();
    await world.postAlert('alertmanager', webhook(ghosts(5, 'after')));
    // Two of the budget were left: the restarted process knows the minute had used eight.
    expect(announced(channelNotices(world))).toEqual([...ghosts(N - 2, 'before'), 'after-00000', 'after-00001']);

    // Down across the end of the minute: the summary is sent once after the start, naming its minute.
    await world.restart({ downForMs: 10 * MIN });
    await world.runUntil(() => channelNotices(world).length === N + 1, { maxMs: 2 * MIN });
    const summary = channelNotices(world).at(-1) ?? '';
    expect(summary).toContain(
      `…and 3 more unknown services sent alerts in the minute from 2026-01-05 (Mon) 18:00 Asia/Tokyo:`,
    );
    expect(summary).toContain(': after-00002, after-00003, after-00004. ');
    await world.runUntil(() => world.clock.now() >= T0 + 15 * MIN, { stepMs: 30_000 });
    expect(channelNotices(world)).toHaveLength(N + 1);
  });

  it('the answer names the first hundred unknown services of a delivery, counting them if there are more', async () => {
    world = await startWorld();
    const names = ghosts(150);
    expect(await world.postAlert('alertmanager', webhook(names))).toEqual({
      status: 202,
      body: { accepted: 150, unknownServices: names.slice(0, 100), unknownServiceCount: 150 },
    });
    // A hundred or fewer: the list is whole, and no count is needed.
    expect(await world.postAlert('alertmanager', webhook(names.slice(0, 100)))).toEqual({
      status: 202,
      body: { accepted: 100, unknownServices: names.slice(0, 100) },
    });
  });

  it('speaks Japanese when the locale is ja', async () => {
    world = await startWorld({ config: (c) => (c.locale = 'ja') });
    await world.postAlert('alertmanager', webhook(ghosts(N + 1_234)));
    await world.runUntil(() => channelNotices(world).length === N + 1, { maxMs: 2 * MIN });
    const texts = channelNotices(world);
    expect(texts[0]).toContain('設定されていないサービス *ghost-00000*');
    expect(texts[0]).toContain('（同じサービスについては1時間に一度までお知らせします）');
    expect(texts.at(-1)).toBe(
      '❓ ほかにも Rewind に設定されていないサービス 1,234 件が直近1分間にアラートを送りました: ghost-00010、ghost-00011、ghost-00012、ghost-00013、' +
        'ghost-00014、…。' +
        '記録はしました。扱うには config/rewind.yml にサービスを追加してください。',
    );
  });
});
