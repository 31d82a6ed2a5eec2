import type { HeaderBlock, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { HOME_LIST_MAX, homeView } from '../../../src/adapters/slack/blocks/home.ts';
import type { HomeData } from '../../../src/adapters/slack/blocks/view-models.ts';
import { interactiveElements, joinedText, limitViolations, makeIncident, makeRollback, M, START } from './support.ts';

const EMPTY: HomeData = { now: START, openIncidents: [], rollbacks: [], nextDrill: null, timezone: 'Asia/Tokyo' };
const PERMALINK = 'https://acme.slack.com/archives/C0INCIDENT/p1767603600000100';

function headers(blocks: readonly KnownBlock[]): string[] {
  return blocks.filter((b): b is HeaderBlock => b.type === 'header').map((b) => b.text.text);
}

describe('homeView', () => {
  it('is a home view with its three sections', () => {
    const view = homeView(EMPTY, 'en');
    expect(view.type).toBe('home');
    expect(headers(view.blocks as KnownBlock[])).toEqual([
      '⏪ Rewind',
      'Open incidents (0)',
      'Rollbacks in progress (0)',
      'Next drill',
    ]);
    expect(interactiveElements(view.blocks)).toEqual([]);
  });

  it('shows a friendly empty state for each section, in both languages', () => {
    const en = joinedText(homeView(EMPTY, 'en').blocks);
    expect(en).toContain('No open incidents. All quiet.');
    expect(en).toContain('No rollback in progress.');
    expect(en).toContain('No drill is scheduled. `/drill schedule` plans one.');
    const ja = joinedText(homeView(EMPTY, 'ja').blocks);
    expect(ja).toContain('対応中のインシデントはありません。');
    expect(ja).toContain('進行中のロールバックはありません。');
    expect(ja).toContain('予定されている訓練はありません。');
    expect(ja).not.toContain('No open incidents');
  });

  it('lists open incidents with marker, id linked to its thread, service, status and elapsed time', () => {
    const data: HomeData = {
      ...EMPTY,
      now: START + 12 * M + 30_000,
      openIncidents: [
        { incident: makeIncident({ severity: 'critical', status: 'rolling_back' }), permalink: PERMALINK },
        {
          incident: makeIncident({ id: 'INC-20260105-002', service: 'search', version: null, drill: true, title: '' }),
          permalink: null,
        },
      ],
    };
    const text = joinedText(homeView(data, 'en').blocks);
    expect(text).toContain(
      `🔴 *<${PERMALINK}|INC-20260105-001>* · prompt-service \`v2.0.0\` · Rolling back · open 12m 30s`,
    );
    expect(text).toContain('🟠 🧪 DRILL · *INC-20260105-002* · search · Awaiting decision');
    expect(text).toContain('Open incidents (2)');
    expect(joinedText(homeView(data, 'ja').blocks)).toContain('ロールバック中 · 経過 12分30秒');
  });

  it('lists rollbacks with strategy, status, split and progress', () => {
    const data: HomeData = {
      ...EMPTY,
      rollbacks: [
        makeRollback(),
        makeRollback({
          id: 'RB-2',
          service: 'search',
          status: 'pending',
          strategy: 'immediate',
          newVersionWeight: 100,
          phase: null,
          phaseCount: null,
          approvals: { have: 1, need: 2, by: ['U1X'] },
        }),
        makeRollback({
          id: 'RB-3',
          service: 'chat',
          status: 'scheduled',
          strategy: 'planned',
          newVersionWeight: null,
          phase: null,
          phaseCount: null,
          scheduledFor: Date.UTC(2026, 0, 5, 13, 0),
        }),
      ],
    };
    const text = joinedText(homeView(data, 'en').blocks);
    expect(text).toContain('*prompt-service* · Gradual rollback · Running');
    expect(text).toContain('v2.0.0 25% / v1.5.0 75% `▓▓▓▓▓▓▓░░░` Phase 2/3');
    expect(text).toContain('*search* · Immediate rollback · Waiting for approval');
    expect(text).toContain('⏳ approvals 1/2');
    expect(text).toContain('*chat* · Planned rollback · Scheduled');
    expect(text).toContain('scheduled for 2026-01-05 (Mon) 22:00 Asia/Tokyo');
    expect(joinedText(homeView(data, 'ja').blocks)).toContain('*prompt-service* · 段階的ロールバック · 実行中');
  });

  it('shows the next drill in the configured time zone with its scenario', () => {
    const at = Date.UTC(2026, 3, 1, 1, 0); // 2026-04-01 10:00 in Tokyo
    const data: HomeData = {
      ...EMPTY,
      now: at - 3 * 86_400_000 - 4 * 3_600_000,
      nextDrill: { at, scenario: 'high-error-rate', service: 'prompt-service-staging' },
    };
    const en = joinedText(homeView(data, 'en').blocks);
    expect(en).toContain('🧯 *2026-04-01 (Wed) 10:00 Asia/Tokyo* (in 3d 04h)');
    expect(en).toContain('Scenario: high-error-rate');
    expect(en).toContain('Service: prompt-service-staging');
    const ja = joinedText(homeView(data, 'ja').blocks);
    expect(ja).toContain('2026-04-01 (水) 10:00 Asia/Tokyo');
    expect(ja).toContain('（あと 3日04時間）');
    expect(ja).toContain('シナリオ: high-error-rate');
    const utc = joinedText(
      homeView({ ...data, timezone: 'UTC', nextDrill: { at, scenario: null, service: null } }, 'en').blocks,
    );
    expect(utc).toContain('2026-04-01 (Wed) 01:00 UTC');
    expect(utc).toContain('Scenario: chosen at drill time');
  });

  it('caps long lists and points at the command that lists everything, within Slack limits', () => {
    const many = Array.from({ length: HOME_LIST_MAX + 5 }, (_, i) => ({
      incident: makeIncident({ id: `INC-20260105-${String(i).padStart(3, '0')}`, title: 't'.repeat(4000) }),
      permalink: null,
    }));
    const rollbacks = Array.from({ length: HOME_LIST_MAX + 2 }, (_, i) =>
      makeRollback({ id: `RB-${i}`, service: `svc-${i}` }),
    );
    const view = homeView({ ...EMPTY, openIncidents: many, rollbacks }, 'en');
    const text = joinedText(view.blocks);
    expect(text).toContain('…and 5 more: `/incident list` lists them all.');
    expect(text).toContain('…and 2 more: `/rollback status` lists them all.');
    expect(text).toContain(`INC-20260105-${String(HOME_LIST_MAX - 1).padStart(3, '0')}`);
    expect(text).not.toContain(`INC-20260105-${String(HOME_LIST_MAX).padStart(3, '0')}`);
    expect(limitViolations(view.blocks, 'view')).toEqual([]);
  });
});
