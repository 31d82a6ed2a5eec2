/**
 * The root-cause-analysis draft in the runbook's template (根本原因分析テンプレート): overview with
 * the incident time, the impact duration from detection to recovery and the affected users when a
 * metric supplies them; the timeline filled from what was recorded; root cause, prevention and
 * action items left for people. Pure: the caller passes the incident, its events and the zone.
 */
import { systemActorName } from './actors.ts';
import type { NewTimelineEvent } from './timeline.ts';
import type { Action, Actor, Incident, Tier } from './types.ts';
import { epochToZonedParts } from './zoned-time.ts';

/** A timeline line as the draft reads it (the incident is the draft's own). */
export type RcaEvent = NewTimelineEvent;

type Outcome = 'succeeded' | 'failed' | 'aborted';

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
    // The record's own words: the draft has always shown them so in English.
    action: {
      immediate: 'immediate',
      gradual: 'gradual',
      fix: 'fix',
      next_release: 'next_release',
    } satisfies Record<Action, string>,
    severity: { critical: 'critical', warning: 'warning', watch: 'watch' } satisfies Record<Tier, string>,
    outcome: { succeeded: 'succeeded', failed: 'failed', aborted: 'aborted' } satisfies Record<Outcome, string>,
    ev: {
      detected: (title: string, sev: string) => `Detected: ${title} (${sev})`,
      raised: (to: string) => `Severity raised to ${to}`,
      decision: (action: string, who: string) => `Decision: ${action}, by ${who}`,
      rollbackStart: (from: string, to: string, who: string) => `Rollback started ${from} → ${to}, by ${who}`,
      rollbackEnd: (outcome: string) => `Rollback ${outcome}`,
      canaryStart: (from: string, to: string, who: string) =>
        `Fix ${to} re-deployed as a cautious canary (from ${from}), by ${who}`,
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
    action: {
      immediate: '即座ロールバック',
      gradual: '段階的ロールバック',
      fix: '修正を試みる',
      next_release: '次回リリースで修正',
    } satisfies Record<Action, string>,
    severity: { critical: '重大', warning: '警告', watch: '監視強化' } satisfies Record<Tier, string>,
    outcome: { succeeded: '成功', failed: '失敗', aborted: '中止' } satisfies Record<Outcome, string>,
    ev: {
      detected: (title: string, sev: string) => `検知: ${title}（${sev}）`,
      raised: (to: string) => `重大度を ${to} に引き上げ`,
      decision: (action: string, who: string) => `判断: ${action}（${who}）`,
      rollbackStart: (from: string, to: string, who: string) => `ロールバック実施 ${from} → ${to}（${who}）`,
      rollbackEnd: (outcome: string) => `ロールバック${outcome}`,
      canaryStart: (from: string, to: string, who: string) =>
        `修正版 ${to} を慎重なカナリアで再デプロイ（${from} から、${who}）`,
      canaryEnd: (outcome: string) => `カナリア${outcome}`,
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

const who = (a: Actor, locale: RcaInput['locale']) => (a.kind === 'user' ? `@${a.id}` : systemActorName(a.id, locale));

/** The moment recovery was confirmed: the resolution, when there is one. */
function recoveredAt(input: RcaInput): number | null {
  return input.incident.resolvedAt;
}

/** The text of a line the draft shows; null for the lines it leaves out (alerts, postings, …). */
function rowText(e: RcaEvent, locale: RcaInput['locale']): string | null {
  const t = T[locale];
  switch (e.kind) {
    case 'detected':
      return t.ev.detected(e.detail.title, t.severity[e.detail.severity]);
    case 'severity':
      return t.ev.raised(t.severity[e.detail.to]);
    case 'decision':
      return t.ev.decision(t.action[e.detail.action], who(e.actor, locale));
    case 'rollback_started':
      return t.ev.rollbackStart(e.detail.from ?? '?', e.detail.to, who(e.actor, locale));
    case 'rollback_succeeded':
    case 'rollback_failed':
    case 'rollback_aborted':
      return t.ev.rollbackEnd(t.outcome[outcomeOf(e.kind)]);
    case 'canary_started':
      return t.ev.canaryStart(e.detail.from ?? '?', e.detail.to, who(e.actor, locale));
    case 'canary_succeeded':
    case 'canary_failed':
    case 'canary_aborted':
      return t.ev.canaryEnd(t.outcome[outcomeOf(e.kind)]);
    case 'escalation':
      return t.ev.escalation(e.detail.level, e.detail.label);
    case 'ack':
      return t.ev.ack(who(e.actor, locale));
    case 'status':
      return e.to === 'resolved' ? t.ev.recovered(who(e.actor, locale)) : null;
    default:
      return null;
  }
}

function outcomeOf(kind: `${'rollback' | 'canary'}_${Outcome}`): Outcome {
  return kind.endsWith('succeeded') ? 'succeeded' : kind.endsWith('failed') ? 'failed' : 'aborted';
}

export function timelineRows(input: RcaInput): Array<{ at: number; text: string }> {
  const rows: Array<{ at: number; text: string }> = [];
  for (const e of input.events) {
    const text = rowText(e, input.locale);
    if (text !== null) rows.push({ at: e.at, text });
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
    ...timelineRows(input).map(
      (r) => `| ${localTime(r.at, input.timezone, false)} | ${r.text.replace(/\|/g, '\\|')} |`,
    ),
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
