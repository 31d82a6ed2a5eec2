/* global document, window, EventSource, CSS */
// The playground page: a Slack-like workspace drawn from the server's snapshots (one server-sent
// event each), where every click, select, checkbox, modal submission and slash command is posted
// to the server, which delivers it to the bot as a signed Slack request. No framework: the panes
// are redrawn from HTML strings when their content changed, keeping focus on the same control.
import { escapeHtml, mrkdwn, refreshDates, renderBlocks, stateOf } from './blocks.js';
import { ClusterPanel } from './cluster.js';
import { Announcer } from './announcer.js';
import { confirmThen, isBusy, opener, refocus, setBusy, trapFocus } from './dialogs.js';

const $ = (id) => document.getElementById(id);
const ui = {
  snap: null,
  user: 'U0LEAD',
  view: { kind: 'channel', id: '' },
  thread: null,
  read: {},
  /** The data-focus keys of the message buttons whose gesture is on its way to the bot. */
  pending: new Set(),
  /** The control whose gesture last reached the bot: a modal it opens gives the focus back to it. */
  lastGesture: null,
  modalOpener: null,
  /** The modal the visitor closed, not shown again while the close is on its way. */
  closing: null,
  /** What a bot control on its way is doing (said in place of the bot's state). */
  working: null,
};
const drawn = new Map();
const announcer = new Announcer($('announcer'), (m) => plainText(m));
const cluster = new ClusterPanel($('cluster'), (change) => post('/api/scenario', change));

/** Posts a gesture or a scenario change; `{ ok, error }`, the error also said under the composer. */
async function post(path, body) {
  let sent;
  try {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await res.json().catch(() => ({}));
    sent = { ok: res.ok, error: res.ok ? '' : (answer.error ?? `failed (${res.status})`) };
  } catch {
    sent = { ok: false, error: 'the playground server is unreachable' };
  }
  $('composer-note').textContent = sent.error;
  return sent;
}

const ctx = () => ({
  people: ui.snap.people,
  groups: ui.snap.groups,
  channelNames: ui.snap.channelNames,
  zone: ui.snap.zone,
  now: ui.snap.now,
});

function time(at, seconds = false) {
  const options = { timeZone: ui.snap.zone, hour: '2-digit', minute: '2-digit', hour12: false };
  if (seconds) options.second = '2-digit';
  return new Intl.DateTimeFormat('en-GB', options).format(new Date(at));
}

/** Replaces a pane's HTML only when it changed, and gives focus back to the control that had it. */
function draw(element, html) {
  if (drawn.get(element) === html) return;
  const focused = document.activeElement?.closest?.('[data-focus]')?.dataset.focus;
  const scrolledToEnd = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
  element.innerHTML = html;
  drawn.set(element, html);
  if (focused) element.querySelector(`[data-focus="${CSS.escape(focused)}"]`)?.focus();
  if (scrolledToEnd) element.scrollTop = element.scrollHeight;
}

function channelOf(id) {
  return ui.snap.feed.channels.find((c) => c.id === id);
}

function dmChannelId() {
  return `D0${ui.user}`;
}

function messageHtml(m, { thread = false } = {}) {
  const c = ctx();
  const channel = channelOf(m.channel);
  const replies = !thread && !m.threadTs ? (channel?.threads[m.ts]?.length ?? 0) : 0;
  const body = m.blocks ? renderBlocks(c, m.blocks) : `<div class="bk-text">${mrkdwn(c, m.text)}</div>`;
  const only = m.ephemeralFor ? '<span class="only-you">Only visible to you</span>' : '';
  const edited = m.edited ? '<span class="edited">(edited)</span>' : '';
  const more = replies
    ? `<button type="button" class="replies" data-thread="${escapeHtml(m.ts)}" data-focus="r${escapeHtml(m.id)}">` +
      `${replies} ${replies === 1 ? 'reply' : 'replies'}</button>`
    : '';
  return (
    `<li class="message${m.ephemeralFor ? ' ephemeral' : ''}" data-id="${escapeHtml(m.id)}"` +
    ` data-channel="${escapeHtml(m.channel)}"` +
    ` data-ts="${escapeHtml(m.ts)}" data-thread-ts="${escapeHtml(m.threadTs ?? '')}">` +
    '<div class="avatar" aria-hidden="true">RW</div><div class="message-body">' +
    `<span class="author">Rewind</span><span class="app-badge">APP</span><span class="when">${time(m.at)}</span>` +
    `${edited}${only}${body}${more}</div></li>`
  );
}

/** A message's notification text as plain words, its relative dates filled in. */
function plainText(m) {
  const scratch = document.createElement('div');
  scratch.innerHTML = mrkdwn(ctx(), m.text || '(a message)');
  refreshDates(ctx(), scratch);
  return scratch.textContent.replace(/\s+/g, ' ').trim();
}

function withFocusKeys(html, id) {
  return html.replace(
    /data-action-id="([^"]*)"/g,
    (whole, action) => `${whole} data-focus="${escapeHtml(id)}|${action}"`,
  );
}

function visibleEphemerals(channel, threadTs) {
  return ui.snap.ephemerals.filter(
    (e) => e.ephemeralFor === ui.user && e.channel === channel && (e.threadTs ?? '') === (threadTs ?? ''),
  );
}

function renderChannel() {
  const { view } = ui;
  if (view.kind === 'home') return renderHome();
  const id = view.kind === 'dm' ? dmChannelId() : view.id;
  const channel = channelOf(id);
  const items = [...(channel?.messages ?? []), ...visibleEphemerals(id)].sort((a, b) => a.seq - b.seq);
  $('channel-title').textContent = view.kind === 'dm' ? 'Rewind' : `#${ui.snap.channelNames[id] ?? id}`;
  $('channel-topic').textContent = view.kind === 'dm' ? 'Direct messages with the app' : '';
  $('composer').hidden = false;
  const html = items.map((m) => withFocusKeys(messageHtml(m), m.id)).join('');
  draw($('messages'), html || '<li class="empty">No messages yet.</li>');
  announcer.arrived('channel', `${ui.snap.cut?.world} ${view.kind} ${id} ${ui.user}`, items);
}

function renderHome() {
  $('channel-title').textContent = 'Rewind — Home';
  $('channel-topic').textContent = '';
  $('composer').hidden = true;
  const blocks = ui.snap.feed.homes[ui.user];
  const html = blocks
    ? `<li class="message"><div class="message-body">${renderBlocks(ctx(), blocks)}</div></li>`
    : '<li class="empty">Opening the Home tab…</li>';
  draw($('messages'), html);
}

function renderThread() {
  const pane = $('thread');
  const t = ui.thread;
  const channel = t && channelOf(t.channel);
  const parent = channel?.messages.find((m) => m.ts === t.ts);
  pane.hidden = !parent;
  if (!parent) return;
  const replies = [...(channel.threads[t.ts] ?? []), ...visibleEphemerals(t.channel, t.ts)].sort(
    (a, b) => a.seq - b.seq,
  );
  const html = [parent, ...replies].map((m) => withFocusKeys(messageHtml(m, { thread: true }), `t${m.id}`)).join('');
  draw($('thread-messages'), html);
  announcer.arrived('thread', `${ui.snap.cut?.world} ${t.channel} ${t.ts} ${ui.user}`, replies);
}

function sidebarButton(label, view, current, badge = '') {
  const pressed = current ? ' aria-current="page"' : '';
  return (
    `<li><button type="button" data-view="${escapeHtml(JSON.stringify(view))}"${pressed}` +
    ` data-focus="nav${escapeHtml(label)}">${label}${badge}</button></li>`
  );
}

function renderSidebar() {
  const { view, snap } = ui;
  const channels = Object.entries(snap.channelNames)
    .map(([id, name]) =>
      sidebarButton(`# ${escapeHtml(name)}`, { kind: 'channel', id }, view.kind === 'channel' && view.id === id),
    )
    .join('');
  const dm = channelOf(dmChannelId());
  const count = dm?.messages.length ?? 0;
  // Unread: what arrived in the DM since this person last looked at it.
  if (view.kind === 'dm') ui.read[ui.user] = count;
  const unread = count - (ui.read[ui.user] ?? 0);
  const badge = unread > 0 ? `<span class="badge" aria-label="${unread} unread">${unread}</span>` : '';
  draw($('channels'), channels);
  draw($('dms'), sidebarButton('Rewind', { kind: 'dm' }, view.kind === 'dm', badge));
  draw($('apps'), sidebarButton('Rewind — Home', { kind: 'home' }, view.kind === 'home'));
}

function renderTop() {
  const { snap } = ui;
  $('clock').textContent = `${time(snap.now, true)} ${snap.zone}`;
  draw(
    $('speeds'),
    snap.speeds
      .map(
        (s) =>
          `<button type="button" data-speed="${s}" aria-pressed="${s === snap.speed}"` +
          ` data-focus="speed${s}">×${s}</button>`,
      )
      .join(''),
  );
  const userOptions = snap.people
    .filter((p) => p.actor)
    .map(
      (p) =>
        `<option value="${p.id}"${p.id === ui.user ? ' selected' : ''}>` +
        `${escapeHtml(p.name)} — ${escapeHtml(p.role)}</option>`,
    )
    .join('');
  draw($('user'), userOptions);
  const state = $('bot-state');
  state.dataset.state = snap.bot.state;
  const started = snap.bot.starts > 1 ? `, start ${snap.bot.starts}` : '';
  state.textContent = ui.working ?? `bot ${snap.bot.state}${snap.bot.pid ? ` (pid ${snap.bot.pid}${started})` : ''}`;
  $('kill').disabled = snap.bot.state !== 'running';
  $('restart').disabled = snap.bot.state === 'running' || snap.bot.state === 'starting';
}

function renderModal() {
  const dialog = $('modal');
  const modal = ui.snap.feed.modals[ui.user];
  if (!modal || modal.viewId === ui.closing) {
    if (!modal) ui.closing = null;
    if (dialog.open) dialog.close();
    dialog.dataset.key = '';
    return;
  }
  // The view (views.update), its errors and each answer of the bot to a submission redraw it.
  const key = JSON.stringify([modal.viewId, modal.view, modal.errors ?? {}, modal.answers ?? 0]);
  if (dialog.dataset.key === key && dialog.open) return;
  const v = modal.view;
  $('modal-title').textContent = v.title?.text ?? '';
  $('modal-submit').textContent = v.submit?.text ?? 'Submit';
  $('modal-submit').hidden = !v.submit;
  setBusy($('modal-submit'), false);
  $('modal-error').textContent = '';
  $('modal-close').textContent = v.close?.text ?? 'Cancel';
  $('modal-body').innerHTML = renderBlocks({ ...ctx(), errors: modal.errors }, v.blocks, true);
  dialog.dataset.key = key;
  if (!dialog.open) {
    ui.modalOpener = ui.lastGesture;
    dialog.showModal();
  }
  // A redraw took the focus with the old controls: the first field the bot complains about has it, else the first.
  if (!dialog.contains(document.activeElement))
    (dialog.querySelector('.bk-error')?.closest('label') ?? dialog)
      .querySelector('input, select, textarea, button')
      ?.focus();
}

/** Message buttons whose gesture is on its way show it, redrawn or not. */
function markPending() {
  for (const key of ui.pending)
    for (const el of document.querySelectorAll(`[data-focus="${CSS.escape(key)}"]`)) setBusy(el, true);
}

function render() {
  if (!ui.snap) return;
  if (ui.view.kind === 'channel' && !ui.view.id) ui.view = { kind: 'channel', id: ui.snap.incidentChannel };
  renderTop();
  renderSidebar();
  renderChannel();
  renderThread();
  renderModal();
  markPending();
  cluster.update(ui.snap.cluster);
  refreshDates(ctx(), document.body);
}

async function act(el) {
  const message = el.closest('.message');
  if (!message || !message.dataset.ts) return;
  const gesture = {
    kind: 'action',
    user: ui.user,
    channel: message.dataset.channel,
    messageTs: message.dataset.ts,
    actionId: el.dataset.actionId,
    blockId: el.dataset.blockId,
    state: stateOf(message),
  };
  if (message.dataset.threadTs) gesture.threadTs = message.dataset.threadTs;
  if (el.dataset.kind === 'button') Object.assign(gesture, { value: el.dataset.value, text: el.textContent });
  if (el.dataset.kind === 'select') {
    const o = el.selectedOptions[0];
    gesture.selected = { value: o.value, text: o.textContent };
  }
  if (el.dataset.kind === 'checkboxes') gesture.checked = [...el.querySelectorAll('input:checked')].map((i) => i.value);
  // A button takes no second press while its first is on its way, as in Slack.
  const key = el.dataset.kind === 'button' ? el.dataset.focus : undefined;
  if (key && ui.pending.has(key)) return;
  const from = opener(el);
  const send = async () => {
    if (key) ui.pending.add(key);
    markPending();
    ui.lastGesture = from;
    try {
      return await post('/api/gesture', gesture);
    } finally {
      if (key) ui.pending.delete(key);
      for (const b of key ? document.querySelectorAll(`[data-focus="${CSS.escape(key)}"]`) : []) setBusy(b, false);
    }
  };
  await confirmThen(ctx(), el.dataset.confirm, from, send);
  render();
}

document.addEventListener('click', (event) => {
  const target = event.target.closest('button');
  if (!target) return;
  if (target.dataset.kind === 'button') return isBusy(target) ? undefined : void act(target);
  if (target.dataset.thread) {
    const message = target.closest('.message');
    ui.thread = { channel: message.dataset.channel, ts: target.dataset.thread };
    return render();
  }
  if (target.dataset.view) {
    ui.view = JSON.parse(target.dataset.view);
    if (ui.view.kind === 'home') void post('/api/gesture', { kind: 'home', user: ui.user });
    return render();
  }
  if (target.dataset.permalink) {
    const [channel, ts] = target.dataset.permalink.split(' ');
    ui.view = { kind: 'channel', id: channel };
    ui.thread = { channel, ts };
    return render();
  }
  if (target.dataset.speed) return void post('/api/scenario', { kind: 'speed', scale: Number(target.dataset.speed) });
});

document.addEventListener('change', (event) => {
  const el = event.target.closest('[data-kind=select], [data-kind=checkboxes]');
  if (el && !el.closest('dialog')) void act(el);
});

$('user').addEventListener('change', (e) => {
  ui.user = e.target.value;
  if (ui.view.kind === 'home') void post('/api/gesture', { kind: 'home', user: ui.user });
  render();
});
$('close-thread').addEventListener('click', () => {
  ui.thread = null;
  render();
});
/** A bot control takes seconds (a reset starts a new bot): it says so meanwhile and takes no second press. */
async function control(button, kind, working) {
  if (isBusy(button)) return;
  setBusy(button, true);
  ui.working = working;
  if (ui.snap) renderTop();
  await post('/api/scenario', { kind });
  setBusy(button, false);
  ui.working = null;
  if (ui.snap) renderTop();
}
$('kill').addEventListener('click', () => control($('kill'), 'kill', 'killing the bot…'));
$('restart').addEventListener('click', () => control($('restart'), 'restart', 'starting the bot…'));
$('reset').addEventListener('click', () => {
  ui.thread = null;
  ui.read = {};
  void control($('reset'), 'reset', 'resetting: a new workspace, cluster and bot…');
});
$('composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const line = $('slash').value.trim();
  const [command, ...rest] = line.split(/\s+/);
  if (!command?.startsWith('/'))
    return void ($('composer-note').textContent = 'Type a slash command, such as /rollback status');
  const channel = ui.view.kind === 'dm' ? dmChannelId() : ui.view.id;
  ui.lastGesture = opener($('slash'));
  const sent = await post('/api/gesture', { kind: 'command', user: ui.user, channel, command, text: rest.join(' ') });
  if (sent.ok) $('slash').value = '';
});
$('modal-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const submit = $('modal-submit');
  if (isBusy(submit)) return;
  setBusy(submit, true);
  $('modal-error').textContent = '';
  const sent = await post('/api/gesture', { kind: 'submit', user: ui.user, values: stateOf($('modal-body')) });
  // Taken: the bot's answer closes the modal or shows its errors, and that redraw ends the working state.
  if (sent.ok) return;
  setBusy(submit, false);
  $('modal-error').textContent = sent.error;
});
/** Cancel and Escape close the modal at once, as in Slack, and tell the server it is closed. */
function closeModal() {
  const dialog = $('modal');
  ui.closing = ui.snap.feed.modals[ui.user]?.viewId ?? null;
  if (dialog.open) dialog.close();
  void post('/api/gesture', { kind: 'close', user: ui.user });
}
$('modal-close').addEventListener('click', closeModal);
$('modal').addEventListener('cancel', (event) => {
  event.preventDefault();
  closeModal();
});
$('modal').addEventListener('close', () => refocus(ui.modalOpener));
trapFocus();

/** The event stream; a page reconnecting says which ephemerals it has seen (they are not replayed on a reload). */
function connect() {
  const cut = ui.snap?.cut;
  const source = new EventSource(cut ? `/events?world=${cut.world}&since=${cut.since}` : '/events');
  source.onmessage = (event) => {
    ui.snap = JSON.parse(event.data);
    render();
    document.body.dataset.ready = 'true';
  };
  source.onerror = () => {
    $('bot-state').textContent = 'playground server unreachable; retrying…';
    source.close();
    setTimeout(connect, 1000);
  };
}
window.addEventListener('load', connect);
