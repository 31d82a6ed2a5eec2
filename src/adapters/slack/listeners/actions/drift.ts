/**
 * Re-apply Rewind's routing and Accept, under a routing drift note. The drift service writes the
 * expected split back or records the live one as expected (both approvers only), audits it and posts
 * what was done where the note is; a refusal is told to the person who clicked only.
 */
import type { App } from '@slack/bolt';
import type { DriftAnswer } from '../../../../services/drift.ts';
import { escapeMrkdwn, mentionList } from '../../blocks/format.ts';
import { DRIFT_STRINGS } from '../../i18n/drift.ts';
import type { Locale } from '../../i18n/locale.ts';
import { ACTION } from '../../ids.ts';
import { clickOf } from '../../payloads.ts';
import { tellClicker, userActor, type ListenerDeps } from '../context.ts';

/** Why a click did nothing, in the reader's language; null when it did what was asked. */
export function driftRefusalText(answer: DriftAnswer, locale: Locale): string | null {
  const t = DRIFT_STRINGS[locale];
  if (answer.ok) return null;
  switch (answer.why) {
    case 'not_approver':
      return answer.action === 'accept'
        ? t.notApproverAccept(mentionList(answer.approvers, locale))
        : t.notApprover(mentionList(answer.approvers, locale));
    case 'unknown':
      return t.unknown(String(answer.id));
    case 'settled':
      return t.settled(String(answer.id));
    case 'failed':
      return t.failed(escapeMrkdwn(answer.message.slice(0, 500)));
  }
}

export function registerDriftActions(app: App, d: ListenerDeps): void {
  for (const actionId of [ACTION.driftReapply, ACTION.driftAccept] as const) {
    app.action(actionId, async ({ ack, context, respond, client }) => {
      await ack();
      const click = clickOf(context, 'button');
      const tell = tellClicker(d, click, respond, client);
      const id = Number(click.action.value);
      const actor = userActor(click.userId);
      const answer: DriftAnswer = !Number.isSafeInteger(id)
        ? { ok: false, why: 'unknown', id: 0 }
        : actionId === ACTION.driftReapply
          ? await d.services.drift.reapply(id, actor)
          : await d.services.drift.accept(id, actor);
      const refused = driftRefusalText(answer, d.locale);
      if (refused) await tell(refused);
    });
  }
}
