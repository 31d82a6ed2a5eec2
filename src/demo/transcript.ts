/**
 * The Slack conversation of the demo, made readable in a terminal: each call the bot made to the
 * Slack stand-in becomes a line or two — head messages, thread replies, in-place updates, dialogs,
 * private replies and uploaded files — with Slack's markup turned into plain text. Quiet by
 * default: an in-place update is printed when its headline changes (Detected → Rolling back →
 * Resolved); verbose prints every update (each traffic step of the progress bar, each escalation).
 */
import type { SlackCall } from './stand-ins/slack-api.ts';

/** Slack mrkdwn → terminal text: mentions, dates and links by their readable part; no emphasis marks. */
export function plain(text: string): string {
  return text
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&')
    .replace(/[*`]/g, '');
}

interface Block {
  type: string;
  text?: { text?: string };
  label?: { text?: string };
  element?: { options?: Array<{ text?: { text?: string } }> };
  fields?: { text?: string }[];
  elements?: Array<{
    type?: string;
    text?: string | { text?: string };
    placeholder?: { text?: string };
    initial_option?: { text?: { text?: string } };
    options?: Array<{ text?: { text?: string }; value?: string }>;
    initial_options?: Array<{ value?: string }>;
  }>;
}

/** The text a person sees in a message or view: sections, fields, context, and buttons as [Label]. */
export function blocksText(blocks: unknown): string[] {
  const lines: string[] = [];
  for (const b of (Array.isArray(blocks) ? blocks : []) as Block[]) {
    if (b.text?.text) lines.push(...plain(b.text.text).split('\n'));
    for (const f of b.fields ?? []) if (f.text) lines.push(plain(f.text).replace(/\n/g, ' '));
    if (b.type === 'input')
      lines.push(`⟨${b.label?.text ?? ''}: ${(b.element?.options ?? []).map((o) => o.text?.text ?? '').join(' | ')}⟩`);
    if (b.type === 'context')
      lines.push(
        (b.elements ?? []).map((e) => plain(typeof e.text === 'string' ? e.text : (e.text?.text ?? ''))).join(' · '),
      );
    if (b.type === 'actions') {
      // A checklist reads as its items, ticked or not.
      for (const e of (b.elements ?? []).filter((x) => x.type === 'checkboxes')) {
        const ticked = new Set((e.initial_options ?? []).map((o) => o.value));
        for (const o of e.options ?? []) lines.push(`${ticked.has(o.value) ? '☑' : '☐'} ${plain(o.text?.text ?? '')}`);
      }
      const controls = (b.elements ?? [])
        .filter((x) => x.type !== 'checkboxes')
        .map((e) => {
          if (e.type === 'button') return `[${typeof e.text === 'string' ? e.text : (e.text?.text ?? '')}]`;
          const chosen = e.initial_option?.text?.text;
          return `⟨${e.placeholder?.text ?? 'choose'}${chosen ? `: ${chosen}` : ''}⟩`;
        });
      lines.push(controls.join(' '));
    }
  }
  return lines.filter((l) => l.trim() !== '');
}

/** How much of an uploaded file the transcript shows. */
const FILE_PREVIEW_LINES = 24;

export class Transcript {
  private seen = 0;
  private lastHead = new Map<string, string>();

  constructor(
    private readonly print: (line: string) => void,
    private readonly channelName: (id: string) => string,
    private readonly options: { verbose?: boolean; upload?: (fileId: string) => string | undefined } = {},
  ) {}

  /** Prints the calls made since the last flush, stamped with `time`. */
  flush(calls: readonly SlackCall[], time: string): void {
    for (const call of calls.slice(this.seen)) this.printCall(call, time);
    this.seen = calls.length;
  }

  private printCall(call: SlackCall, time: string): void {
    const a = call.args;
    const text = (): string[] => (a.blocks ? blocksText(a.blocks) : plain(String(a.text ?? '')).split('\n'));
    const channel = this.channelName(String(a.channel ?? ''));
    switch (call.method) {
      case 'chat.postMessage': {
        const lines = text();
        if (a.thread_ts) {
          this.print(`${time}   ↳ ${lines[0] ?? ''}`);
          for (const l of lines.slice(1)) this.print(`             ${l}`);
        } else {
          this.print(`${time} ${channel} ▌ ${lines[0] ?? ''}`);
          for (const l of lines.slice(1)) this.print(`             ▌ ${l}`);
        }
        return;
      }
      case 'chat.update': {
        // Only what changed in the head message's first lines, to keep the transcript short.
        const lines = text();
        const key = String(a.ts);
        // The stakeholder notice's update is in what is being done (what users saw moves less).
        const summary = lines
          .filter(
            (l) =>
              /Traffic|トラフィック|▓|░|⭐|escalated|⏫|What we (are doing|did)|対応(状況|内容)/.test(l) ||
              l === lines[0],
          )
          .join(' | ');
        const shown = this.options.verbose ? summary : (lines[0] ?? '');
        if (this.lastHead.get(key) === shown) return;
        this.lastHead.set(key, shown);
        // The incident channel's updates are to the head message; elsewhere (stakeholders) to a notice.
        this.print(`${time} ${channel} ✎ ${channel === '#incident' ? 'head message' : 'message'} now: ${summary}`);
        return;
      }
      case 'chat.postEphemeral':
        this.print(`${time}   (only @${String(a.user)} sees) ${plain(String(a.text ?? ''))}`);
        return;
      case 'views.open': {
        const view = a.view as { title?: { text?: string }; blocks?: unknown };
        this.print(`${time}   ⧉ dialog "${view.title?.text ?? ''}":`);
        for (const l of blocksText(view.blocks)) this.print(`             ${l}`);
        return;
      }
      case 'files.completeUploadExternal': {
        // An uploaded file (the RCA draft): its title, then its first lines as the thread shows them.
        for (const f of (a.files ?? []) as Array<{ id: string; title?: string }>) {
          this.print(`${time}   ↳ 📎 ${f.title ?? f.id}`);
          const content = this.options.upload?.(f.id) ?? '';
          const lines = content.split('\n').filter((l) => l.trim() !== '');
          for (const l of lines.slice(0, FILE_PREVIEW_LINES)) this.print(`             │ ${l}`);
          if (lines.length > FILE_PREVIEW_LINES)
            this.print(`             │ … ${lines.length - FILE_PREVIEW_LINES} more lines`);
        }
        return;
      }
      case 'views.publish':
        this.print(`${time}   ⌂ App Home refreshed for @${String(a.user_id)}`);
        return;
      default:
        return;
    }
  }
}
