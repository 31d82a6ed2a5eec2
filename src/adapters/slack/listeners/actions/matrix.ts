/** The three judgment-matrix selects on the head message (runbook 判断フロー step 1). */
import type { App, BlockAction, StaticSelectAction } from '@slack/bolt';
import type { Assessment } from '../../../../domain/matrix.ts';
import { BUSINESS_IMPACTS, FIX_TIMES, USER_IMPACTS } from '../../../../domain/types.ts';
import { ACTION } from '../../ids.ts';
import { ephemeral, refusal, userActor, type ListenerDeps } from '../context.ts';

const QUESTIONS = [
  { actionId: ACTION.userImpact, key: 'userImpact', allowed: USER_IMPACTS },
  { actionId: ACTION.businessImpact, key: 'businessImpact', allowed: BUSINESS_IMPACTS },
  { actionId: ACTION.fixTime, key: 'fixTime', allowed: FIX_TIMES },
] as const;

export function registerMatrixActions(app: App, d: ListenerDeps): void {
  for (const q of QUESTIONS) {
    app.action<BlockAction<StaticSelectAction>>(q.actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const value = action.selected_option?.value;
      if (!value || !(q.allowed as readonly string[]).includes(value)) {
        return void (await respond({ ...ephemeral(refusal(d, { kind: 'error', message: `"${value ?? ''}" is not an answer to this question` })), replace_original: false }));
      }
      const channel = body.channel?.id;
      const ts = body.message?.ts;
      const incident = channel && ts ? d.services.queries.incidentByMessage(channel, ts) : null;
      if (!incident) {
        return void (await respond({ ...ephemeral(refusal(d, { kind: 'unknown_incident', incidentId: ts ?? '?' })), replace_original: false }));
      }
      const answers: Assessment = { [q.key]: value };
      const result = d.services.decisions.assess(incident.id, answers, userActor(body.user.id));
      if (!result.ok) await respond({ ...ephemeral(refusal(d, result.refusal)), replace_original: false });
    });
  }
}
