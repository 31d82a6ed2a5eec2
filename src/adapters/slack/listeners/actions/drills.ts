/**
 * The drill messages' controls: the preparation checklist on the announcement, the review
 * checklist and the 1–5 communication rating on the scorecard, and Abort on the start message.
 * The drill id travels in the block id (`drill_prep:<id>`) or the value (`<id>:<n>`, `<id>`).
 */
import type { App, BlockAction, ButtonAction, CheckboxesAction, RespondFn } from '@slack/bolt';
import type { DrillList } from '../../../../store/index.ts';
import { ACTION } from '../../ids.ts';
import { DRILL_NOTE_STRINGS } from '../../i18n/drill-notes.ts';
import { ephemeral, refusal, userActor, type ListenerDeps } from '../context.ts';

async function tell(respond: RespondFn, text: string): Promise<void> {
  await respond({ ...ephemeral(text), replace_original: false });
}

export function registerDrillActions(app: App, d: ListenerDeps): void {
  const s = d.services;
  const notes = DRILL_NOTE_STRINGS[d.locale];
  for (const [actionId, list] of [
    [ACTION.drillPrep, 'preparation'],
    [ACTION.drillReview, 'review'],
  ] as const satisfies ReadonlyArray<readonly [string, DrillList]>) {
    app.action<BlockAction<CheckboxesAction>>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const drillId = action.block_id.split(':')[1] ?? '';
      const selected = action.selected_options.map((o) => o.value).filter((v): v is string => typeof v === 'string');
      const ticked = s.drills.tick(drillId, list, selected, userActor(body.user.id));
      if (!ticked.ok) await tell(respond, refusal(d, ticked.refusal));
    });
  }

  app.action<BlockAction<ButtonAction>>(ACTION.drillRate, async ({ ack, body, action, respond }) => {
    await ack();
    const [drillId = '', n = ''] = (action.value ?? '').split(':');
    const rated = s.drills.rate(drillId, Number(n), userActor(body.user.id));
    await tell(respond, rated.ok ? notes.rated(Number(n)) : refusal(d, rated.refusal));
  });

  app.action<BlockAction<ButtonAction>>(ACTION.drillAbort, async ({ ack, body, action, respond }) => {
    await ack();
    // The button names its drill; one without (forged or damaged) must not abort whichever runs.
    if (!action.value) return tell(respond, refusal(d, { kind: 'error', message: 'this button names no drill; use /drill abort <id>' }));
    const aborted = await s.drills.abort(action.value, userActor(body.user.id));
    await tell(respond, aborted.ok ? notes.aborted(aborted.value.id) : refusal(d, aborted.refusal));
  });
}
