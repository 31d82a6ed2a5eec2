/** Approve (a rollback waiting for its second approver), Pause, Resume, Abort. */
import type { App } from '@slack/bolt';
import { ACTION } from '../../ids.ts';
import { clickOf } from '../../payloads.ts';
import { refusal, tellClicker, userActor, type ListenerDeps } from '../context.ts';

export function registerRollbackControlActions(app: App, d: ListenerDeps): void {
  const s = d.services;
  app.action(ACTION.approve, async ({ ack, context, respond, client }) => {
    await ack();
    const click = clickOf(context, 'button');
    const result = await s.rollbacks.approve(click.action.value, userActor(click.userId));
    if (!result.ok) await tellClicker(d, click, respond, client)(refusal(d, result.refusal));
  });
  for (const control of ['pause', 'resume', 'abort'] as const) {
    app.action(ACTION[control], async ({ ack, context, respond, client }) => {
      await ack();
      const click = clickOf(context, 'button');
      const result = await s.rollbacks.control({ rollbackId: click.action.value }, control, userActor(click.userId));
      if (!result.ok) await tellClicker(d, click, respond, client)(refusal(d, result.refusal));
    });
  }
}
