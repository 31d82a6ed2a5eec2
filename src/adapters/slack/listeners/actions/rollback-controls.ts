/** Approve (a rollback waiting for its second approver), Pause, Resume, Abort. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION } from '../../ids.ts';
import { ephemeral, refusal, userActor, type ListenerDeps } from '../context.ts';

export function registerRollbackControlActions(app: App, d: ListenerDeps): void {
  const s = d.services;
  app.action<BlockAction<ButtonAction>>(ACTION.approve, async ({ ack, body, action, respond }) => {
    await ack();
    const result = await s.rollbacks.approve(action.value ?? '', userActor(body.user.id));
    if (!result.ok) await respond({ ...ephemeral(refusal(d, result.refusal)), replace_original: false });
  });
  for (const control of ['pause', 'resume', 'abort'] as const) {
    app.action<BlockAction<ButtonAction>>(ACTION[control], async ({ ack, body, action, respond }) => {
      await ack();
      const result = await s.rollbacks.control({ rollbackId: action.value ?? '' }, control, userActor(body.user.id));
      if (!result.ok) await respond({ ...ephemeral(refusal(d, result.refusal)), replace_original: false });
    });
  }
}
