/**
 * The confirmation dialog was submitted: the rollback runs only if it is still exactly what the
 * dialog showed, planned again from the state now (RollbackRequests.confirm). A refusal (not an
 * approver, someone else started one, the state moved on, metadata that is not Rewind's) is told to
 * the person privately, and nothing is started or said in the thread.
 */
import type { App } from '@slack/bolt';
import { parseConfirmMetadata, type ConfirmRollbackInput } from '../../blocks/confirm.ts';
import { escapeMrkdwn, formatTimeInZone } from '../../blocks/format.ts';
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
      await client.chat.postEphemeral({
        channel,
        user,
        text: refusal(d, { kind: 'dialog_unreadable', dialog: 'confirm' }),
      });
      return;
    }
    const result = await d.services.rollbacks.confirm(plan, userActor(user));
    if (!result.ok) {
      await client.chat.postEphemeral({ channel, user, text: refusal(d, result.refusal) });
      return;
    }
    const say = ANSWER_STRINGS[d.locale];
    const v = result.value;
    // What was recorded, not what came back from Slack (equal, or it was refused above). Version
    // names come from the config: escaped like any outside text.
    const service = escapeMrkdwn(v.rollback.service);
    const to = escapeMrkdwn(v.rollback.toVersion);
    const text =
      v.state === 'started'
        ? say.rollbackStarted(service, to)
        : v.state === 'scheduled'
          ? say.rollbackScheduled(
              service,
              to,
              formatTimeInZone(v.rollback.scheduledFor ?? 0, d.config.drills.timezone, d.locale),
            )
          : say.approvalWaiting(v.have, v.need);
    await client.chat.postEphemeral({ channel, user, text });
  });
}
