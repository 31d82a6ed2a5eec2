/* global document, window, EventSource, CSS */
// The playground page: a Slack-like workspace drawn from the server's snapshots (one server-sent
// event each), where every click, select, checkbox, modal submission and slash command is posted
// to the server, which delivers it to the bot as a signed Slack request. No framework: the panes
// are redrawn from HTML strings when their content changed, keeping focus on the same control.
import { escapeHtml, mrkdwn, renderBlocks } from './blocks.js';
import { ClusterPanel } from './cluster.js';

const $ = (id) => document.getElementById(id);
const ui = { snap: null, user: 'U0LEAD', view: { kind: 'channel', id: '' }, thread: null, read: {} };
const drawn = new Map();
const cluster = new ClusterPanel($('cluster'), (change) => post('/api/scenario', change));

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  $('composer-note').textContent = res.ok ? '' : (answer.error ?? `failed (${res.status})`);
  return res.ok;
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

function withFocusKeys(html, id) {
  return html.replace(
    /data-action-id="([^"]*)"/g,
    (whole, action) => `${whole} data-focus="${escapeHtml(id)}|${action}"`,
  );
}

function visibleEphemerals(channel, threadTs) {
  return ui.snap.feed.ephemerals.filter(
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
  state.textContent = `bot ${snap.bot.state}${snap.bot.pid ? ` (pid ${snap.bot.pid}${started})` : ''}`;
  $('kill').disabled = snap.bot.state !== 'running';
  $('restart').disabled = snap.bot.state === 'running' || snap.bot.state === 'starting';
}

function renderModal() {
  const dialog = $('modal');
  const modal = ui.snap.feed.modals[ui.user];
  if (!modal) {
    if (dialog.open) dialog.close();
    dialog.dataset.viewId = '';
    return;
  }
  const errors = JSON.stringify(modal.errors ?? {});
  if (dialog.dataset.viewId === modal.viewId && dialog.dataset.errors === errors && dialog.open) return;
  const v = modal.view;
  $('modal-title').textContent = v.title?.text ?? '';
  $('modal-submit').textContent = v.submit?.text ?? 'Submit';
  $('modal-submit').hidden = !v.submit;
  $('modal-close').textContent = v.close?.text ?? 'Cancel';
  $('modal-body').innerHTML = renderBlocks({ ...ctx(), errors: modal.errors }, v.blocks, true);
  dialog.dataset.viewId = modal.viewId;
  dialog.dataset.errors = errors;
  if (!dialog.open) dialog.showModal();
}

function render() {
  if (!ui.snap) return;
  if (ui.view.kind === 'channel' && !ui.view.id) ui.view = { kind: 'channel', id: ui.snap.incidentChannel };
  renderTop();
  renderSidebar();
  renderChannel();
  renderThread();
  renderModal();
  cluster.update(ui.snap.cluster);
}

/** Slack's state.values of a message or modal: every select, checkbox group and text input in it. */
function stateOf(root) {
  const values = {};
  for (const el of root.querySelectorAll('[data-action-id]')) {
    const entry = (values[el.dataset.blockId] ??= {});
    if (el.tagName === 'SELECT') {
      const o = el.selectedOptions[0];
      entry[el.dataset.actionId] = {
        type: 'static_select',
        selected_option:
          o && o.value ? { text: { type: 'plain_text', text: o.textContent, emoji: true }, value: o.value } : null,
      };
    } else if (el.tagName === 'FIELDSET') {
      const ticked = [...el.querySelectorAll('input:checked')];
      entry[el.dataset.actionId] = {
        type: 'checkboxes',
        selected_options: ticked.map((i) => ({ text: { type: 'plain_text', text: i.value }, value: i.value })),
      };
    } else if (el.dataset.type === 'plain_text_input') {
      entry[el.dataset.actionId] = { type: 'plain_text_input', value: el.value || null };
    }
  }
  return values;
}

/** Slack asks first when an element carries a confirmation object. */
function confirmed(confirm) {
  if (!confirm) return Promise.resolve(true);
  const dialog = $('confirm');
  const c = JSON.parse(confirm);
  $('confirm-title').textContent = c.title?.text ?? 'Are you sure?';
  $('confirm-text').innerHTML = c.text?.type === 'mrkdwn' ? mrkdwn(ctx(), c.text.text) : escapeHtml(c.text?.text ?? '');
  $('confirm-ok').textContent = c.confirm?.text ?? 'Yes';
  $('confirm-ok').className = `bk-button ${c.style === 'danger' ? 'danger' : 'primary'}`;
  $('confirm-deny').textContent = c.deny?.text ?? 'Cancel';
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) =>
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true }),
  );
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
  if (!(await confirmed(el.dataset.confirm))) return render();
  await post('/api/gesture', gesture);
}

document.addEventListener('click', (event) => {
  const target = event.target.closest('button');
  if (!target) return;
  if (target.dataset.kind === 'button') return void act(target);
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
$('kill').addEventListener('click', () => post('/api/scenario', { kind: 'kill' }));
$('restart').addEventListener('click', () => post('/api/scenario', { kind: 'restart' }));
$('reset').addEventListener('click', () => {
  ui.thread = null;
  ui.read = {};
  void post('/api/scenario', { kind: 'reset' });
});
$('composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const line = $('slash').value.trim();
  const [command, ...rest] = line.split(/\s+/);
  if (!command?.startsWith('/'))
    return void ($('composer-note').textContent = 'Type a slash command, such as /rollback status');
  const channel = ui.view.kind === 'dm' ? dmChannelId() : ui.view.id;
  if (await post('/api/gesture', { kind: 'command', user: ui.user, channel, command, text: rest.join(' ') }))
    $('slash').value = '';
});
$('modal-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void post('/api/gesture', { kind: 'submit', user: ui.user, values: stateOf($('modal-body')) });
});
$('modal-close').addEventListener('click', () => post('/api/gesture', { kind: 'close', user: ui.user }));
$('modal').addEventListener('cancel', (event) => {
  event.preventDefault();
  void post('/api/gesture', { kind: 'close', user: ui.user });
});

function connect() {
  const source = new EventSource('/events');
  source.onmessage = (event) => {
    ui.snap = JSON.parse(event.data);
    render();
    document.body.dataset.ready = 'true';
  };
  source.onerror = () => {
    $('bot-state').textContent = 'playground server unreachable; retrying…';
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1000);
  };
}
window.addEventListener('load', connect);
