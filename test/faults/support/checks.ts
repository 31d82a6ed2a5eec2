/**
 * The common end of a fault-suite run: wait (with a ceiling) until everything the database says
 * happened has reached the Slack stand-in, stop the bot cleanly, then judge the invariants on the
 * stopped database and the stand-ins' records.
 */
import type { SlackCall } from '../../../src/demo/stand-ins/slack-api.ts';
import {
  kubeWriteViolations,
  missingSlack,
  outboxViolations,
  rollbackViolations,
  slackViolations,
  snapshot,
  type Snapshot,
  type Violation,
} from './invariants.ts';
import type { Rig } from './rig.ts';

export interface CheckOptions {
  /** Calls Slack carried out without the bot seeing the answer: repeating them is allowed. */
  mayRepeat?: Iterable<SlackCall>;
  /** Real ms to wait for missing Slack messages before judging (default 20 s). */
  settleMs?: number;
}

export async function settleAndCheck(
  rig: Rig,
  o: CheckOptions = {},
): Promise<{ violations: Violation[]; snapshot: Snapshot }> {
  const settleMs = o.settleMs ?? 20_000;
  await rig
    .until('every intended Slack message', () => missingSlack(rig.read(snapshot), rig.slack).length === 0, settleMs)
    .catch(() => undefined);
  // Head-message updates are paced; one may still be on its way. Stopping is judged once the bot has
  // had its chance to send everything it keeps (a row still unsent after this is a finding).
  await rig
    .until(
      'the outbox emptied',
      () =>
        rig.read(
          (db) => (db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL').get() as { n: number }).n === 0,
        ),
      settleMs,
    )
    .catch(() => undefined);
  await Promise.all(rig.bots.map((b) => b.stop()));
  const s = rig.read(snapshot);
  const mayRepeat = new Set([...(o.mayRepeat ?? []), ...rig.slack.faulted.filter((c) => c.fault === 'hang-applied')]);
  const violations = [
    ...rollbackViolations(s, rig.slack),
    ...kubeWriteViolations(rig.kube),
    ...slackViolations(s, rig.slack, mayRepeat),
    ...outboxViolations(s),
    ...rig.bots
      .flatMap((b) => b.unhandled())
      .map((l) => ({ invariant: 'nothing is unhandled', evidence: l.raw.slice(0, 300) })),
  ];
  return { violations, snapshot: s };
}
