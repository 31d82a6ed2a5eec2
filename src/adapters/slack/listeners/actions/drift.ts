/**
 * Re-apply Rewind's routing and Accept, under a routing drift note. The drift service writes the
 * expected split back or records the live one as expected (both approvers only), audits it and posts
 * what was done where the note is; a refusal is told to the person who clicked only. A click on a
 * note a later change superseded changes nothing: that note loses its buttons and says so.
 */
import type { App } from '@slack/bolt';
import { supersededDriftMessage } from '../../blocks/drift.ts';
import { ACTION } from '../../ids.ts';
import { clickOf } from '../../payloads.ts';
import { refusal, tellClicker, userActor, type ListenerDeps } from '../context.ts';

export function registerDriftActions(app: App, d: ListenerDeps): void {
  for (const actionId of [ACTION.driftReapply, ACTION.driftAccept] as const) {
    app.action(actionId, async ({ ack, context, respond, client }) => {
      await ack();
      const click = clickOf(context, 'button');
      const tell = tellClicker(d, click, respond, client);
      const id = Number(click.action.value);
      const actor = userActor(click.userId);
      const { drift } = d.services;
      const answer = !Number.isSafeInteger(id)
        ? ({ ok: false, refusal: { kind: 'unknown_drift', driftId: 0 } } as const)
        : actionId === ACTION.driftReapply
          ? await drift.reapply(id, actor)
          : await drift.accept(id, actor);
      if (answer.ok) return;
      const view = answer.refusal.kind === 'drift_superseded' ? drift.view(id) : null;
      if (view) {
        const { text, blocks } = supersededDriftMessage(view, d.locale, d.config.drills.timezone);
        await respond({ replace_original: true, text, blocks });
      }
      await tell(refusal(d, answer.refusal));
    });
  }
}
