import { describe, expect, it } from 'vitest';
import { DRILL_EXECUTION, DRILL_PREPARATION, DRILL_REVIEW } from '../../src/domain/drill-checklists.ts';
import {
  executionRecorded,
  measureValue,
  scoreDrill,
  trend,
  type DrillTimes,
  type PreviousDrill,
  type Scorecard,
} from '../../src/domain/drills.ts';

const S = 1000;
const M = 60 * S;
const T0 = Date.UTC(2026, 3, 1, 1, 0, 0);
/** The runbook's 高エラー率シミュレーション: expected response < 5 minutes. */
const FIVE_MINUTES = 5 * M;

/** Injected at T0, detected 1m 30s later, posted 5 s after that, decided 2m later, verified 1m later. */
const FULL: DrillTimes = {
  injectedAt: T0,
  detectedAt: T0 + 90 * S,
  postedAt: T0 + 95 * S,
  decidedAt: T0 + 95 * S + 2 * M,
  verifiedAt: T0 + 95 * S + 3 * M,
};

describe('drill checklists', () => {
  it('are the runbook checklist, in order, with unique keys', () => {
    expect(DRILL_PREPARATION.map((i) => i.ja)).toEqual([
      '訓練シナリオの選定',
      '関係者への事前通知',
      'モニタリングダッシュボード準備',
      '通信チャネルの確認',
    ]);
    expect(DRILL_EXECUTION.map((i) => i.ja)).toEqual([
      '障害シミュレーション開始',
      '検知時間の記録',
      'ロールバック判断の記録',
      '実行時間の記録',
      'コミュニケーションの評価',
    ]);
    expect(DRILL_REVIEW.map((i) => i.ja)).toEqual([
      '目標時間との比較',
      '改善点の特定',
      'ランブックの更新',
      '次回訓練の計画',
    ]);
    const all = [...DRILL_PREPARATION, ...DRILL_EXECUTION, ...DRILL_REVIEW];
    expect(new Set(all.map((i) => i.key)).size).toBe(13);
    expect(new Set(DRILL_PREPARATION.map((i) => i.group))).toEqual(new Set(['preparation']));
    expect(new Set(DRILL_EXECUTION.map((i) => i.group))).toEqual(new Set(['execution']));
    expect(new Set(DRILL_REVIEW.map((i) => i.group))).toEqual(new Set(['review']));
    for (const i of all) expect(i.en.length).toBeGreaterThan(0);
  });
});

describe('scoreDrill', () => {
  it('measures detection, decision, execution and total against the expected response', () => {
    expect(scoreDrill(FULL, FIVE_MINUTES, [4, 5, 3])).toEqual({
      detection: { ms: 90 * S, targetMs: FIVE_MINUTES, pass: true },
      decision: { ms: 2 * M, targetMs: FIVE_MINUTES, pass: true },
      execution: { ms: M, targetMs: FIVE_MINUTES, pass: true },
      total: { ms: 95 * S + 3 * M, targetMs: FIVE_MINUTES, pass: true },
      communication: { average: 4, count: 3 },
      injected: true,
      passed: true,
    } satisfies Scorecard);
  });

  it('passes a measure that takes exactly its target and misses one a millisecond over', () => {
    const exact = scoreDrill({ ...FULL, detectedAt: T0 + FIVE_MINUTES }, FIVE_MINUTES, []);
    expect(exact.detection).toEqual({ ms: FIVE_MINUTES, targetMs: FIVE_MINUTES, pass: true });
    const card = scoreDrill(
      { ...FULL, postedAt: T0, decidedAt: T0 + FIVE_MINUTES + 1, verifiedAt: T0 + FIVE_MINUTES + 1 + M },
      FIVE_MINUTES,
      [],
    );
    expect(card.decision).toEqual({ ms: FIVE_MINUTES + 1, targetMs: FIVE_MINUTES, pass: false });
    expect(card.passed).toBe(false);
  });

  it('does not pass a drill whose steps each made the target but whose whole response did not', () => {
    const slow: DrillTimes = {
      injectedAt: T0,
      detectedAt: T0 + 4 * M,
      postedAt: T0 + 4 * M,
      decidedAt: T0 + 8 * M,
      verifiedAt: T0 + 12 * M,
    };
    const card = scoreDrill(slow, FIVE_MINUTES, []);
    expect([card.detection.pass, card.decision.pass, card.execution.pass]).toEqual([true, true, true]);
    expect(card.total).toEqual({ ms: 12 * M, targetMs: FIVE_MINUTES, pass: false });
    expect(card.passed).toBe(false);
  });

  it('leaves a measure whose instants are missing unmeasured (not reached), and then the drill is not passed', () => {
    const card = scoreDrill(
      { injectedAt: T0, detectedAt: T0 + 40 * S, postedAt: T0 + 41 * S, decidedAt: null, verifiedAt: null },
      FIVE_MINUTES,
      [],
    );
    expect(card.detection).toEqual({ ms: 40 * S, targetMs: FIVE_MINUTES, pass: true });
    expect(card.decision).toEqual({ ms: null, targetMs: FIVE_MINUTES, pass: null });
    expect(card.execution).toEqual({ ms: null, targetMs: FIVE_MINUTES, pass: null });
    expect(card.total).toEqual({ ms: null, targetMs: FIVE_MINUTES, pass: null });
    expect(card.passed).toBe(false);
  });

  it('measures decision and execution even when the injection instant is missing, but not detection or total', () => {
    const card = scoreDrill({ ...FULL, injectedAt: null }, FIVE_MINUTES, []);
    expect(card.detection.ms).toBeNull();
    expect(card.total.ms).toBeNull();
    expect(card.decision.ms).toBe(2 * M);
    expect(card.execution.ms).toBe(M);
    expect(card.injected).toBe(false);
    expect(card.passed).toBe(false);
  });

  it('counts a negative span (clock skew between writers) as zero', () => {
    const card = scoreDrill({ ...FULL, detectedAt: T0 - 2 * S }, FIVE_MINUTES, []);
    expect(card.detection).toEqual({ ms: 0, targetMs: FIVE_MINUTES, pass: true });
  });

  it('averages ratings 1–5 to one decimal and ignores anything else', () => {
    expect(scoreDrill(FULL, FIVE_MINUTES, [4, 5, 4]).communication).toEqual({ average: 4.3, count: 3 });
    expect(scoreDrill(FULL, FIVE_MINUTES, [5, 0, 6, -1, 3.5, Number.NaN, 2]).communication).toEqual({
      average: 3.5,
      count: 2,
    });
    expect(scoreDrill(FULL, FIVE_MINUTES, [1, 2]).communication).toEqual({ average: 1.5, count: 2 });
    expect(scoreDrill(FULL, FIVE_MINUTES, [0, 7]).communication).toEqual({ average: null, count: 0 });
    expect(scoreDrill(FULL, FIVE_MINUTES, []).communication).toEqual({ average: null, count: 0 });
  });

  it('does not let communication decide whether the drill passed', () => {
    expect(scoreDrill(FULL, FIVE_MINUTES, [1]).passed).toBe(true);
    expect(scoreDrill(FULL, FIVE_MINUTES, []).passed).toBe(true);
  });

  it('refuses an expected response that is not a positive duration', () => {
    expect(() => scoreDrill(FULL, 0, [])).toThrow(
      "a drill's expected response must be a positive number of milliseconds (drills.scenarios[].expectedResponse, " +
        'e.g. 5m); got 0',
    );
    expect(() => scoreDrill(FULL, Number.NaN, [])).toThrow('got NaN');
  });
});

describe('executionRecorded', () => {
  it('ticks the runbook execution items the drill recorded', () => {
    expect(executionRecorded(scoreDrill(FULL, FIVE_MINUTES, [4]))).toEqual([
      'run.inject',
      'run.detection',
      'run.decision',
      'run.execution',
      'run.communication',
    ]);
    expect(executionRecorded(scoreDrill({ ...FULL, decidedAt: null, verifiedAt: null }, FIVE_MINUTES, []))).toEqual([
      'run.inject',
      'run.detection',
    ]);
    expect(
      executionRecorded(
        scoreDrill(
          { injectedAt: null, detectedAt: null, postedAt: null, decidedAt: null, verifiedAt: null },
          FIVE_MINUTES,
          [9],
        ),
      ),
    ).toEqual([]);
  });
});

/** A scorecard with the given detection time and communication ratings, everything else as FULL. */
function card(detectionMs: number | null, ratings: number[] = []): Scorecard {
  return scoreDrill({ ...FULL, detectedAt: detectionMs === null ? null : T0 + detectionMs }, FIVE_MINUTES, ratings);
}

const prev = (id: string, at: number, scorecard: Scorecard): PreviousDrill => ({ id, at, scorecard });

describe('trend', () => {
  it('is "first" for every measure when there is no earlier drill', () => {
    const t = trend(card(90 * S, [4]), []);
    for (const m of ['detection', 'decision', 'execution', 'total', 'communication'] as const)
      expect(t[m]).toEqual({ previous: [], direction: 'first' });
  });

  it(
    'lists the last four earlier drills oldest first, whatever order they come in, and compares with the most ' +
      'recent',
    () => {
      const earlier = [
        prev('D5', T0 - 1 * M, card(4 * M + 10 * S, [3])),
        prev('D1', T0 - 5 * M, card(9 * M, [2])),
        prev('D3', T0 - 3 * M, card(6 * M, [3])),
        prev('D2', T0 - 4 * M, card(8 * M, [2])),
        prev('D4', T0 - 2 * M, card(5 * M, [4])),
      ];
      const t = trend(card(3 * M + 5 * S, [5, 4]), earlier);
      expect(t.detection.previous).toEqual([
        { id: 'D2', at: T0 - 4 * M, value: 8 * M },
        { id: 'D3', at: T0 - 3 * M, value: 6 * M },
        { id: 'D4', at: T0 - 2 * M, value: 5 * M },
        { id: 'D5', at: T0 - 1 * M, value: 4 * M + 10 * S },
      ]);
      expect(t.detection.direction).toBe('better');
      expect(t.communication.previous.map((p) => p.value)).toEqual([2, 3, 4, 3]);
      expect(t.communication.direction).toBe('better');
      // Decision and execution did not change between drills.
      expect(t.decision).toEqual({
        previous: t.detection.previous.map((p) => ({ ...p, value: 2 * M })),
        direction: 'same',
      });
      expect(t.execution.direction).toBe('same');
      expect(t.total.direction).toBe('same');
    },
  );

  it('treats times within one second as the same, lower as better and higher as worse', () => {
    const base = [prev('D1', T0 - M, card(2 * M))];
    expect(trend(card(2 * M + 1000), base).detection.direction).toBe('same');
    expect(trend(card(2 * M - 1000), base).detection.direction).toBe('same');
    expect(trend(card(2 * M + 1001), base).detection.direction).toBe('worse');
    expect(trend(card(2 * M - 1001), base).detection.direction).toBe('better');
  });

  it('treats a higher communication average as better and an equal one as the same', () => {
    const base = [prev('D1', T0 - M, card(M, [4, 4]))];
    expect(trend(card(M, [3, 4]), base).communication.direction).toBe('worse');
    expect(trend(card(M, [4]), base).communication.direction).toBe('same');
    expect(trend(card(M, [5]), base).communication.direction).toBe('better');
  });

  it('compares with the most recent earlier value, skipping drills that did not reach the measure', () => {
    const earlier = [prev('D1', T0 - 2 * M, card(3 * M)), prev('D2', T0 - M, card(null))];
    const t = trend(card(4 * M), earlier);
    expect(t.detection.previous).toEqual([
      { id: 'D1', at: T0 - 2 * M, value: 3 * M },
      { id: 'D2', at: T0 - M, value: null },
    ]);
    expect(t.detection.direction).toBe('worse');
  });

  it(
    'is "first" when no earlier drill reached the measure, and "worse" when this one did not but an earlier one ' +
      'did',
    () => {
      expect(trend(card(2 * M), [prev('D1', T0 - M, card(null))]).detection.direction).toBe('first');
      expect(trend(card(null), [prev('D1', T0 - M, card(2 * M))]).detection.direction).toBe('worse');
      expect(trend(card(M, []), [prev('D1', T0 - M, card(M, [3]))]).communication.direction).toBe('worse');
      expect(trend(card(M, [3]), [prev('D1', T0 - M, card(M, []))]).communication.direction).toBe('first');
    },
  );

  it('reads measures through measureValue', () => {
    const c = card(90 * S, [4, 5]);
    expect(measureValue(c, 'detection')).toBe(90 * S);
    expect(measureValue(c, 'total')).toBe(95 * S + 3 * M);
    expect(measureValue(c, 'communication')).toBe(4.5);
  });
});
