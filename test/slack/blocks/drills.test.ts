import type { ActionsBlock, Checkboxes, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  MAX_CHECKBOX_OPTIONS,
  faultText,
  type DrillScenarioView,
} from '../../../src/adapters/slack/blocks/drill-common.ts';
import {
  drillHistoryText,
  drillReportBlocks,
  drillScorecard,
  trendText,
  type DrillScorecardView,
} from '../../../src/adapters/slack/blocks/drill-scorecard.ts';
import {
  drillAnnouncement,
  drillMissed,
  drillPlanText,
  drillStarted,
  type DrillAnnouncementView,
} from '../../../src/adapters/slack/blocks/drills.ts';
import { formatTimeInZone } from '../../../src/adapters/slack/blocks/format.ts';
import { ACTION, BLOCK, drillRateActionId } from '../../../src/adapters/slack/ids.ts';
import { DRILL_EXECUTION, DRILL_PREPARATION, DRILL_REVIEW } from '../../../src/domain/drill-checklists.ts';
import { scoreDrill, trend, type DrillTimes, type Scorecard } from '../../../src/domain/drills.ts';
import { actionIds, blockById, buttonByAction, buttons, joinedText, limitViolations } from './support.ts';

const S = 1000;
const M = 60 * S;
const AT = Date.UTC(2026, 3, 1, 1, 0, 0);
const ID = 'DRILL-20260401-001';

const ERRORS: DrillScenarioView = {
  name: 'high-error-rate',
  title: '高エラー率シミュレーション',
  trigger: 'inject_errors',
  expectedResponseMs: 5 * M,
  errorRate: 0.2,
};
const LATENCY: DrillScenarioView = {
  name: 'latency-spike',
  title: 'レイテンシスパイク',
  trigger: 'inject_latency',
  expectedResponseMs: 10 * M,
  latencyMs: 12000,
};
const PARTIAL: DrillScenarioView = {
  name: 'partial-outage',
  title: '部分障害',
  trigger: 'partial_outage',
  expectedResponseMs: 15 * M,
  errorRate: 1,
  share: 0.3,
};

/** Detection 1m 30s, decision 2m, execution 1m, total 4m 35s. */
const GOOD: DrillTimes = {
  injectedAt: AT,
  detectedAt: AT + 90 * S,
  postedAt: AT + 95 * S,
  decidedAt: AT + 95 * S + 2 * M,
  verifiedAt: AT + 95 * S + 3 * M,
};

function checkboxes(blocks: readonly KnownBlock[], blockId: string): Checkboxes {
  const block = blockById(blocks, blockId, 'actions') as ActionsBlock | undefined;
  expect(block, `actions block ${blockId}`).toBeDefined();
  expect(block?.elements).toHaveLength(1);
  return block?.elements[0] as Checkboxes;
}

function announcement(overrides: Partial<DrillAnnouncementView> = {}): DrillAnnouncementView {
  return {
    drillId: ID,
    scenario: ERRORS,
    service: 'prompt-service-staging',
    at: AT,
    roles: { approvers: ['S0SRE', 'U0LEAD'], escalation: ['S0SENIOR'] },
    checked: [],
    reminder: false,
    ...overrides,
  };
}

function scorecardView(
  scorecard: Scorecard,
  previous: Scorecard[] = [],
  overrides: Partial<DrillScorecardView> = {},
): DrillScorecardView {
  const earlier = previous.map((c, i) => ({
    id: `DRILL-2025-${i}`,
    at: AT - (previous.length - i) * 90 * 24 * 60 * M,
    scorecard: c,
  }));
  return {
    drillId: ID,
    scenario: ERRORS,
    service: 'prompt-service-staging',
    incidentId: 'INC-20260401-001',
    scorecard,
    trend: trend(scorecard, earlier),
    reviewChecked: [],
    faultRemoved: {
      removed: true,
      note: { kind: 'fault_removed', target: 'VirtualService prompt-service-staging', field: 'spec.http[0].fault' },
    },
    ...overrides,
  };
}

describe('drill checklists fit Slack', () => {
  it('keeps each checklist within one checkboxes element', () => {
    for (const list of [DRILL_PREPARATION, DRILL_REVIEW]) expect(list.length).toBeLessThanOrEqual(MAX_CHECKBOX_OPTIONS);
  });
});

describe('faultText', () => {
  it('says what each scenario injects, with its numbers', () => {
    expect(faultText(ERRORS, 'en')).toBe('20% of requests fail with HTTP 5xx errors');
    expect(faultText(LATENCY, 'en')).toBe('12s of added latency on every request');
    expect(faultText({ ...LATENCY, latencyMs: 750 }, 'en')).toBe('750ms of added latency on every request');
    expect(faultText({ ...LATENCY, latencyMs: 1500 }, 'ja')).toBe('各リクエストに 1.5秒 の遅延を追加します');
    expect(faultText(PARTIAL, 'en')).toBe('30% of the traffic is affected, 100% of it failing');
    expect(faultText(PARTIAL, 'ja')).toBe('トラフィックの 30% に影響し、その 100% が失敗します');
    expect(faultText({ ...ERRORS, errorRate: null }, 'en')).toBe('requests fail with HTTP 5xx errors');
    expect(faultText({ ...ERRORS, trigger: 'drop<table>' }, 'en')).toBe('the `drop&lt;table&gt;` fault');
  });
});

describe('drillAnnouncement', () => {
  it('announces scenario, service, time, fault, expected response and roles, with the preparation checklist', () => {
    const { text, blocks } = drillAnnouncement(
      announcement({ checked: ['prep.notify', 'prep.channels'] }),
      'en',
      'Asia/Tokyo',
    );
    expect(text).toBe(
      '🧪 *Rollback drill* planned: *高エラー率シミュレーション* on *prompt-service-staging*, 2026-04-01 (Wed) 10:00 Asia/Tokyo',
    );
    const all = joinedText(blocks);
    expect(all).toContain('*What will be injected*: 20% of requests fail with HTTP 5xx errors.');
    expect(all).toContain('*Expected response*: the rollback verified within 5m 00s of the fault.');
    expect(all).toContain('*Approvers* (decide and run the rollback): <!subteam^S0SRE>, <@U0LEAD>');
    expect(all).toContain('*Escalation contacts*: <!subteam^S0SENIOR>');
    expect(all).toContain(`Drill ${ID}`);
    const box = checkboxes(blocks, `${BLOCK.drillPrep}:${ID}`);
    expect(box.action_id).toBe(ACTION.drillPrep);
    expect(box.options.map((o) => [o.value, o.text.text])).toEqual([
      ['prep.scenario', 'Choose the drill scenario'],
      ['prep.notify', 'Notify everyone involved in advance'],
      ['prep.dashboard', 'Prepare the monitoring dashboard'],
      ['prep.channels', 'Check the communication channels'],
    ]);
    expect(box.initial_options?.map((o) => o.value)).toEqual(['prep.notify', 'prep.channels']);
    // Slack requires the initial options to be the options themselves.
    expect(box.initial_options?.[0]).toBe(box.options[1]);
    expect(actionIds(blocks)).toEqual([ACTION.drillPrep]);
    expect(limitViolations(blocks, 'message')).toEqual([]);
  });

  it('leaves initial_options out when nothing is ticked, and ignores keys it does not know', () => {
    const box = checkboxes(
      drillAnnouncement(announcement({ checked: ['review.next', 'nope'] }), 'en', 'Asia/Tokyo').blocks,
      `${BLOCK.drillPrep}:${ID}`,
    );
    expect(box.initial_options).toBeUndefined();
  });

  it('says "today" on the drill-day reminder', () => {
    expect(drillAnnouncement(announcement({ reminder: true }), 'en', 'Asia/Tokyo').text).toBe(
      `🧪 *Rollback drill today*: *高エラー率シミュレーション* on *prompt-service-staging* at ` +
        `${formatTimeInZone(AT, 'Asia/Tokyo', 'en')}`,
    );
    expect(drillAnnouncement(announcement({ reminder: true }), 'ja', 'Asia/Tokyo').text).toContain(
      '本日ロールバック訓練を行います',
    );
  });

  it('renders in Japanese with the runbook items, and says so when a role has nobody', () => {
    const { text, blocks } = drillAnnouncement(
      announcement({ roles: { approvers: ['U0LEAD'], escalation: [] } }),
      'ja',
      'Asia/Tokyo',
    );
    expect(text).toBe(
      `🧪 *ロールバック訓練* の予定: *prompt-service-staging* で *高エラー率シミュレーション*（${formatTimeInZone(AT, 'Asia/Tokyo', 'ja')}）`,
    );
    const all = joinedText(blocks);
    expect(all).toContain('*注入する障害*: リクエストの 20% が HTTP 5xx エラーになります。');
    expect(all).toContain('障害注入から 5分00秒 以内');
    expect(all).toContain('*エスカレーション先*: —（設定なし）');
    expect(checkboxes(blocks, `${BLOCK.drillPrep}:${ID}`).options.map((o) => o.text.text)).toEqual(
      DRILL_PREPARATION.map((i) => i.ja),
    );
    expect(limitViolations(blocks, 'message')).toEqual([]);
  });

  it('escapes text from the config', () => {
    const all = joinedText(
      drillAnnouncement(announcement({ scenario: { ...ERRORS, title: '<!channel> & co' } }), 'en', 'Asia/Tokyo').blocks,
    );
    expect(all).toContain('*&lt;!channel&gt; &amp; co*');
    expect(all).not.toContain('<!channel>');
  });
});

describe('drillStarted', () => {
  it('says what was injected where, what Rewind records, when the fault goes, and offers Abort', () => {
    for (const locale of ['en', 'ja'] as const) {
      const { text, blocks } = drillStarted(
        {
          drillId: ID,
          scenario: LATENCY,
          service: 'prompt-service-staging',
          version: 'v2.0.0',
          injector: 'istio-fault',
          maxDurationMs: 30 * M,
        },
        locale,
      );
      const all = joinedText(blocks);
      for (const item of DRILL_EXECUTION) expect(all).toContain(`• ${item[locale]}`);
      const abort = buttonByAction(blocks, ACTION.drillAbort);
      expect(abort?.value).toBe(ID);
      expect(abort?.style).toBe('danger');
      expect(abort?.confirm).toBeDefined();
      expect(actionIds(blocks)).toEqual([ACTION.drillAbort]);
      expect(limitViolations(blocks, 'message')).toEqual([]);
      if (locale === 'en') {
        expect(text).toBe(`🧪 Drill ${ID} started: *レイテンシスパイク* on *prompt-service-staging* \`v2.0.0\`.`);
        expect(all).toContain('Injected through `istio-fault`: 12s of added latency on every request.');
        expect(all).toContain('or after 30m 00s at the latest.');
      } else {
        expect(text).toBe(
          `🧪 訓練 ${ID} を開始しました: *prompt-service-staging* \`v2.0.0\` で *レイテンシスパイク*。`,
        );
        expect(all).toContain('遅くとも 30分00秒 後に取り除かれます。');
      }
    }
  });
});

describe('drillMissed', () => {
  it('says the drill was due while Rewind was down, was not run late, and how to run it', () => {
    const { text, blocks } = drillMissed(
      { drillId: ID, scenario: { name: 'high-error-rate', title: '高エラー率シミュレーション' }, at: AT },
      'en',
      'Asia/Tokyo',
    );
    expect(text).toBe(
      `⏭ Drill ${ID} (*高エラー率シミュレーション*) was due ${formatTimeInZone(AT, 'Asia/Tokyo', 'en')} while Rewind was not ` +
        `running. It was not run late: run it with \`/drill run high-error-rate\`, or wait for the next scheduled one.`,
    );
    expect(joinedText(blocks)).toBe(text);
    expect(
      drillMissed({ drillId: ID, scenario: { name: 'high-error-rate', title: 'x' }, at: AT }, 'ja', 'Asia/Tokyo').text,
    ).toContain('`/drill run high-error-rate` で実施するか');
  });
});

describe('trendText', () => {
  const earlier = (values: Array<number | null>) => ({
    previous: values.map((value, i) => ({ id: `D${i}`, at: i, value })),
    direction: 'better' as const,
  });

  it('chains earlier values to this one with an arrow that follows the value', () => {
    expect(trendText('detection', 185 * S, earlier([250 * S]), 'en')).toBe('Trend: 4m 10s → 3m 05s ↓ better');
    expect(trendText('detection', 300 * S, { ...earlier([250 * S]), direction: 'worse' }, 'en')).toBe(
      'Trend: 4m 10s → 5m 00s ↑ worse',
    );
    expect(trendText('detection', 250 * S, { ...earlier([250 * S]), direction: 'same' }, 'ja')).toBe(
      '推移: 4分10秒 → 4分10秒 = 横ばい',
    );
    expect(trendText('communication', 4.5, earlier([3, 4]), 'en')).toBe('Trend: 3.0 → 4.0 → 4.5 ↑ better');
    expect(trendText('communication', 3, { ...earlier([4]), direction: 'worse' }, 'en')).toBe(
      'Trend: 4.0 → 3.0 ↓ worse',
    );
  });

  it(
    'shows missing values as a dash, a step not reached as worse without an arrow, and no verdict while nobody ' +
      'rated',
    () => {
      expect(trendText('decision', null, { ...earlier([null, 2 * M]), direction: 'worse' }, 'en')).toBe(
        'Trend: — → 2m 00s → — worse',
      );
      expect(trendText('detection', M, { ...earlier([null]), direction: 'first' }, 'en')).toBe(
        'Trend: — → 1m 00s (first measurement)',
      );
      expect(trendText('communication', null, { ...earlier([4]), direction: 'worse' }, 'en')).toBe('Trend: 4.0 → —');
    },
  );

  it('is nothing at all for the first drill', () => {
    expect(trendText('total', M, { previous: [], direction: 'first' }, 'en')).toBeNull();
  });
});

describe('drillScorecard', () => {
  const previous = scoreDrill({ ...GOOD, detectedAt: AT + 250 * S }, 5 * M, [3]);

  it('shows each measure with time, target, mark and trend, and the verdict', () => {
    const card = scoreDrill(GOOD, 5 * M, [4, 5]);
    const { text, blocks } = drillScorecard(scorecardView(card, [previous]), 'en');
    expect(text).toBe(`🧪 Drill ${ID} scorecard (高エラー率シミュレーション): passed`);
    const all = joinedText(blocks);
    expect(all).toContain(`🧪 *Drill scorecard* · ${ID} · *高エラー率シミュレーション* on *prompt-service-staging*`);
    expect(all).toContain('Drill incident: INC-20260401-001');
    expect(all).toContain('✅ *Passed*: every step within the expected response of 5m 00s.');
    expect(all).toContain(
      '*Detection* (fault injected → incident opened)\n1m 30s · target 5m 00s · ✅ pass\nTrend: 4m 10s → 1m 30s ↓ ' +
        'better',
    );
    expect(all).toContain(
      '*Decision* (incident posted → rollback chosen)\n2m 00s · target 5m 00s · ✅ pass\nTrend: 2m 00s → 2m 00s = same',
    );
    expect(all).toContain(
      '*Rollback execution* (rollback chosen → rollback verified)\n1m 00s · target 5m 00s · ✅ pass',
    );
    expect(all).toContain('*Total* (fault injected → rollback verified)\n4m 35s · target 5m 00s · ✅ pass');
    expect(all).toContain('*Communication*: 4.5 / 5 (2 ratings)\nTrend: 3.0 → 4.5 ↑ better');
    expect(all).toContain(
      "🧹 Fault removed: removed the drill's fault from VirtualService prompt-service-staging spec.http[0].fault",
    );
    expect(all).not.toContain('First scored drill');
    expect(limitViolations(blocks, 'message')).toEqual([]);
  });

  it('marks a missed target and an unreached step, and names them in the verdict', () => {
    const card = scoreDrill(
      { ...GOOD, detectedAt: AT + 6 * M, postedAt: AT + 6 * M, decidedAt: null, verifiedAt: null },
      5 * M,
      [],
    );
    const { text, blocks } = drillScorecard(
      scorecardView(card, [], {
        incidentId: null,
        faultRemoved: { removed: false, note: { kind: 'recorded', text: 'already gone' } },
      }),
      'en',
    );
    expect(text).toBe(`🧪 Drill ${ID} scorecard (高エラー率シミュレーション): not passed`);
    const all = joinedText(blocks);
    expect(all).toContain('6m 00s · target 5m 00s · ❌ missed');
    expect(all).toContain('*Decision* (incident posted → rollback chosen)\n— · target 5m 00s · ⏹ not reached');
    expect(all).toContain(
      '❌ *Not passed* (expected response 5m 00s): Detection ❌ missed, Decision ⏹ not reached, Rollback execution ⏹ ' +
        'not reached, Total ⏹ not reached.',
    );
    expect(all).toContain('*Communication*: no ratings yet');
    expect(all).toContain('No drill incident was opened.');
    expect(all).toContain('First scored drill: trends start with the next one.');
    expect(all).toContain('ℹ️ No fault of ours was left to remove: already gone');
    expect(all).not.toContain('Trend:');
    expect(all).toContain(
      '✅ Start the fault simulation\n✅ Record the detection time\n⬜ Record the rollback decision\n⬜ Record the ' +
        'execution time\n⬜ Rate the communication',
    );
  });

  it('offers rating buttons 1–5 carrying the drill id and the review checklist', () => {
    const card = scoreDrill(GOOD, 5 * M, []);
    const { blocks } = drillScorecard(scorecardView(card, [], { reviewChecked: ['review.runbook'] }), 'en');
    const rate = blockById(blocks, `${BLOCK.drillRate}:${ID}`, 'actions');
    expect(rate?.elements.map((e) => [e.action_id, (e as { value?: string }).value])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [drillRateActionId(n), `${ID}:${n}`]),
    );
    expect(buttons(blocks).map((b) => b.text.text)).toEqual(['1 ⭐', '2 ⭐', '3 ⭐', '4 ⭐', '5 ⭐']);
    const review = checkboxes(blocks, `${BLOCK.drillReview}:${ID}`);
    expect(review.action_id).toBe(ACTION.drillReview);
    expect(review.options.map((o) => o.value)).toEqual([
      'review.targets',
      'review.improvements',
      'review.runbook',
      'review.next',
    ]);
    expect(review.initial_options?.map((o) => o.value)).toEqual(['review.runbook']);
    expect(actionIds(blocks)).toEqual([...[1, 2, 3, 4, 5].map(drillRateActionId), ACTION.drillReview]);
  });

  it('renders in Japanese', () => {
    const card = scoreDrill({ ...GOOD, verifiedAt: AT + 7 * M }, 5 * M, [2]);
    const { text, blocks } = drillScorecard(scorecardView(card, [previous]), 'ja');
    expect(text).toBe(`🧪 訓練 ${ID} のスコアカード（高エラー率シミュレーション）: 不合格`);
    const all = joinedText(blocks);
    expect(all).toContain(
      '*検知時間*（障害注入 → インシデント作成）\n1分30秒 · 目標 5分00秒 · ✅ 達成\n推移: 4分10秒 → 1分30秒 ↓ 改善',
    );
    expect(all).toContain(
      '*合計*（障害注入 → ロールバック検証完了）\n7分00秒 · 目標 5分00秒 · ❌ 未達\n推移: 4分35秒 → 7分00秒 ↑ 悪化',
    );
    expect(all).toContain('*コミュニケーション品質*: 2.0 / 5（1 件の評価）\n推移: 3.0 → 2.0 ↓ 悪化');
    expect(checkboxes(blocks, `${BLOCK.drillReview}:${ID}`).options.map((o) => o.text.text)).toEqual(
      DRILL_REVIEW.map((i) => i.ja),
    );
    expect(limitViolations(blocks, 'message')).toEqual([]);
  });
});

describe('drillReportBlocks', () => {
  it('shows the scorecard sections with nothing to press, the review state as text', () => {
    const card = scoreDrill(GOOD, 5 * M, [4]);
    const { text, blocks } = drillReportBlocks(
      {
        drillId: ID,
        scenario: ERRORS,
        service: 'prompt-service-staging',
        status: 'completed',
        at: AT,
        incidentId: 'INC-20260401-001',
        scorecard: card,
        trend: trend(card, []),
        reviewChecked: ['review.targets'],
        faultRemoved: null,
      },
      'en',
      'Asia/Tokyo',
    );
    expect(text).toBe(
      `🧪 *Drill ${ID}* · *高エラー率シミュレーション* on *prompt-service-staging* · completed · ` +
        `${formatTimeInZone(AT, 'Asia/Tokyo', 'en')}`,
    );
    expect(actionIds(blocks)).toEqual([]);
    const all = joinedText(blocks);
    expect(all).toContain('1m 30s · target 5m 00s · ✅ pass');
    expect(all).toContain('*Communication*: 4.0 / 5 (1 rating)');
    expect(all).toContain(
      '*Review* (runbook):\n✅ Compare with the target times\n⬜ Identify improvements\n⬜ Update the runbook\n⬜ Plan ' +
        'the next drill',
    );
    expect(all).not.toContain('Fault removed');
    expect(limitViolations(blocks, 'message')).toEqual([]);
  });

  it('says there is no scorecard for a drill that was not scored', () => {
    const { blocks } = drillReportBlocks(
      {
        drillId: ID,
        scenario: ERRORS,
        service: null,
        status: 'aborted',
        at: AT,
        incidentId: null,
        scorecard: null,
        trend: null,
        reviewChecked: [],
        faultRemoved: null,
      },
      'ja',
      'Asia/Tokyo',
    );
    expect(joinedText(blocks)).toBe(
      `🧪 *訓練 ${ID}* · *サービス未定* で *高エラー率シミュレーション* · 中止 · ${formatTimeInZone(AT, 'Asia/Tokyo', 'ja')}\n` +
        `この訓練にはスコアカードがありません（状態: 中止）。`,
    );
  });
});

describe('drillHistoryText', () => {
  const passed = scoreDrill(GOOD, 5 * M, []);
  const slow = scoreDrill({ ...GOOD, verifiedAt: AT + 6 * M }, 5 * M, []);
  const unfinished = scoreDrill({ ...GOOD, verifiedAt: null }, 5 * M, []);

  it('lists drills newest first, one line each, with verdict and total', () => {
    const text = drillHistoryText(
      [
        {
          id: 'DRILL-20260101-001',
          scenario: 'high-error-rate',
          service: 'prompt-service-staging',
          status: 'completed',
          at: AT - 90 * 24 * 60 * M,
          scorecard: slow,
        },
        {
          id: 'DRILL-20260401-001',
          scenario: 'latency-spike',
          service: 'prompt-service-staging',
          status: 'completed',
          at: AT,
          scorecard: passed,
        },
        {
          id: 'DRILL-20260701-001',
          scenario: 'partial-outage',
          service: null,
          status: 'scheduled',
          at: AT + 91 * 24 * 60 * M,
          scorecard: null,
        },
        {
          id: 'DRILL-20251001-001',
          scenario: 'high-error-rate',
          service: 'prompt-service-staging',
          status: 'aborted',
          at: AT - 182 * 24 * 60 * M,
          scorecard: unfinished,
        },
      ],
      'en',
      'Asia/Tokyo',
    );
    expect(text.split('\n')).toEqual([
      '🧪 *Drills* (newest first, 4):',
      `• *DRILL-20260701-001* · ${formatTimeInZone(AT + 91 * 24 * 60 * M, 'Asia/Tokyo', 'en')} · partial-outage · ` +
        `service not chosen yet · scheduled`,
      `• *DRILL-20260401-001* · ${formatTimeInZone(AT, 'Asia/Tokyo', 'en')} · latency-spike · prompt-service-staging ` +
        `· completed · ✅ passed (total 4m 35s / target 5m 00s)`,
      `• *DRILL-20260101-001* · ${formatTimeInZone(AT - 90 * 24 * 60 * M, 'Asia/Tokyo', 'en')} · high-error-rate · ` +
        `prompt-service-staging · completed · ❌ not passed (total 6m 00s / target 5m 00s)`,
      `• *DRILL-20251001-001* · ${formatTimeInZone(AT - 182 * 24 * 60 * M, 'Asia/Tokyo', 'en')} · high-error-rate · ` +
        `prompt-service-staging · aborted · ❌ not passed (rollback not verified)`,
    ]);
  });

  it('says there are no drills yet and how to run one', () => {
    expect(drillHistoryText([], 'en', 'Asia/Tokyo')).toBe(
      'No drills yet. Run one with `/drill run <scenario>` (add `--dry-run` to see what it would do first), or see ' +
        'when the next one is due with `/drill schedule`.',
    );
    expect(drillHistoryText([], 'ja', 'Asia/Tokyo')).toContain('まだ訓練の記録はありません。`/drill run <scenario>`');
  });

  it('keeps whole lines within one section and counts the rest', () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({
      id: `DRILL-2026-${String(i).padStart(3, '0')}`,
      scenario: 'high-error-rate',
      service: 'prompt-service-staging',
      status: 'completed',
      at: AT - i * M,
      scorecard: passed,
    }));
    const lines = drillHistoryText(rows, 'ja', 'Asia/Tokyo').split('\n');
    expect(lines.join('\n').length).toBeLessThanOrEqual(3000);
    const shown = lines.filter((l) => l.startsWith('• '));
    expect(shown[0]).toContain('DRILL-2026-000');
    expect(shown.every((l) => l.endsWith('（合計 4分35秒 / 目標 5分00秒）'))).toBe(true);
    expect(lines.at(-1)).toBe(`…ほか ${60 - shown.length} 件`);
  });

  it('shows a status it does not know as given, escaped', () => {
    expect(
      drillHistoryText(
        [{ id: 'D1', scenario: 's', service: 'x', status: '<odd>', at: AT, scorecard: null }],
        'en',
        'Asia/Tokyo',
      ),
    ).toContain('· x · &lt;odd&gt;');
    expect(
      drillHistoryText(
        [{ id: 'D1', scenario: 's', service: 'x', status: 'toString', at: AT, scorecard: null }],
        'en',
        'Asia/Tokyo',
      ),
    ).toContain('· x · toString');
  });
});

describe('drillPlanText', () => {
  it('says what would happen and that nothing was changed', () => {
    const lines = ['PATCH VirtualService prompts/prompt-service-staging: abort 20% with HTTP 503 on subset v2-0-0'];
    expect(
      drillPlanText(
        {
          scenario: ERRORS,
          service: 'prompt-service-staging',
          version: 'v2.0.0',
          injector: 'istio-fault',
          lines,
          maxDurationMs: 30 * M,
        },
        'en',
      ),
    ).toBe(
      [
        '🧪 *Dry run* of *高エラー率シミュレーション* (`high-error-rate`) on *prompt-service-staging* `v2.0.0` through the ' +
          '`istio-fault` injector. This is what would happen; nothing was changed:',
        '• PATCH VirtualService prompts/prompt-service-staging: abort 20% with HTTP 503 on subset v2-0-0',
        'Fault: 20% of requests fail with HTTP 5xx errors.',
        'Expected response: the rollback verified within 5m 00s of the fault.',
        'The fault would be removed once the rollback has switched traffic, when the drill is aborted, or after 30m ' +
          '00s at the latest.',
      ].join('\n'),
    );
  });

  it('renders in Japanese, says when the injector changes nothing, and keeps the tail when lines overflow', () => {
    const ja = drillPlanText(
      {
        scenario: PARTIAL,
        service: 'prompt-service-staging',
        version: null,
        injector: 'simulated',
        lines: [],
        maxDurationMs: 30 * M,
      },
      'ja',
    );
    expect(ja).toContain('*prompt-service-staging* 現行バージョン での *部分障害*（`partial-outage`）の *ドライラン*');
    expect(ja).toContain('何も変更していません');
    expect(ja).toContain('•（このシナリオではインジェクターによる変更はありません）');
    expect(ja).toContain('障害: トラフィックの 30% に影響し、その 100% が失敗します。');
    const many = drillPlanText(
      {
        scenario: ERRORS,
        service: 's',
        version: 'v1',
        injector: 'http',
        lines: Array.from({ length: 200 }, (_, i) => `POST /admin/fault step ${i} <x>`),
        maxDurationMs: M,
      },
      'en',
    );
    expect(many.length).toBeLessThanOrEqual(3000);
    expect(many).toContain('• POST /admin/fault step 0 &lt;x&gt;');
    expect(many).toMatch(/\n…and \d+ more\.\nFault: /);
    expect(many.endsWith('or after 1m 00s at the latest.')).toBe(true);
  });
});
