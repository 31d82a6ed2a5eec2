/**
 * Opening a modal (the rollback confirmation, the canary version). Slack opens one only with a
 * trigger_id used within 3 seconds of the click or command, once; when it refuses, or cannot be
 * reached, the person who asked would otherwise see nothing at all, so they are told what happened
 * and what to do.
 */
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { DIALOG_STRINGS, type DialogName, type DialogOrigin, type DialogStrings } from '../i18n/dialogs.ts';
import type { Locale } from '../i18n/locale.ts';
import { errorFields } from '../payload-guard.ts';
import type { ListenerDeps } from './context.ts';

export interface DialogRequest {
  triggerId: string;
  view: ModalView;
  dialog: DialogName;
  origin: DialogOrigin;
  /** Tells only the person who asked (ephemeral). */
  tell: (text: string) => Promise<void>;
}

/** Opens the dialog; when Slack will not, tells the person why. True when it opened. */
export async function openDialog(d: ListenerDeps, client: WebClient, r: DialogRequest): Promise<boolean> {
  try {
    await client.views.open({ trigger_id: r.triggerId, view: r.view });
    return true;
  } catch (err) {
    d.log.warn(
      { dialog: r.dialog, origin: r.origin, ...errorFields(err) },
      'views.open failed; telling the person who asked',
    );
    await r.tell(dialogNotOpenedText(err, r.dialog, r.origin, d.locale));
    return false;
  }
}

/** The sentence for a failed views.open: which dialog, Slack's reason, what to do. */
export function dialogNotOpenedText(err: unknown, dialog: DialogName, origin: DialogOrigin, locale: Locale): string {
  const s = DIALOG_STRINGS[locale];
  const f = errorFields(err);
  let why: string;
  if (f.slackError !== undefined) {
    // Slack's codes are snake_case words; anything else is not repeated into the message.
    const code = /^[a-z0-9_]{1,64}$/.test(f.slackError) ? f.slackError : 'unknown_error';
    why = s.slackSaid(code, hint(s, code, origin));
  } else if (f.retryAfterSeconds !== undefined) {
    why = s.rateLimited(f.retryAfterSeconds);
  } else if (f.status !== undefined) {
    why = s.httpStatus(f.status);
  } else {
    why = s.unreachable;
  }
  return s.notOpened(s.dialog[dialog], why, s.again[origin]);
}

function hint(s: DialogStrings, code: string, origin: DialogOrigin): string | null {
  return code in s.hints ? s.hints[code as keyof DialogStrings['hints']][origin] : null;
}
