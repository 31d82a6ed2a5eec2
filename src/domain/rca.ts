/**
 * The root-cause-analysis draft in the runbook's template (根本原因分析テンプレート): overview with
 * the incident time, the impact duration from detection to recovery and the affected users when a
 * metric supplies them; the timeline filled from what was recorded; root cause, prevention and
 * action items left for people. Pure: the caller passes the incident, its events and the zone.
 */
import type { Actor, Incident, IncidentStatus } from './types.ts';
import { epochToZonedParts } from './zoned-time.ts';

export interface RcaEvent {
  at: number;
  kind: string;
  actor: Actor;
  from?: IncidentStatus | undefined;
  to?: IncidentStatus | undefined;
  detail: Record<string, unknown>;
}

export interface RcaInput {
  incident: Incident;
  events: RcaEvent[];
  timezone: string;
  locale: 'en' | 'ja';
  /** Affected users, when a metric supplies the number. */
  affectedUsers: number | null;
}

const T = {
  en: {
    title: (id: string) => `# Root cause analysis — ${id} (draft)`,
    drill: '> This incident was a rollback drill.',
    overview: '## Overview',
    when: 'Incident time',
    duration: 'Impact duration',
    minutes: (m: number) => `${m} minutes (detection to recovery)`,
    ongoing: 'not recovered yet',
    scope: 'Affected users',
    scopeUnknown: 'XX users (no metric supplies this: fill in)',
    service: 'Service',
    timeline: '## Timeline',
    head: '| Time | Event |',
    rootCause: '## Root cause',
    rootCauseBody: '[Detailed cause analysis]',
    prevention: '## Prevention',
    actions: '## Action items',
    actionItem: '- [ ] [Owner] [Task] [Due]',
    ev: {
      deploy: (v: string) => `New version ${v} deployed`,
      detected: (title: string, sev: string) => `Detected: ${title} (${sev})`,
      raised: (to: string) => `Severity raised to ${to}`,
      decision: (action: string, who: string) => `Decision: ${action}, by ${who}`,
      rollbackStart: (from: string, to: string, who: string) => `Rollback started ${from} → ${to}, by ${who}`,
      rollbackEnd: (outcome: string) => `Rollback ${outcome}`,
      canaryStart: (from: string, to: string, who: string) => `Fix ${to} re-deployed as a cautious canary (from ${from}), by ${who}`,
      canaryEnd: (outcome: string) => `Canary ${outcome}`,
      escalation: (level: number, label: string) => `Escalated to level ${level} (${label})`,
      ack: (who: string) => `Acknowledged by ${who}`,
      recovered: (who: string) => `Recovery confirmed, resolved by ${who}`,
    },
  },
  ja: {
    title: (id: string) => `# 根本原因分析 — ${id}（下書き）`,
    drill: '> このインシデントはロールバック訓練です。',
    overview: '## 概要',
    when: 'インシデント日時',
    duration: '影響時間',
    minutes: (m: number) => `${m}分（検知から復旧まで）`,
    ongoing: 'まだ復旧していません',
    scope: '影響範囲',
    scopeUnknown: 'XXユーザー（メトリクスから取得できないため記入してください）',
    service: 'サービス',
    timeline: '## タイムライン',
    head: '| 時刻 | イベント |',
    rootCause: '## 根本原因',
    rootCauseBody: '[詳細な原因分析]',
    prevention: '## 再発防止策',
    actions: '## アクションアイテム',
    actionItem: '- [ ] [担当者] [タスク] [期限]',
    ev: {
      deploy: (v: string) => `新バージョン ${v} デプロイ`,
      detected: (title: string, sev: string) => `検知: ${title}（${sev}）`,
      raised: (to: string) => `重大度を ${to} に引き上げ`,
      decision: (action: string, who: string) => `判断: ${action}（${who}）`,
      rollbackStart: (from: string, to: string, who: string) => `ロールバック実施 ${from} → ${to}（${who}）`,
      rollbackEnd: (outcome: string) => `ロールバック ${outcome}`,
      canaryStart: (from: string, to: string, who: string) => `修正版 ${to} を慎重なカナリアで再デプロイ（${from} から、${who}）`,
      canaryEnd: (outcome: string) => `カナリア ${outcome}`,
      escalation: (level: number, label: string) => `エスカレーション レベル ${level}（${label}）`,
      ack: (who: string) => `${who} が確認`,
      recovered: (who: string) => `正常復旧確認（${who} が解決）`,
    },
  },
} as const;

function localTime(at: number, timezone: string, withDate: boolean): string {
  const p = epochToZonedParts(at, timezone);
  const two = (n: number) => String(n).padStart(2, '0');
  const hm = `${two(p.hour)}:${two(p.minute)}`;
  return withDate ? `${String(p.year).padStart(4, '0')}-${two(p.month)}-${two(p.day)} ${hm}` : hm;
}

const who = (a: Actor) => (a.kind === 'user' ? `@${a.id}` : a.id);

/** The moment recovery was confirmed: the resolution, when there is one. */
function recoveredAt(input: RcaInput): number | null {
  return input.incident.resolvedAt;
}

export function timelineRows(input: RcaInput): Array<{ at: number; text: string }> {
  const t = T[input.locale].ev;
  const rows: Array<{ at: number; text: string }> = [];
  for (const e of input.events) {
    const d = e.detail;
    if (e.kind === 'deploy') rows.push({ at: e.at, text: t.deploy(String(d.version ?? '?')) });
    else if (e.kind === 'detected') rows.push({ at: e.at, text: t.detected(String(d.title ?? ''), String(d.severity ?? '')) });
    else if (e.kind === 'severity') rows.push({ at: e.at, text: t.raised(String(d.to ?? '')) });
    else if (e.kind === 'decision') rows.push({ at: e.at, text: t.decision(String(d.action ?? ''), who(e.actor)) });
    else if (e.kind === 'rollback_started') rows.push({ at: e.at, text: t.rollbackStart(String(d.from ?? '?'), String(d.to ?? '?'), who(e.actor)) });
    else if (e.kind === 'rollback_succeeded' || e.kind === 'rollback_failed' || e.kind === 'rollback_aborted') rows.push({ at: e.at, text: t.rollbackEnd(e.kind.replace('rollback_', '')) });
    else if (e.kind === 'canary_started') rows.push({ at: e.at, text: t.canaryStart(String(d.from ?? '?'), String(d.to ?? '?'), who(e.actor)) });
    else if (e.kind === 'canary_succeeded' || e.kind === 'canary_failed' || e.kind === 'canary_aborted') rows.push({ at: e.at, text: t.canaryEnd(e.kind.replace('canary_', '')) });
    else if (e.kind === 'escalation') rows.push({ at: e.at, text: t.escalation(Number(d.level ?? 0), String(d.label ?? '')) });
    else if (e.kind === 'ack') rows.push({ at: e.at, text: t.ack(who(e.actor)) });
    else if (e.kind === 'status' && e.to === 'resolved') rows.push({ at: e.at, text: t.recovered(who(e.actor)) });
  }
  return rows.sort((a, b) => a.at - b.at);
}

export function rcaMarkdown(input: RcaInput): string {
  const t = T[input.locale];
  const { incident } = input;
  const end = recoveredAt(input);
  const minutes = end === null ? null : Math.round((end - incident.startedAt) / 60_000);
  const lines = [
    t.title(incident.id),
    ...(incident.drill ? ['', t.drill] : []),
    '',
    t.overview,
    `- ${t.when}: ${localTime(incident.startedAt, input.timezone, true)} (${input.timezone})`,
    `- ${t.duration}: ${minutes === null ? t.ongoing : t.minutes(minutes)}`,
    `- ${t.scope}: ${input.affectedUsers === null ? t.scopeUnknown : String(input.affectedUsers)}`,
    `- ${t.service}: ${incident.service}${incident.version ? ` ${incident.version}` : ''}`,
    '',
    t.timeline,
    t.head,
    '|------|---------|',
    ...timelineRows(input).map((r) => `| ${localTime(r.at, input.timezone, false)} | ${r.text.replace(/\|/g, '\\|')} |`),
    '',
    t.rootCause,
    t.rootCauseBody,
    '',
    t.prevention,
    '1. [1]',
    '2. [2]',
    '3. [3]',
    '',
    t.actions,
    t.actionItem,
    '',
  ];
  return lines.join('\n');
}
