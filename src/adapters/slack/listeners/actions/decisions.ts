/**
 * The decision buttons of the head message: Immediate / Gradual rollback (open the confirmation
 * dialog), Try a fix, Fix in next release, Acknowledge, Resolve; and on the thread notes the fix-prep
 * checkboxes, Draft the RCA, and Re-deploy fix as cautious canary (opens the version modal).
 */
import type { App } from '@slack/bolt';
import { canaryModal } from '../../blocks/canary.ts';
import { confirmRollbackModal } from '../../blocks/confirm.ts';
import { FIX_PREP_PARTS } from '../../blocks/notes.ts';
import { ACTION } from '../../ids.ts';
import { clickOf } from '../../payloads.ts';
import { refusal, tellClicker, userActor, type ListenerDeps } from '../context.ts';
import { rcaAlreadyPostedText } from '../commands/incident.ts';
import { openDialog } from '../dialogs.ts';

export function registerDecisionActions(app: App, d: ListenerDeps): void {
  const s = d.services;
  for (const strategy of ['immediate', 'gradual'] as const) {
    app.action(ACTION[strategy], async ({ ack, context, respond, client }) => {
      await ack();
      const click = clickOf(context, 'button');
      const tell = tellClicker(d, click, respond, client);
      const plan = await s.rollbacks.plan(
        { incidentId: click.action.value, strategy, to: null },
        userActor(click.userId),
      );
      if (!plan.ok) return tell(refusal(d, plan.refusal));
      await openDialog(d, client, {
        triggerId: click.triggerId,
        view: confirmRollbackModal(plan.value, d.locale, d.config.drills.timezone),
        dialog: 'confirm',
        origin: 'click',
        tell,
      });
    });
  }

  for (const [actionId, decision] of [
    [ACTION.fix, 'fix'],
    [ACTION.nextRelease, 'next_release'],
  ] as const) {
    app.action(actionId, async ({ ack, context, respond, client }) => {
      await ack();
      const click = clickOf(context, 'button');
      const result = s.decisions.decide(click.action.value, decision, userActor(click.userId));
      if (!result.ok) await tellClicker(d, click, respond, client)(refusal(d, result.refusal));
    });
  }

  app.action(ACTION.acknowledge, async ({ ack, context, respond, client }) => {
    await ack();
    const click = clickOf(context, 'button');
    const open = s.decisions.openIncident(click.action.value);
    if (!open.ok) return tellClicker(d, click, respond, client)(refusal(d, open.refusal));
    s.incidents.acknowledge(open.value.id, userActor(click.userId));
  });

  app.action(ACTION.fixPrep, async ({ ack, context, respond, client }) => {
    await ack();
    const click = clickOf(context, 'fix_prep');
    const part = FIX_PREP_PARTS[click.action.part];
    const thread = click.threadTs ?? click.messageTs;
    const incident = click.channelId && thread ? s.queries.incidentByMessage(click.channelId, thread) : null;
    if (!part || !incident) {
      return tellClicker(d, click, respond, client)(refusal(d, { kind: 'unknown_checklist' }));
    }
    s.postActions.tickFixPrep(incident.id, part, click.action.selected, userActor(click.userId));
  });

  app.action(ACTION.draftRca, async ({ ack, context, respond, client }) => {
    await ack();
    const click = clickOf(context, 'button');
    const drafted = s.rca.draft(click.action.value, userActor(click.userId));
    if (!drafted.ok) return tellClicker(d, click, respond, client)(refusal(d, drafted.refusal));
    // A second click uploads nothing new: the clicker is told where the first one is.
    if (!drafted.value.posted)
      await tellClicker(
        d,
        click,
        respond,
        client,
      )(await rcaAlreadyPostedText(d, client, click.action.value, drafted.value.postedAt));
  });

  // 修正版の準備: ask for the fixed version; the modal's submission starts the canary.
  app.action(ACTION.canaryFix, async ({ ack, context, respond, client }) => {
    await ack();
    const click = clickOf(context, 'button');
    const tell = tellClicker(d, click, respond, client);
    const plan = await s.canary.plan({ incidentId: click.action.value, version: null }, userActor(click.userId));
    if (!plan.ok) return tell(refusal(d, plan.refusal));
    await openDialog(d, client, {
      triggerId: click.triggerId,
      view: canaryModal(plan.value, d.locale),
      dialog: 'canary',
      origin: 'click',
      tell,
    });
  });

  app.action(ACTION.resolve, async ({ ack, context, respond, client }) => {
    await ack();
    const click = clickOf(context, 'button');
    const resolved = await s.decisions.resolve(click.action.value, userActor(click.userId));
    if (!resolved.ok) await tellClicker(d, click, respond, client)(refusal(d, resolved.refusal));
  });
}
