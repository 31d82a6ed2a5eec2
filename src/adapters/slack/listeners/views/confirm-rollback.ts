/**
 * The confirmation dialog was submitted: request the rollback exactly as the dialog showed it. A
 * refusal (not an approver any more, someone else started one) is told to the person privately.
 */
import type { App } from '@slack/bolt';
import { parseConfirmMetadata, type ConfirmRollbackInput } from '../../blocks/confirm.ts';
import { VIEW } from '../../ids.ts';
import { ANSWER_STRINGS } from '../../i18n/answers.ts';
import { refusal, userActor, type ListenerDeps } from '../context.ts';

export function registerConfirmRollbackView(app: App, d: ListenerDeps): void {
  app.view(VIEW.confirmRollback, async ({ ack, body, view, client }) => {
    let plan: ConfirmRollbackInput;
    try {
      plan = parseConfirmMetadata(view.private_metadata);
    } catch (err) {
      d.log.warn({ err: (err as Error).message }, 'confirm-rollback submission with bad metadata');
      return ack({ response_action: 'errors', errors: {} });
    }
    await ack();
    const user = body.user.id;
    const result = await d.services.rollbacks.request(plan, userActor(user));
    const channel = d.config.slack.incidentChannel;
    if (!result.ok) {
      await client.chat.postEphemeral({ channel, user, text: refusal(d, result.refusal) });
      return;
    }
    const say = ANSWER_STRINGS[d.locale];
    const text =
      result.value.state === 'started' ? say.rollbackStarted(plan.service, plan.toVersion) : say.approvalWaiting(result.value.have, result.value.need);
    await client.chat.postEphemeral({ channel, user, text });
  });
}
