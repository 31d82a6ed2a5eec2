/** The three judgment-matrix selects on the head message (runbook 判断フロー step 1). */
import type { App } from '@slack/bolt';
import type { Assessment } from '../../../../domain/matrix.ts';
import { BUSINESS_IMPACTS, FIX_TIMES, USER_IMPACTS } from '../../../../domain/types.ts';
import { ACTION } from '../../ids.ts';
import { clickOf } from '../../payloads.ts';
import { refusal, tellClicker, userActor, type ListenerDeps } from '../context.ts';

const QUESTIONS = [
  { actionId: ACTION.userImpact, key: 'userImpact', allowed: USER_IMPACTS },
  { actionId: ACTION.businessImpact, key: 'businessImpact', allowed: BUSINESS_IMPACTS },
  { actionId: ACTION.fixTime, key: 'fixTime', allowed: FIX_TIMES },
] as const;

export function registerMatrixActions(app: App, d: ListenerDeps): void {
  for (const q of QUESTIONS) {
    app.action(q.actionId, async ({ ack, context, respond, client }) => {
      await ack();
      const click = clickOf(context, 'select');
      const tell = tellClicker(d, click, respond, client);
      const { value } = click.action;
      if (!(q.allowed as readonly string[]).includes(value)) {
        return tell(refusal(d, { kind: 'not_an_answer', question: q.key, value }));
      }
      const ts = click.messageTs;
      const incident = click.channelId && ts ? d.services.queries.incidentByMessage(click.channelId, ts) : null;
      if (!incident) return tell(refusal(d, { kind: 'unknown_incident', incidentId: ts ?? '?' }));
      const answers: Assessment = { [q.key]: value };
      const result = d.services.decisions.assess(incident.id, answers, userActor(click.userId));
      if (!result.ok) await tell(refusal(d, result.refusal));
    });
  }
}
