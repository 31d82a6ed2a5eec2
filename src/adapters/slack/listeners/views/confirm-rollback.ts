/**
 * The confirmation dialog was submitted: request the rollback exactly as the dialog showed it. A
 * refusal (not an approver any more, someone else started one) is told to the person privately.
 */
import type { App } from '@slack/bolt';
import { parseConfirmMetadata, type ConfirmRollbackInput } from '../../blocks/confirm.ts';
import { slackDate } from '../../blocks/format.ts';
import { VIEW } from '../../ids.ts';
import { ANSWER_STRINGS } from '../../i18n/answers.ts';
import { refusal, userActor, type ListenerDeps } from '../context.ts';

export function registerConfirmRollbackView(app: App, d: ListenerDeps): void {
  app.view(VIEW.confirmRollback, async ({ ack, body, view, client }) => {
    await ack();
    const user = body.user.id;
    const channel = d.config.slack.incidentChannel;
    let plan: ConfirmRollbackInput;
    try {
      plan = parseConfirmMetadata(view.private_metadata);
    } catch (err) {
      // Only a forged or corrupted submission gets here; say so and run nothing.
      d.log.warn({ err: (err as Error).message, user }, 'confirm-rollback submission with bad metadata');
      await client.chat.postEphemeral({ channel, user, text: refusal(d, { kind: 'error', message: 'the confirmation could not be read; nothing was started. Use the buttons on the incident message again.' }) });
      return;
    }
    const result = await d.services.rollbacks.request(plan, userActor(user));
    if (!result.ok) {
      await client.chat.postEphemeral({ channel, user, text: refusal(d, result.refusal) });
      return;
    }
    const say = ANSWER_STRINGS[d.locale];
    const v = result.value;
    const text =
      v.state === 'started'
        ? say.rollbackStarted(plan.service, plan.toVersion)
        : v.state === 'scheduled'
          ? say.rollbackScheduled(plan.service, plan.toVersion, slackDate(v.rollback.scheduledFor ?? 0))
          : say.approvalWaiting(v.have, v.need);
    await client.chat.postEphemeral({ channel, user, text });
  });
}
