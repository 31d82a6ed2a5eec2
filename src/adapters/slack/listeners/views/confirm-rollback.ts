/**
 * The confirmation dialog was submitted: request the rollback exactly as the dialog showed it. A
 * refusal (not an approver any more, someone else started one) is told to the person privately.
 */
import type { App } from '@slack/bolt';
import { parseConfirmMetadata, type ConfirmRollbackInput } from '../../blocks/confirm.ts';
import { escapeMrkdwn, slackDate } from '../../blocks/format.ts';
import { VIEW } from '../../ids.ts';
import { ANSWER_STRINGS } from '../../i18n/answers.ts';
import { deliveryOf } from '../../payloads.ts';
import { refusal, userActor, type ListenerDeps } from '../context.ts';

export function registerConfirmRollbackView(app: App, d: ListenerDeps): void {
  app.view(VIEW.confirmRollback, async ({ ack, context, client }) => {
    await ack();
    const submission = deliveryOf(context, 'view');
    const user = submission.userId;
    const channel = d.config.slack.incidentChannel;
    let plan: ConfirmRollbackInput;
    try {
      plan = parseConfirmMetadata(submission.privateMetadata);
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
    // The version names come from the config (and the metadata back from Slack): escaped like any outside text.
    const service = escapeMrkdwn(plan.service);
    const to = escapeMrkdwn(plan.toVersion);
    const text =
      v.state === 'started'
        ? say.rollbackStarted(service, to)
        : v.state === 'scheduled'
          ? say.rollbackScheduled(service, to, slackDate(v.rollback.scheduledFor ?? 0))
          : say.approvalWaiting(v.have, v.need);
    await client.chat.postEphemeral({ channel, user, text });
  });
}
