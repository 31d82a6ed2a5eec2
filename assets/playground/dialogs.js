/* global document, CSS */
// The page's two dialogs as Slack has them: a confirmation asked before an element's gesture is sent,
// and a modal opened by the bot. While one is open Tab and Shift+Tab stay inside it and Escape closes
// it as Cancel does; when it closes, the focus goes back to the control that opened it. A submit
// button pressed once shows it is working and takes no second press until the bot has answered, so
// a double click sends one signed request; on an error it can be pressed again.
import { escapeHtml, mrkdwn, refreshDates } from './blocks.js';

const $ = (id) => document.getElementById(id);

const FOCUSABLE = ['button', 'select', 'input', 'textarea', 'a[href]', '[tabindex]:not([tabindex="-1"])']
  .map((s) => `${s}:not([disabled]):not([hidden])`)
  .join(', ');

/** The controls of an open dialog that Tab can reach, in order. */
function focusables(dialog) {
  return [...dialog.querySelectorAll(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

/** Marks a button as working (or done); aria-disabled rather than disabled, so it keeps the focus. */
export function setBusy(button, busy) {
  button.setAttribute('aria-busy', String(busy));
  button.setAttribute('aria-disabled', String(busy));
}

export const isBusy = (button) => button?.getAttribute('aria-busy') === 'true';

/**
 * Where the focus goes back to when a dialog closes: the opener itself, or, when a redraw replaced
 * it, the control with the same data-focus key, else the first control of the same message.
 */
export function opener(el) {
  return { el, focus: el?.dataset?.focus, message: el?.closest?.('.message')?.dataset.id };
}

export function refocus(from) {
  if (!from) return;
  if (from.el?.isConnected) return from.el.focus();
  const byKey = from.focus && document.querySelector(`[data-focus="${CSS.escape(from.focus)}"]`);
  if (byKey) return byKey.focus();
  const message = from.message && document.querySelector(`.message[data-id="${CSS.escape(from.message)}"]`);
  message?.querySelector(FOCUSABLE)?.focus();
}

/** Tab and Shift+Tab wrap around inside whichever dialog is open; the page behind it is never reached. */
export function trapFocus() {
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const dialog = [...document.querySelectorAll('dialog')].find((d) => d.open);
    if (!dialog) return;
    const items = focusables(dialog);
    const at = items.indexOf(document.activeElement);
    event.preventDefault();
    if (!items.length) return;
    const next = at === -1 ? (event.shiftKey ? items.length - 1 : 0) : at + (event.shiftKey ? -1 : 1);
    items[(next + items.length) % items.length].focus();
  });
}

/**
 * Asks first when an element carries a confirmation object, then sends; with the confirmation open,
 * its button shows it is working until `send` has the bot's answer, and an error is said inside it.
 * Resolves true when the gesture was sent and taken.
 */
export function confirmThen(ctx, confirm, from, send) {
  if (!confirm) return send().then((r) => r.ok);
  const dialog = $('confirm');
  const ok = $('confirm-ok');
  const c = JSON.parse(confirm);
  $('confirm-title').textContent = c.title?.text ?? 'Are you sure?';
  $('confirm-text').innerHTML = c.text?.type === 'mrkdwn' ? mrkdwn(ctx, c.text.text) : escapeHtml(c.text?.text ?? '');
  refreshDates(ctx, $('confirm-text'));
  ok.textContent = c.confirm?.text ?? 'Yes';
  ok.className = `bk-button ${c.style === 'danger' ? 'danger' : 'primary'}`;
  setBusy(ok, false);
  $('confirm-deny').textContent = c.deny?.text ?? 'Cancel';
  $('confirm-error').textContent = '';
  dialog.showModal();
  return new Promise((resolve) => {
    let done = false;
    const finish = (result) => {
      if (done) return;
      done = true;
      dialog.removeEventListener('submit', onSubmit);
      dialog.removeEventListener('cancel', onCancel);
      dialog.removeEventListener('close', onClose);
      if (dialog.open) dialog.close();
      refocus(from);
      resolve(result);
    };
    const onSubmit = async (event) => {
      event.preventDefault();
      if (event.submitter?.value !== 'confirm') return finish(false);
      if (isBusy(ok)) return;
      setBusy(ok, true);
      $('confirm-error').textContent = '';
      const sent = await send();
      setBusy(ok, false);
      if (sent.ok) return finish(true);
      if (!done) $('confirm-error').textContent = sent.error;
    };
    // Escape is Cancel, except while the confirmed gesture is on its way: it is sent either way.
    const onCancel = (event) => {
      event.preventDefault();
      if (!isBusy(ok)) finish(false);
    };
    const onClose = () => finish(false);
    dialog.addEventListener('submit', onSubmit);
    dialog.addEventListener('cancel', onCancel);
    dialog.addEventListener('close', onClose);
  });
}
