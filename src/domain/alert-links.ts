/**
 * The links an alert carries, as an alert note offers them: its runbook, the graph of the query
 * that fired, a dashboard or panel, and the page that silences it. Only absolute http(s) URLs are
 * kept — anything else (`javascript:`, `data:`, a path, a typo) is outside text that must never
 * become a link in Slack. Pure: no I/O.
 */

/** In the order a note shows them: what to do first, then where to look, then how to quiet it. */
export const ALERT_LINK_KINDS = ['runbook', 'graph', 'dashboard', 'panel', 'silence'] as const;
export type AlertLinkKind = (typeof ALERT_LINK_KINDS)[number];
export type AlertLinks = Partial<Record<AlertLinkKind, string>>;

/**
 * Longer URLs are dropped rather than cut (a cut URL leads nowhere): a Slack context element holds
 * 2,000 characters, and one link with its label must fit in one.
 */
export const ALERT_LINK_MAX = 1_500;

/**
 * The URL as WHATWG serialises it when it is an absolute http(s) address with a host and at most
 * ALERT_LINK_MAX long, else null. Serialising percent-encodes spaces, quotes and angle brackets.
 */
export function httpUrl(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  if (!/^https?:\/\//i.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
  return url.href.length <= ALERT_LINK_MAX ? url.href : null;
}

/** The candidates that are http(s) URLs, by kind; empty strings and anything else are left out. */
export function alertLinks(candidates: Partial<Record<AlertLinkKind, unknown>>): AlertLinks {
  const out: AlertLinks = {};
  for (const kind of ALERT_LINK_KINDS) {
    const url = httpUrl(candidates[kind]);
    if (url !== null) out[kind] = url;
  }
  return out;
}

/**
 * Alertmanager's page for a new silence, filled with matchers for every label of the alert, so the
 * silence catches this alert and nothing broader: `<externalURL>/#/silences/new?filter=<matchers>`.
 * Label values are quoted with `"` and `\` escaped, as Alertmanager's matcher syntax wants.
 * Null when `externalURL` is not an http(s) URL, a label cannot be encoded (a lone surrogate), or
 * the result is too long to link.
 */
export function silenceUrl(externalUrl: unknown, labels: Record<string, string>): string | null {
  const external = httpUrl(externalUrl);
  if (external === null) return null;
  // The UI lives at the external URL's path; its own query or fragment would swallow ours.
  const url = new URL(external);
  url.search = '';
  url.hash = '';
  const base = url.href.replace(/\/+$/, '');
  const matchers = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${(labels[k] ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
  let filter: string;
  try {
    filter = encodeURIComponent(`{${matchers}}`);
  } catch {
    return null; // a lone surrogate in a label cannot be percent-encoded: no link beats no alert
  }
  return httpUrl(`${base}/#/silences/new?filter=${filter}`);
}
