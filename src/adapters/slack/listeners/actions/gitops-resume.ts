/**
 * Resume GitOps sync, on the note a rollback leaves when it paused its owner's sync; and its
 * confirmation, asked when the owner's source still has the revision of the pause (syncing would
 * re-deploy the bad version). The service lets approvers only and says why it will not.
 */
import type { App } from '@slack/bolt';
import { confirmGitOpsResumeModal } from '../../blocks/gitops.ts';
import { ACTION, VIEW } from '../../ids.ts';
import { clickOf, deliveryOf } from '../../payloads.ts';
import { refusal, tellClicker, userActor, type ListenerDeps } from '../context.ts';
import { openDialog } from '../dialogs.ts';

export function registerGitOpsResume(app: App, d: ListenerDeps): void {
  app.action(ACTION.gitopsResume, async ({ ack, context, respond, client }) => {
    await ack();
    const click = clickOf(context, 'button');
    const tell = tellClicker(d, click, respond, client);
    const rollbackId = click.action.value;
    const result = await d.services.gitops.resume(rollbackId, userActor(click.userId), false);
    if (!result.ok) return tell(refusal(d, result.refusal));
    if (result.value.kind !== 'confirm') return;
    const { owner, revision } = result.value;
    await openDialog(d, client, {
      triggerId: click.triggerId,
      view: confirmGitOpsResumeModal(rollbackId, owner, revision, d.locale),
      dialog: 'confirm',
      origin: 'click',
      tell,
    });
  });

  app.view(VIEW.confirmGitOpsResume, async ({ ack, context, client }) => {
    await ack();
    const submission = deliveryOf(context, 'view');
    const user = submission.userId;
    const result = await d.services.gitops.resume(submission.privateMetadata, userActor(user), true);
    if (!result.ok)
      await client.chat.postEphemeral({
        channel: d.config.slack.incidentChannel,
        user,
        text: refusal(d, result.refusal),
      });
  });
}
