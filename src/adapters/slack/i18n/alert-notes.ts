/** Strings of the alert notes in an incident's thread (blocks/alert-notes.ts): one alert, or a batch. */
import type { AlertLinkKind } from '../../../domain/alert-links.ts';
import type { Locale } from './locale.ts';

export interface AlertNoteStrings {
  /** `what` is the alert's name and summary (see `named`), or its summary alone. */
  firing: (source: string, severity: string, what: string) => string;
  resolved: (source: string, what: string) => string;
  /** The rule that fired, then what it says. */
  named: (name: string, summary: string) => string;
  batch: (total: number, firing: number, resolved: number) => string;
  more: (more: number) => string;
  /** The labels of the links an alert carries. */
  link: Record<AlertLinkKind, string>;
}

export const ALERT_NOTE_STRINGS: Record<Locale, AlertNoteStrings> = {
  en: {
    firing: (source, severity, what) => `🚨 ${source} alert (${severity}): ${what}`,
    resolved: (source, what) => `✅ ${source} alert resolved: ${what}`,
    named: (name, summary) => `*${name}* — ${summary}`,
    batch: (total, firing, resolved) => `🚨 ${total} alert updates (${firing} firing, ${resolved} resolved):`,
    more: (more) => `…and ${more} more (\`/incident timeline\` lists them all)`,
    link: {
      runbook: 'Runbook',
      graph: 'Source graph',
      dashboard: 'Dashboard',
      panel: 'Panel',
      silence: 'Silence this alert',
    },
  },
  ja: {
    firing: (source, severity, what) => `🚨 ${source} のアラート（${severity}）: ${what}`,
    resolved: (source, what) => `✅ ${source} のアラートが解消しました: ${what}`,
    named: (name, summary) => `*${name}* — ${summary}`,
    batch: (total, firing, resolved) => `🚨 アラートの更新 ${total} 件（発火 ${firing}、解消 ${resolved}）:`,
    more: (more) => `…ほか ${more} 件（すべては \`/incident timeline\` で確認できます）`,
    link: {
      runbook: 'ランブック',
      graph: '元のグラフ',
      dashboard: 'ダッシュボード',
      panel: 'パネル',
      silence: 'このアラートをサイレンス',
    },
  },
};
