/**
 * The cautious-canary modal was submitted. What is wrong with the choice (not an approver, the
 * version is the stable one, a rollback started meanwhile, the stable version moved on since the
 * modal opened) is shown on the modal itself, which stays open; once the plan holds and is still the
 * one the modal showed, the modal closes and the canary is requested exactly like a rollback.
 */
import type { App } from '@slack/bolt';
import { CANARY_VERSION_ACTION, parseCanaryMetadata } from '../../blocks/canary.ts';
import { escapeMrkdwn, formatPercent } from '../../blocks/format.ts';
import { clip } from '../../blocks/limits.ts';
import { CANARY_STRINGS } from '../../i18n/canary.ts';
import { BLOCK, VIEW } from '../../ids.ts';
import type { CanaryShown } from '../../../../services/plan-changes.ts';
import { deliveryOf } from '../../payloads.ts';
import { refusal, userActor, type ListenerDeps } from '../context.ts';

/** Slack shows an input block's error under the field; it must be short plain text. */
const ERROR_MAX = 500;

export function registerCanaryFixView(app: App, d: ListenerDeps): void {
  app.view(VIEW.canaryFix, async ({ ack, context, client }) => {
    const submission = deliveryOf(context, 'view');
    const user = submission.userId;
    const actor = userActor(user);
    const channel = d.config.slack.incidentChannel;
    const s = CANARY_STRINGS[d.locale];
    let shown: CanaryShown;
    try {
      shown = parseCanaryMetadata(submission.privateMetadata);
    } catch (err) {
      // Only a forged or corrupted submission, or a modal of an older Rewind, gets here.
      await ack();
      d.log.warn({ err: (err as Error).message, user }, 'canary submission with bad metadata');
      await client.chat.postEphemeral({
        channel,
        user,
        text: refusal(d, { kind: 'dialog_unreadable', dialog: 'canary' }),
      });
      return;
    }
    const version = submission.values[BLOCK.canaryVersion]?.[CANARY_VERSION_ACTION]?.selected_option?.value ?? null;
    if (!version)
      return void (await ack({ response_action: 'errors', errors: { [BLOCK.canaryVersion]: s.noVersionChosen } }));
    const planned = await d.services.canary.check(shown, version, actor);
    if (!planned.ok) {
      const text = clip(refusal(d, planned.refusal).replace(/[*`]/g, ''), ERROR_MAX);
      return void (await ack({ response_action: 'errors', errors: { [BLOCK.canaryVersion]: text } }));
    }
    await ack();
    // Checked again: the state may have moved while Slack waited for the answer above.
    const result = await d.services.canary.confirm(shown, version, actor);
    if (!result.ok) {
      await client.chat.postEphemeral({ channel, user, text: refusal(d, result.refusal) });
      return;
    }
    const v = result.value;
    const text =
      v.state === 'awaiting_approval'
        ? s.approvalWaiting(v.have, v.need)
        : s.started(
            escapeMrkdwn(planned.value.service),
            escapeMrkdwn(version),
            formatPercent(planned.value.steps[0] ?? 1),
          );
    await client.chat.postEphemeral({ channel, user, text });
  });
}
