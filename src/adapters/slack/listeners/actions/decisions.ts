/**
 * The decision buttons of the head message: Immediate / Gradual rollback (open the confirmation
 * dialog), Try a fix, Fix in next release, Acknowledge, Resolve; and on the thread notes the fix-prep
 * checkboxes, Draft the RCA, and Re-deploy fix as cautious canary (opens the version modal).
 */
import type { App, BlockAction, ButtonAction, CheckboxesAction, RespondFn } from '@slack/bolt';
import type { Refusal } from '../../../../services/refusals.ts';
import { canaryModal } from '../../blocks/canary.ts';
import { confirmRollbackModal } from '../../blocks/confirm.ts';
import { FIX_PREP_PARTS } from '../../blocks/notes.ts';
import { ACTION } from '../../ids.ts';
import { ephemeral, refusal, userActor, type ListenerDeps } from '../context.ts';

/** Tells only the person who clicked, leaving the head message as it is. */
async function refuse(d: ListenerDeps, respond: RespondFn, r: Refusal): Promise<void> {
  await respond({ ...ephemeral(refusal(d, r)), replace_original: false });
}

export function registerDecisionActions(app: App, d: ListenerDeps): void {
  const s = d.services;
  for (const strategy of ['immediate', 'gradual'] as const) {
    app.action<BlockAction<ButtonAction>>(ACTION[strategy], async ({ ack, body, action, respond, client }) => {
      await ack();
      const plan = await s.rollbacks.plan({ incidentId: action.value ?? '', strategy, to: null }, userActor(body.user.id));
      if (!plan.ok) return refuse(d, respond, plan.refusal);
      await client.views.open({ trigger_id: body.trigger_id, view: confirmRollbackModal(plan.value, d.locale) });
    });
  }

  for (const [actionId, decision] of [
    [ACTION.fix, 'fix'],
    [ACTION.nextRelease, 'next_release'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const result = s.decisions.decide(action.value ?? '', decision, userActor(body.user.id));
      if (!result.ok) await refuse(d, respond, result.refusal);
    });
  }

  app.action<BlockAction<ButtonAction>>(ACTION.acknowledge, async ({ ack, body, action, respond }) => {
    await ack();
    const open = s.decisions.openIncident(action.value ?? '');
    if (!open.ok) return refuse(d, respond, open.refusal);
    s.incidents.acknowledge(open.value.id, userActor(body.user.id));
  });

  app.action<BlockAction<CheckboxesAction>>(ACTION.fixPrep, async ({ ack, body, action, respond }) => {
    await ack();
    const part = FIX_PREP_PARTS[Number(action.block_id.split(':')[1] ?? -1)];
    const channel = body.channel?.id;
    const thread = body.message?.thread_ts ?? body.message?.ts;
    const incident = channel && thread ? s.queries.incidentByMessage(channel, thread) : null;
    if (!part || !incident) return refuse(d, respond, { kind: 'error', message: 'this checklist does not belong to an incident Rewind knows' });
    const selected = action.selected_options.map((o) => o.value).filter((v): v is string => typeof v === 'string');
    s.postActions.tickFixPrep(incident.id, part, selected, userActor(body.user.id));
  });

  app.action<BlockAction<ButtonAction>>(ACTION.draftRca, async ({ ack, body, action, respond }) => {
    await ack();
    const drafted = s.rca.draft(action.value ?? '', userActor(body.user.id));
    if (!drafted.ok) await refuse(d, respond, drafted.refusal);
  });

  // 修正版の準備: ask for the fixed version; the modal's submission starts the canary.
  app.action<BlockAction<ButtonAction>>(ACTION.canaryFix, async ({ ack, body, action, respond, client }) => {
    await ack();
    const plan = await s.canary.plan({ incidentId: action.value ?? '', version: null }, userActor(body.user.id));
    if (!plan.ok) return refuse(d, respond, plan.refusal);
    await client.views.open({ trigger_id: body.trigger_id, view: canaryModal(plan.value, d.locale) });
  });

  app.action<BlockAction<ButtonAction>>(ACTION.resolve, async ({ ack, body, action, respond }) => {
    await ack();
    const resolved = await s.decisions.resolve(action.value ?? '', userActor(body.user.id));
    if (!resolved.ok) await refuse(d, respond, resolved.refusal);
  });
}
