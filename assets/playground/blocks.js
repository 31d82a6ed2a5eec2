// Block Kit as Slack shows it, as HTML strings: header, section (text, fields, accessory), context,
// divider, actions (buttons with their primary/danger style and confirmation, static selects,
// checkboxes), input (in modals), rich text and image; mrkdwn with bold, italic, strike, code,
// quotes, links, user and group mentions, channel links, <!date^…> dates and emoji shortcodes.
// Interactive elements carry data-* attributes that app.js turns into signed Slack deliveries, with
// the state.values read back from them (stateOf).

const EMOJI = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  warning: '⚠️',
  rotating_light: '🚨',
  x: '❌',
  rocket: '🚀',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  fire: '🔥',
  tada: '🎉',
  '+1': '👍',
  thumbsup: '👍',
  eyes: '👀',
  red_circle: '🔴',
  large_yellow_circle: '🟡',
  large_orange_circle: '🟠',
  large_green_circle: '🟢',
  bell: '🔔',
  memo: '📝',
  mega: '📣',
  pause_button: '⏸️',
  arrow_forward: '▶️',
  star: '⭐',
  chart_with_downwards_trend: '📉',
  chart_with_upwards_trend: '📈',
  calendar: '📅',
  bust_in_silhouette: '👤',
  point_right: '👉',
};

export function escapeHtml(text) {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Slack's own escaping of &, < and > in message text, undone. */
const unslack = (text) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function personName(ctx, id) {
  return ctx.people.find((p) => p.id === id)?.name ?? id;
}

/** The `{token}`s of a <!date^…> format, in the team's zone. */
export function formatDate(ctx, epochSeconds, format) {
  const at = new Date(epochSeconds * 1000);
  const part = (options) => new Intl.DateTimeFormat('en-GB', { timeZone: ctx.zone, ...options }).format(at);
  const ago = () => {
    const minutes = Math.round((ctx.now - at.getTime()) / 60000);
    if (Math.abs(minutes) < 1) return 'just now';
    if (minutes < 0) return `in ${-minutes} minute${minutes === -1 ? '' : 's'}`;
    if (minutes < 90) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
    return `${Math.round(minutes / 60)} hours ago`;
  };
  return format.replace(/\{(\w+)\}/g, (whole, token) => {
    switch (token) {
      case 'ago':
        return ago();
      case 'time':
        return part({ hour: '2-digit', minute: '2-digit', hour12: false });
      case 'time_secs':
        return part({ hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
      case 'date_num':
        return part({ year: 'numeric', month: '2-digit', day: '2-digit' }).split('/').reverse().join('-');
      case 'date_short':
      case 'date_short_pretty':
        return part({ month: 'short', day: 'numeric' });
      case 'date':
      case 'date_pretty':
      case 'date_long':
      case 'date_long_pretty':
        return part({ weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
      default:
        return whole;
    }
  });
}

/** Writes the current text of every relative date under `root`, touching only those whose text changed. */
export function refreshDates(ctx, root) {
  for (const el of root.querySelectorAll('time[data-format]')) {
    const text = formatDate(ctx, Number(el.dataset.date), el.dataset.format);
    if (el.textContent !== text) el.textContent = text;
  }
}

/** One <…> token of mrkdwn as HTML. */
function token(ctx, inner) {
  const [target, label] = inner.split('|');
  if (target.startsWith('@')) return `<span class="mention">@${escapeHtml(personName(ctx, target.slice(1)))}</span>`;
  if (target.startsWith('#')) {
    const name = ctx.channelNames[target.slice(1)] ?? label ?? target.slice(1);
    return `<span class="mention">#${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    const handle = ctx.groups[id]?.handle ?? (label ? label.replace(/^@/, '') : id);
    return `<span class="mention">@${escapeHtml(handle)}</span>`;
  }
  if (target.startsWith('!date^')) {
    const [, seconds, format] = target.split('^');
    if (!Number.isFinite(Number(seconds))) return `<time class="date">${escapeHtml(label ?? '')}</time>`;
    // "12 minutes ago" changes as the clock moves: left empty here and filled in place (refreshDates),
    // so the message's HTML stays the same and the pane is not redrawn, nor re-read aloud, each minute.
    if ((format ?? '').includes('{ago}'))
      return `<time class="date" data-date="${escapeHtml(seconds)}" data-format="${escapeHtml(format)}"></time>`;
    return `<time class="date">${escapeHtml(formatDate(ctx, Number(seconds), format ?? ''))}</time>`;
  }
  if (target === '!here' || target === '!channel' || target === '!everyone')
    return `<span class="mention">@${target.slice(1)}</span>`;
  const href = unslack(target);
  // A permalink of the playground's workspace opens that message's thread on the page.
  const permalink = /^http:\/\/playground\.invalid\/([A-Z0-9]+)\/p(\d+)(\d{6})$/.exec(href);
  if (permalink) {
    const [, channel, seconds, micros] = permalink;
    return (
      `<button type="button" class="link" data-permalink="${escapeHtml(`${channel} ${seconds}.${micros}`)}">` +
      `${escapeHtml(unslack(label ?? target))}</button>`
    );
  }
  const safe = /^(https?:|mailto:)/i.test(href) ? href : '#';
  return `<a href="${escapeHtml(safe)}" target="_blank" rel="noreferrer">${escapeHtml(unslack(label ?? target))}</a>`;
}

/** Slack mrkdwn → HTML. */
export function mrkdwn(ctx, text) {
  const tokens = [];
  let html = String(text ?? '').replace(/<([^<>\n]+)>/g, (_, inner) => {
    tokens.push(token(ctx, inner));
    return `\uE000${tokens.length - 1}\uE000`;
  });
  html = escapeHtml(unslack(html));
  const pre = [];
  html = html.replace(/```([\s\S]*?)```/g, (_, code) => {
    pre.push(`<pre>${code.replace(/^\n/, '')}</pre>`);
    return `\uE001${pre.length - 1}\uE001`;
  });
  html = html
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(>])\*([^*\n]+)\*(?=$|[\s).,:;!?<])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(>])_([^_\n]+)_(?=$|[\s).,:;!?<])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(>])~([^~\n]+)~(?=$|[\s).,:;!?<])/g, '$1<s>$2</s>')
    .replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole)
    .replace(/^&gt; ?(.*)$/gm, '<blockquote>$1</blockquote>')
    .replace(/\n/g, '<br>');
  return html
    .replace(/\uE001(\d+)\uE001/g, (_, i) => pre[Number(i)])
    .replace(/\uE000(\d+)\uE000/g, (_, i) => tokens[Number(i)]);
}

function textObject(ctx, t) {
  if (!t) return '';
  return t.type === 'mrkdwn' ? mrkdwn(ctx, t.text) : escapeHtml(t.text ?? '').replace(/\n/g, '<br>');
}

const attr = (value) => escapeHtml(JSON.stringify(value));

function button(ctx, e, blockId) {
  const style = e.style === 'primary' ? ' primary' : e.style === 'danger' ? ' danger' : '';
  const confirm = e.confirm ? ` data-confirm="${attr(e.confirm)}"` : '';
  return (
    `<button type="button" class="bk-button${style}" data-kind="button" data-action-id="${escapeHtml(e.action_id)}"` +
    ` data-block-id="${escapeHtml(blockId)}" data-value="${escapeHtml(e.value ?? '')}"${confirm}>` +
    `${textObject(ctx, e.text)}</button>`
  );
}

function select(ctx, e, blockId, inModal) {
  const options = [...(e.options ?? []), ...(e.option_groups ?? []).flatMap((g) => g.options ?? [])];
  const chosen = e.initial_option?.value;
  const placeholder = e.placeholder?.text ?? 'Select an option';
  const confirm = e.confirm ? ` data-confirm="${attr(e.confirm)}"` : '';
  const kind = inModal ? 'input' : 'select';
  return (
    `<select class="bk-select" data-kind="${kind}" data-action-id="${escapeHtml(e.action_id)}"` +
    ` data-block-id="${escapeHtml(blockId)}" aria-label="${escapeHtml(placeholder)}"${confirm}>` +
    `<option value=""${chosen ? '' : ' selected'} disabled>${escapeHtml(placeholder)}</option>` +
    options
      .map(
        (o) =>
          `<option value="${escapeHtml(o.value)}"${o.value === chosen ? ' selected' : ''}>` +
          `${escapeHtml(o.text?.text ?? o.value)}</option>`,
      )
      .join('') +
    '</select>'
  );
}

function checkboxes(ctx, e, blockId, inModal) {
  const ticked = new Set((e.initial_options ?? []).map((o) => o.value));
  const kind = inModal ? 'input' : 'checkboxes';
  return (
    `<fieldset class="bk-checkboxes" data-kind="${kind}" data-action-id="${escapeHtml(e.action_id)}"` +
    ` data-block-id="${escapeHtml(blockId)}">` +
    (e.options ?? [])
      .map(
        (o) =>
          `<label><input type="checkbox" value="${escapeHtml(o.value)}"${ticked.has(o.value) ? ' checked' : ''}> ` +
          `${textObject(ctx, o.text)}</label>`,
      )
      .join('') +
    '</fieldset>'
  );
}

function textInput(e, blockId) {
  const common =
    `class="bk-input" data-kind="input" data-action-id="${escapeHtml(e.action_id)}" ` +
    `data-block-id="${escapeHtml(blockId)}" data-type="plain_text_input" ` +
    `placeholder="${escapeHtml(e.placeholder?.text ?? '')}"`;
  const value = escapeHtml(e.initial_value ?? '');
  return e.multiline
    ? `<textarea ${common} rows="3">${value}</textarea>`
    : `<input type="text" ${common} value="${value}">`;
}

function element(ctx, e, blockId, inModal) {
  switch (e.type) {
    case 'button':
      return button(ctx, e, blockId);
    case 'static_select':
      return select(ctx, e, blockId, inModal);
    case 'checkboxes':
      return checkboxes(ctx, e, blockId, inModal);
    case 'plain_text_input':
      return textInput(e, blockId);
    case 'image':
      return `<span class="bk-image" role="img" aria-label="${escapeHtml(e.alt_text ?? '')}">🖼</span>`;
    case 'mrkdwn':
    case 'plain_text':
      return `<span>${textObject(ctx, e)}</span>`;
    default:
      return `<span class="bk-unknown">[${escapeHtml(e.type)}]</span>`;
  }
}

function richText(ctx, elements) {
  const inline = (el) => {
    if (el.type === 'user') return `<span class="mention">@${escapeHtml(personName(ctx, el.user_id))}</span>`;
    if (el.type === 'usergroup')
      return `<span class="mention">@${escapeHtml(ctx.groups[el.usergroup_id]?.handle ?? el.usergroup_id)}</span>`;
    if (el.type === 'emoji') return EMOJI[el.name] ?? `:${escapeHtml(el.name)}:`;
    if (el.type === 'link') return `<a href="${escapeHtml(el.url)}">${escapeHtml(el.text ?? el.url)}</a>`;
    let html = escapeHtml(el.text ?? '').replace(/\n/g, '<br>');
    if (el.style?.code) html = `<code>${html}</code>`;
    if (el.style?.bold) html = `<b>${html}</b>`;
    if (el.style?.italic) html = `<i>${html}</i>`;
    if (el.style?.strike) html = `<s>${html}</s>`;
    return html;
  };
  return (elements ?? [])
    .map((part) => {
      const inner = (part.elements ?? []).map((x) => (x.elements ? richText(ctx, [x]) : inline(x))).join('');
      if (part.type === 'rich_text_preformatted') return `<pre>${inner}</pre>`;
      if (part.type === 'rich_text_quote') return `<blockquote>${inner}</blockquote>`;
      if (part.type === 'rich_text_list') {
        const tag = part.style === 'ordered' ? 'ol' : 'ul';
        const items = (part.elements ?? []).map((x) => `<li>${richText(ctx, [x])}</li>`).join('');
        return `<${tag}>${items}</${tag}>`;
      }
      return `<div>${inner}</div>`;
    })
    .join('');
}

function block(ctx, b, inModal) {
  const id = b.block_id ?? '';
  switch (b.type) {
    case 'header':
      return `<h3 class="bk-header">${textObject(ctx, b.text)}</h3>`;
    case 'divider':
      return '<hr class="bk-divider">';
    case 'section': {
      const fields = b.fields?.length
        ? `<div class="bk-fields">${b.fields.map((f) => `<div>${textObject(ctx, f)}</div>`).join('')}</div>`
        : '';
      const accessory = b.accessory ? `<div class="bk-accessory">${element(ctx, b.accessory, id, inModal)}</div>` : '';
      return `<div class="bk-section"><div class="bk-text">${textObject(ctx, b.text)}${fields}</div>${accessory}</div>`;
    }
    case 'context':
      return `<div class="bk-context">${(b.elements ?? []).map((e) => element(ctx, e, id, inModal)).join('')}</div>`;
    case 'actions':
      return `<div class="bk-actions">${(b.elements ?? []).map((e) => element(ctx, e, id, inModal)).join('')}</div>`;
    case 'input': {
      const error = ctx.errors?.[id] ? `<div class="bk-error" role="alert">${escapeHtml(ctx.errors[id])}</div>` : '';
      const hint = b.hint ? `<div class="bk-hint">${textObject(ctx, b.hint)}</div>` : '';
      const optional = b.optional ? ' <span class="bk-optional">(optional)</span>' : '';
      return (
        `<label class="bk-input-block"><span class="bk-label">${textObject(ctx, b.label)}${optional}</span>` +
        `${element(ctx, b.element ?? {}, id, true)}${hint}${error}</label>`
      );
    }
    case 'rich_text':
      return `<div class="bk-rich">${richText(ctx, b.elements)}</div>`;
    case 'image':
      return `<div class="bk-image-block">${escapeHtml(b.alt_text ?? 'image')}</div>`;
    default:
      return `<div class="bk-unknown">[${escapeHtml(b.type)} block]</div>`;
  }
}

/** A message's or view's blocks as HTML; `inModal` makes selects and checkboxes inputs of a form. */
export function renderBlocks(ctx, blocks, inModal = false) {
  return (blocks ?? []).map((b) => block(ctx, b, inModal)).join('');
}

/** Slack's state.values of a message or modal: every select, checkbox group and text input in it. */
export function stateOf(root) {
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
