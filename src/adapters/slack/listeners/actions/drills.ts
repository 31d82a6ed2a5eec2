/**
 * The drill messages' controls: the preparation checklist on the announcement, the review
 * checklist and the 1–5 communication rating on the scorecard, and Abort on the start message.
 * The drill id travels in the block id (`drill_prep:<id>`) or the value (`<id>:<n>`, `<id>`).
 */
import type { App } from '@slack/bolt';
import { DRILL_PREPARATION, DRILL_REVIEW } from '../../../../domain/drill-checklists.ts';
import type { DrillList } from '../../../../store/index.ts';
import { ACTION, DRILL_RATE_ACTION } from '../../ids.ts';
import { DRILL_NOTE_STRINGS } from '../../i18n/drill-notes.ts';
import { clickOf } from '../../payloads.ts';
import { refusal, tellClicker, userActor, type ListenerDeps } from '../context.ts';

export function registerDrillActions(app: App, d: ListenerDeps): void {
  const s = d.services;
  const notes = DRILL_NOTE_STRINGS[d.locale];
  for (const [actionId, list, items] of [
    [ACTION.drillPrep, 'preparation', DRILL_PREPARATION],
    [ACTION.drillReview, 'review', DRILL_REVIEW],
  ] as const satisfies ReadonlyArray<readonly [string, DrillList, readonly { key: string }[]]>) {
    const known = new Set(items.map((i) => i.key));
    app.action(actionId, async ({ ack, context, respond, client }) => {
      await ack();
      const click = clickOf(context, 'drill_checklist');
      // Only items the checklist has: a value Rewind never rendered (a forged or stale message) is not stored.
      const selected = click.action.selected.filter((key) => known.has(key));
      const ticked = s.drills.tick(click.action.drillId, list, selected, userActor(click.userId));
      if (!ticked.ok) await tellClicker(d, click, respond, client)(refusal(d, ticked.refusal));
    });
  }

  app.action(DRILL_RATE_ACTION, async ({ ack, context, respond, client }) => {
    await ack();
    const click = clickOf(context, 'rating');
    const { drillId, score } = click.action;
    const rated = s.drills.rate(drillId, score, userActor(click.userId));
    await tellClicker(d, click, respond, client)(rated.ok ? notes.rated(score) : refusal(d, rated.refusal));
  });

  app.action(ACTION.drillAbort, async ({ ack, context, respond, client }) => {
    await ack();
    const click = clickOf(context, 'button');
    const tell = tellClicker(d, click, respond, client);
    // The button names its drill; one without (forged or damaged) must not abort whichever runs.
    if (!click.action.value) return tell(refusal(d, { kind: 'drill_button_unnamed' }));
    const aborted = await s.drills.abort(click.action.value, userActor(click.userId));
    await tell(aborted.ok ? notes.aborted(aborted.value.id) : refusal(d, aborted.refusal));
  });
}
