import type { ActionsBlock, StaticSelect } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { incidentMessage } from '../../../src/adapters/slack/blocks/incident.ts';
import { ACTION, BLOCK } from '../../../src/adapters/slack/ids.ts';
import { INCIDENT_STRINGS } from '../../../src/adapters/slack/i18n/incident.ts';
import { TERMS } from '../../../src/adapters/slack/i18n/terms.ts';
import { RUNBOOK_MATRIX, recommend, type Assessment } from '../../../src/domain/matrix.ts';
import {
  START,
  M,
  actionIds,
  blockById,
  buttonByAction,
  buttons,
  interactiveElements,
  joinedText,
  limitViolations,
  makeIncident,
  makeRollback,
  makeView,
} from './support.ts';

const DECISION_IDS = [ACTION.immediate, ACTION.gradual, ACTION.fix, ACTION.nextRelease];
const FULL: Assessment = { userImpact: 'all', businessImpact: 'high', fixTime: 'short' };

function matrixSelects(blocks: ReturnType<typeof incidentMessage>['blocks']): StaticSelect[] {
  const block = blockById(blocks, BLOCK.matrix, 'actions');
  expect(block).toBeDefined();
  return (block as ActionsBlock).elements as StaticSelect[];
}

function headerText(blocks: ReturnType<typeof incidentMessage>['blocks']): string {
  const h = blocks[0];
  if (h?.type !== 'header') throw new Error('first block is not a header');
  return h.text.text;
}

describe('incidentMessage: header and facts', () => {
  it(
    "names severity, id, service, version and status, with the start time in the team's zone and an age the client " +
      'keeps current',
    () => {
      const { blocks, text } = incidentMessage(makeView(), 'en', 'Asia/Tokyo');
      expect(headerText(blocks)).toBe('🟠 INC-20260105-001 · prompt-service v2.0.0 · Awaiting decision');
      // `{ago}` is rendered by Slack at read time; the fallback is the age when the message was built.
      expect(joinedText(blocks)).toContain(
        `Started 2026-01-05 (Mon) 18:00 Asia/Tokyo (<!date^${START / 1000}^{ago}|12m 30s ago>)`,
      );
      expect(text).toBe(
        '🟠 INC-20260105-001 · prompt-service v2.0.0 · Awaiting decision · 12m 30s — error_rate above the warning ' +
          'threshold',
      );
      expect(text).not.toContain('\n');
    },
  );

  it('uses the marker of each severity', () => {
    expect(
      headerText(
        incidentMessage(makeView({ incident: makeIncident({ severity: 'critical' }) }), 'en', 'Asia/Tokyo').blocks,
      ),
    ).toMatch(/^🔴 /);
    expect(
      headerText(
        incidentMessage(makeView({ incident: makeIncident({ severity: 'watch' }) }), 'en', 'Asia/Tokyo').blocks,
      ),
    ).toMatch(/^🟡 /);
  });

  it('shows hours and minutes once past an hour', () => {
    const { blocks } = incidentMessage(makeView({ now: START + 65 * M + 10_000 }), 'en', 'Asia/Tokyo');
    expect(joinedText(blocks)).toContain('|1h 05m ago>');
  });

  it('marks a drill in both languages', () => {
    const drill = makeView({ incident: makeIncident({ drill: true }) });
    expect(headerText(incidentMessage(drill, 'en', 'Asia/Tokyo').blocks)).toContain('DRILL');
    expect(incidentMessage(drill, 'en', 'Asia/Tokyo').text).toContain('DRILL');
    expect(headerText(incidentMessage(drill, 'ja', 'Asia/Tokyo').blocks)).toContain('訓練');
    expect(headerText(incidentMessage(makeView(), 'en', 'Asia/Tokyo').blocks)).not.toContain('DRILL');
  });

  it('shows breaches in the runbook units', () => {
    const view = makeView({
      breaches: [
        { metric: 'error_rate', op: '>', value: 0.125, threshold: 0.1 },
        { metric: 'p99_latency', op: '>', value: 12_345, threshold: 10_000 },
        { metric: 'availability', op: '<', value: 0.93, threshold: 0.95 },
      ],
    });
    const text = joinedText(incidentMessage(view, 'en', 'Asia/Tokyo').blocks);
    expect(text).toContain('error_rate 12.5% > 10%');
    expect(text).toContain('p99_latency 12345ms > 10000ms');
    expect(text).toContain('availability 93% < 95%');
  });

  it('shows the escalation level reached and who acknowledged', () => {
    const view = makeView({
      escalation: { level: 2, label: 'Manager' },
      incident: makeIncident({ acknowledgedAt: START + M, acknowledgedBy: 'U0ACK' }),
    });
    const text = joinedText(incidentMessage(view, 'en', 'Asia/Tokyo').blocks);
    expect(text).toContain('⏫ escalated: Manager');
    expect(text).toContain('Acknowledged by <@U0ACK>');
  });
});

describe('incidentMessage: judgment matrix', () => {
  it('offers three selects with the matrix action ids and the domain values', () => {
    const selects = matrixSelects(incidentMessage(makeView(), 'en', 'Asia/Tokyo').blocks);
    expect(selects.map((s) => [s.type, s.action_id])).toEqual([
      ['static_select', ACTION.userImpact],
      ['static_select', ACTION.businessImpact],
      ['static_select', ACTION.fixTime],
    ]);
    expect(selects.map((s) => s.options?.map((o) => o.value))).toEqual([
      ['all', 'partial', 'minor'],
      ['high', 'medium', 'low'],
      ['short', 'medium', 'long'],
    ]);
    expect(selects.every((s) => s.initial_option === undefined)).toBe(true);
  });

  it('pre-selects the answers given so far, and only those', () => {
    const view = makeView({ assessment: { userImpact: 'partial', fixTime: 'long' } });
    const [user, business, fix] = matrixSelects(incidentMessage(view, 'en', 'Asia/Tokyo').blocks);
    expect(user?.initial_option?.value).toBe('partial');
    expect(user?.initial_option?.text.text).toBe('User impact: Some users');
    expect(business?.initial_option).toBeUndefined();
    expect(fix?.initial_option?.value).toBe('long');
    // Slack requires initial_option to equal one of the options exactly.
    expect(user?.options).toContainEqual(user?.initial_option);
    expect(fix?.options).toContainEqual(fix?.initial_option);
  });

  it('shows the recommendation only once all three answers are in, naming the action and rule', () => {
    const partial: Assessment = { userImpact: 'all', businessImpact: 'high' };
    const withPartial = joinedText(
      incidentMessage(
        makeView({ assessment: partial, recommendation: recommend(RUNBOOK_MATRIX, partial) }),
        'en',
        'Asia/Tokyo',
      ).blocks,
    );
    expect(withPartial).not.toContain('Recommended');

    const full = joinedText(
      incidentMessage(
        makeView({ assessment: FULL, recommendation: recommend(RUNBOOK_MATRIX, FULL) }),
        'en',
        'Asia/Tokyo',
      ).blocks,
    );
    expect(full).toContain('⭐ Recommended: *Immediate rollback* (rule 1)');
  });

  it('does not show a recommendation handed in with an incomplete assessment', () => {
    const view = makeView({ assessment: { userImpact: 'all' }, recommendation: { action: 'immediate', rule: 0 } });
    expect(joinedText(incidentMessage(view, 'en', 'Asia/Tokyo').blocks)).not.toContain('Recommended');
    expect(buttons(incidentMessage(view, 'en', 'Asia/Tokyo').blocks).some((b) => b.text.text.startsWith('⭐'))).toBe(
      false,
    );
  });

  it('says when the default applied', () => {
    const a: Assessment = { userImpact: 'partial', businessImpact: 'low', fixTime: 'medium' };
    const text = joinedText(
      incidentMessage(makeView({ assessment: a, recommendation: recommend(RUNBOOK_MATRIX, a) }), 'en', 'Asia/Tokyo')
        .blocks,
    );
    expect(text).toContain('⭐ Recommended: *Gradual rollback* (default)');
  });

  it('marks the recommended action button, and no other', () => {
    const a: Assessment = { userImpact: 'partial', businessImpact: 'medium', fixTime: 'short' };
    const { blocks } = incidentMessage(
      makeView({ assessment: a, recommendation: recommend(RUNBOOK_MATRIX, a) }),
      'en',
      'Asia/Tokyo',
    );
    expect(buttonByAction(blocks, ACTION.fix)?.text.text).toBe('⭐ Try a fix');
    expect(
      buttons(blocks)
        .filter((b) => b.text.text.startsWith('⭐'))
        .map((b) => b.action_id),
    ).toEqual([ACTION.fix]);
  });

  it('says what the matrix said and why another action is recommended, in both languages', () => {
    const a: Assessment = { userImpact: 'partial', businessImpact: 'high', fixTime: 'long' };
    const blueGreen = makeView({
      assessment: a,
      recommendation: {
        action: 'immediate',
        rule: 2,
        instead: {
          matrixAction: 'gradual',
          reason: { kind: 'moves_at_once', service: 'prompt-service', router: 'service-selector' },
        },
      },
      actions: ['immediate', 'fix', 'next_release'],
    });
    expect(joinedText(incidentMessage(blueGreen, 'en', 'Asia/Tokyo').blocks)).toContain(
      '⭐ Recommended: *Immediate rollback* (rule 3 of the matrix says *Gradual rollback*)\nBlue-green: traffic moves ' +
        'at once. *prompt-service* is routed by `service-selector`, which sends all traffic to one version, so a ' +
        'gradual rollback cannot run on it.',
    );
    expect(joinedText(incidentMessage(blueGreen, 'ja', 'Asia/Tokyo').blocks)).toContain(
      '⭐ 推奨: *即座ロールバック*（マトリックスのルール 3 は *段階的ロールバック*）\nブルーグリーン構成: トラフィックは一度に切り替わります。*prompt-service* のルーター ' +
        '`service-selector` は全トラフィックを 1 つのバージョンへ送るため、段階的ロールバックは実行できません。',
    );
    const aborting = makeView({
      assessment: a,
      recommendation: {
        action: 'immediate',
        rule: null,
        instead: {
          matrixAction: 'gradual',
          reason: { kind: 'abort_if_holds', metric: 'error_rate', value: 0.072, abortIf: 'error_rate > 5%' },
        },
      },
    });
    expect(joinedText(incidentMessage(aborting, 'en', 'Asia/Tokyo').blocks)).toContain(
      "⭐ Recommended: *Immediate rollback* (the matrix's default is *Gradual rollback*)\nA gradual rollback would " +
        'abort at once: error_rate is 7.2% now, which already meets its abort condition `error_rate &gt; 5%`, so its ' +
        'first phase would go straight to 0%.',
    );
    expect(joinedText(incidentMessage(aborting, 'ja', 'Asia/Tokyo').blocks)).toContain(
      '現在の error_rate は 7.2% で、中止条件 `error_rate &gt; 5%` を既に満たしている',
    );
  });

  it('offers only the decisions the service can run: no Gradual button on a blue-green service', () => {
    const { blocks } = incidentMessage(makeView({ actions: ['immediate', 'fix', 'next_release'] }), 'en', 'Asia/Tokyo');
    expect(actionIds(blocks)).not.toContain(ACTION.gradual);
    expect(blockById(blocks, BLOCK.decisions, 'actions')?.elements.map((e) => e.action_id)).toEqual([
      ACTION.immediate,
      ACTION.fix,
      ACTION.nextRelease,
      ACTION.acknowledge,
      ACTION.resolve,
    ]);
  });

  it('shows who chose what', () => {
    const view = makeView({ decision: { action: 'gradual', by: 'U0LEAD', at: START + 5 * M } });
    expect(joinedText(incidentMessage(view, 'en', 'Asia/Tokyo').blocks)).toContain(
      '<@U0LEAD> chose *Gradual rollback* (2026-01-05 (Mon) 18:05 Asia/Tokyo)',
    );
  });
});

describe('incidentMessage: decision buttons', () => {
  it('carries each decision with the incident id as value', () => {
    const { blocks } = incidentMessage(makeView(), 'en', 'Asia/Tokyo');
    const block = blockById(blocks, BLOCK.decisions, 'actions');
    expect(block?.elements.map((e) => e.action_id)).toEqual([...DECISION_IDS, ACTION.acknowledge, ACTION.resolve]);
    expect(block?.elements.map((e) => (e.type === 'button' ? e.value : null))).toEqual(
      Array(6).fill('INC-20260105-001'),
    );
    expect(buttonByAction(blocks, ACTION.immediate)?.style).toBe('danger');
    expect(buttonByAction(blocks, ACTION.gradual)?.style).toBe('primary');
    expect(buttonByAction(blocks, ACTION.fix)?.text.text).toBe('Try a fix');
    expect(buttonByAction(blocks, ACTION.nextRelease)?.text.text).toBe('Fix in next release');
  });

  it('asks for confirmation before resolving', () => {
    const resolve = buttonByAction(incidentMessage(makeView(), 'en', 'Asia/Tokyo').blocks, ACTION.resolve);
    expect(resolve?.confirm?.title?.text).toBe('Resolve this incident?');
    expect(resolve?.confirm?.text.text).toContain('INC-20260105-001');
  });

  it('hides Acknowledge once acknowledged, showing who did instead', () => {
    const acked = makeView({ incident: makeIncident({ acknowledgedAt: START + M, acknowledgedBy: 'U0ACK' }) });
    const { blocks } = incidentMessage(acked, 'en', 'Asia/Tokyo');
    expect(actionIds(blocks)).not.toContain(ACTION.acknowledge);
    expect(actionIds(blocks)).toContain(ACTION.resolve);
    expect(joinedText(blocks)).toContain('<@U0ACK>');
  });
});

describe('incidentMessage: rollback states', () => {
  it('while waiting for approval: shows have/need and Approve, and no rollback decisions', () => {
    const rollback = makeRollback({
      status: 'pending',
      strategy: 'immediate',
      newVersionWeight: 100,
      phase: null,
      phaseCount: null,
      approvals: { have: 1, need: 2, by: ['U0LEAD'] },
    });
    const { blocks } = incidentMessage(makeView({ rollback }), 'en', 'Asia/Tokyo');
    expect(joinedText(blocks)).toContain('Waiting for approval: 1/2 (approved by <@U0LEAD>)');
    expect(joinedText(incidentMessage(makeView({ rollback }), 'ja', 'Asia/Tokyo').blocks)).toContain(
      '承認待ち: 1/2（承認: <@U0LEAD>）',
    );
    const approve = buttonByAction(blocks, ACTION.approve);
    expect(approve?.value).toBe('RB-0001');
    expect(blockById(blocks, BLOCK.rollbackControls, 'actions')?.elements.map((e) => e.action_id)).toEqual([
      ACTION.approve,
    ]);
    const ids = actionIds(blocks);
    expect(ids).not.toContain(ACTION.immediate);
    expect(ids).not.toContain(ACTION.gradual);
    expect(ids).not.toContain(ACTION.pause);
    expect(ids).not.toContain(ACTION.abort);
  });

  it('while a gradual rollback runs: split, bar, phase, Pause and Abort; no Immediate/Gradual', () => {
    const { blocks } = incidentMessage(makeView({ rollback: makeRollback() }), 'en', 'Asia/Tokyo');
    const text = joinedText(blocks);
    expect(text).toContain('v2.0.0 25% / v1.5.0 75%');
    expect(text).toContain('Phase 2/3');
    expect(text).toContain('▓▓▓▓▓▓▓░░░');
    expect(text).toContain('`v2.0.0` → `v1.5.0`');
    const controls = blockById(blocks, BLOCK.rollbackControls, 'actions');
    expect(controls?.elements.map((e) => e.action_id)).toEqual([ACTION.pause, ACTION.abort]);
    expect(buttonByAction(blocks, ACTION.pause)?.value).toBe('RB-0001');
    const abort = buttonByAction(blocks, ACTION.abort);
    expect(abort?.value).toBe('RB-0001');
    expect(abort?.confirm?.text.text).toContain('prompt-service');
    const ids = actionIds(blocks);
    expect(ids).not.toContain(ACTION.immediate);
    expect(ids).not.toContain(ACTION.gradual);
    expect(ids).not.toContain(ACTION.resume);
    expect(ids).toContain(ACTION.resolve);
  });

  it('offers Resume instead of Pause while paused', () => {
    const { blocks } = incidentMessage(makeView({ rollback: makeRollback({ status: 'paused' }) }), 'en', 'Asia/Tokyo');
    expect(blockById(blocks, BLOCK.rollbackControls, 'actions')?.elements.map((e) => e.action_id)).toEqual([
      ACTION.resume,
      ACTION.abort,
    ]);
    expect(buttonByAction(blocks, ACTION.resume)?.value).toBe('RB-0001');
  });

  it('offers no Pause for an immediate rollback, which has no phases to pause between', () => {
    const rollback = makeRollback({ strategy: 'immediate', newVersionWeight: 100, phase: null, phaseCount: null });
    const { blocks } = incidentMessage(makeView({ rollback }), 'en', 'Asia/Tokyo');
    expect(blockById(blocks, BLOCK.rollbackControls, 'actions')?.elements.map((e) => e.action_id)).toEqual([
      ACTION.abort,
    ]);
    expect(joinedText(blocks)).toContain('░░░░░░░░░░');
  });

  it('offers cancelling a scheduled rollback and says when it runs', () => {
    const rollback = makeRollback({
      strategy: 'planned',
      status: 'scheduled',
      newVersionWeight: 100,
      phase: null,
      phaseCount: null,
      scheduledFor: START + 60 * M,
    });
    const { blocks } = incidentMessage(makeView({ rollback }), 'en', 'Asia/Tokyo');
    expect(joinedText(blocks)).toContain('Scheduled for 2026-01-05 (Mon) 19:00 Asia/Tokyo');
    const cancel = buttonByAction(blocks, ACTION.abort);
    expect(cancel?.text.text).toBe('Cancel rollback');
    expect(actionIds(blocks)).not.toContain(ACTION.gradual);
  });

  it('after a rollback has finished: no controls, decisions are back', () => {
    const rollback = makeRollback({ status: 'failed', error: 'target version has no ready replicas' });
    const { blocks } = incidentMessage(makeView({ rollback }), 'en', 'Asia/Tokyo');
    expect(blockById(blocks, BLOCK.rollbackControls, 'actions')).toBeUndefined();
    expect(actionIds(blocks)).toEqual(expect.arrayContaining([ACTION.immediate, ACTION.gradual]));
    expect(joinedText(blocks)).toContain('⚠️ Error: target version has no ready replicas');
  });

  it('shows no split or bar when the weight is unknown', () => {
    const { blocks } = incidentMessage(
      makeView({ rollback: makeRollback({ newVersionWeight: null }) }),
      'en',
      'Asia/Tokyo',
    );
    const text = joinedText(blocks);
    expect(text).not.toContain('Traffic:');
    expect(text).not.toContain('░');
    expect(text).toContain('Phase 2/3');
  });
});

describe('incidentMessage: resolved', () => {
  const resolved = makeView({
    incident: makeIncident({
      status: 'resolved',
      resolvedAt: START + 65 * M,
      acknowledgedAt: START + M,
      acknowledgedBy: 'U0ACK',
    }),
    now: START + 90 * M,
    assessment: FULL,
    recommendation: recommend(RUNBOOK_MATRIX, FULL),
    decision: { action: 'gradual', by: 'U0LEAD', at: START + 5 * M },
    rollback: makeRollback({ status: 'succeeded', newVersionWeight: 0, phase: 3 }),
  });

  it('has no interactive element at all', () => {
    const { blocks } = incidentMessage(resolved, 'en', 'Asia/Tokyo');
    expect(interactiveElements(blocks)).toEqual([]);
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('summarises the duration from start to resolution, not to now', () => {
    const { blocks, text } = incidentMessage(resolved, 'en', 'Asia/Tokyo');
    // ✅ at a glance, not the 🟠 of its severity; the severity shown as the peak it reached.
    expect(headerText(blocks)).toBe('✅ INC-20260105-001 · prompt-service v2.0.0 · Resolved');
    expect(text).toBe(
      '✅ INC-20260105-001 · prompt-service v2.0.0 · Resolved · Peak severity: Warning · 1h 05m — error_rate above ' +
        'the warning threshold',
    );
    expect(incidentMessage(resolved, 'ja', 'Asia/Tokyo').text).toBe(
      '✅ INC-20260105-001 · prompt-service v2.0.0 · 解決済み · 最大重大度: 警告 · 1時間05分 — error_rate above the warning threshold',
    );
    const all = joinedText(blocks);
    expect(all).toContain('Peak severity: Warning');
    expect(all).not.toContain('Severity: Warning');
    expect(all).toContain('Resolved after 1h 05m');
    expect(all).toContain('in the thread');
    expect(all).toContain('Decision: Gradual rollback (<@U0LEAD>)');
    expect(all).toContain('Succeeded');
    expect(text).toContain('1h 05m');
  });

  it(
    'after the fix came in as a canary: both the rollback and the fix; while it runs, its progress and Abort (back ' +
      'to stable)',
    () => {
      const canary = makeRollback({ id: 'RB-0002', strategy: 'canary', fromVersion: 'v1.5.0', toVersion: 'v2.0.1' });
      const done = incidentMessage(
        { ...resolved, rollback: { ...canary, status: 'succeeded' }, earlierRollback: resolved.rollback },
        'en',
        'Asia/Tokyo',
      );
      expect(joinedText(done.blocks)).toContain('Rollback: Gradual rollback `v2.0.0` → `v1.5.0`, Succeeded');
      expect(joinedText(done.blocks)).toContain('Fix: Canary re-deploy `v1.5.0` → `v2.0.1`, Succeeded');
      expect(interactiveElements(done.blocks)).toEqual([]);

      expect(headerText(done.blocks)).toBe('✅ INC-20260105-001 · prompt-service v2.0.0 · Resolved');

      const running = incidentMessage(
        {
          ...resolved,
          rollback: { ...canary, status: 'running', newVersionWeight: 95, phase: 2, phaseCount: 5 },
          earlierRollback: resolved.rollback,
        },
        'en',
        'Asia/Tokyo',
      );
      expect(joinedText(running.blocks)).toContain('Phase 2/5');
      // The canary is the state now: not "Resolved" with traffic moving under it.
      expect(headerText(running.blocks)).toBe('🐤 INC-20260105-001 · prompt-service v2.0.0 · Fix canary: v2.0.1 at 5%');
      expect(running.text).toMatch(
        /^🐤 INC-20260105-001 · prompt-service v2\.0\.0 · Fix canary: v2\.0\.1 at 5% · 1h 05m — /,
      );
      expect(
        headerText(
          incidentMessage(
            { ...resolved, rollback: { ...canary, status: 'paused', newVersionWeight: 75 } },
            'ja',
            'Asia/Tokyo',
          ).blocks,
        ),
      ).toBe('🐤 INC-20260105-001 · prompt-service v2.0.0 · 修正版カナリア: v2.0.1 25% で一時停止中');
      expect(
        headerText(
          incidentMessage(
            { ...resolved, rollback: { ...canary, status: 'pending', newVersionWeight: null } },
            'en',
            'Asia/Tokyo',
          ).blocks,
        ),
      ).toBe('🐤 INC-20260105-001 · prompt-service v2.0.0 · Fix canary: v2.0.1 waiting for approval');
      const abort = interactiveElements(running.blocks).find((e) => e.action_id === ACTION.abort) as
        { confirm?: { text: { text: string } } } | undefined;
      expect(abort?.confirm?.text.text).toContain('all traffic returns to the stable version');
    },
  );
});

describe('incidentMessage: Slack limits', () => {
  it('clips every text of a worst-case incident to what Slack accepts', () => {
    const long = 'x'.repeat(5000);
    const view = makeView({
      incident: makeIncident({
        title: long,
        service: `svc-${'s'.repeat(300)}`,
        version: `v-${'9'.repeat(200)}`,
        drill: true,
      }),
      breaches: Array.from({ length: 40 }, (_, i) => ({
        metric: 'p99_latency' as const,
        op: '>' as const,
        value: 10_000 + i,
        threshold: 10_000,
      })),
      assessment: FULL,
      recommendation: recommend(RUNBOOK_MATRIX, FULL),
      decision: { action: 'immediate', by: 'U0LEAD', at: START },
      rollback: makeRollback({
        error: long,
        status: 'pending',
        approvals: { have: 1, need: 2, by: Array.from({ length: 200 }, (_, i) => `U${1000 + i}`) },
      }),
      escalation: { level: 9, label: long },
    });
    for (const locale of ['en', 'ja'] as const) {
      const { blocks, text } = incidentMessage(view, locale, 'Asia/Tokyo');
      expect(limitViolations(blocks, 'message')).toEqual([]);
      expect(text.length).toBeLessThanOrEqual(500);
      expect(joinedText(blocks)).toContain(locale === 'en' ? '…and 30 more' : '…ほか 30 件');
    }
  });

  it('keeps every state within the limits in both languages', () => {
    const states = [
      makeView(),
      makeView({ rollback: makeRollback() }),
      makeView({ rollback: makeRollback({ status: 'paused' }) }),
      makeView({ rollback: makeRollback({ status: 'pending', approvals: { have: 0, need: 2, by: [] } }) }),
      makeView({ incident: makeIncident({ status: 'resolved', resolvedAt: START + M }) }),
    ];
    for (const view of states) {
      for (const locale of ['en', 'ja'] as const)
        expect(limitViolations(incidentMessage(view, locale, 'Asia/Tokyo').blocks, 'message')).toEqual([]);
    }
  });
});

describe('incidentMessage: Japanese', () => {
  const view = makeView({
    incident: makeIncident({ title: 'エラー率が警告閾値を超過' }),
    assessment: FULL,
    recommendation: recommend(RUNBOOK_MATRIX, FULL),
  });

  it('renders the runbook terms', () => {
    const { blocks } = incidentMessage(view, 'ja', 'Asia/Tokyo');
    const text = joinedText(blocks);
    for (const term of [
      '即座ロールバック',
      '段階的ロールバック',
      '修正を試みる',
      '次回リリースで修正',
      'ユーザー影響',
      'ビジネス影響',
      '修正見込み時間',
      '全体',
      '判断待ち',
    ]) {
      expect(text).toContain(term);
    }
    expect(buttonByAction(blocks, ACTION.immediate)?.text.text).toBe('⭐ 即座ロールバック');
    expect(matrixSelects(blocks)[0]?.initial_option?.text.text).toBe('ユーザー影響: 全体');
    expect(text).toContain('発生 2026-01-05 (月) 18:00 Asia/Tokyo (<!date^');
    expect(text).toContain('|12分30秒前>');
  });

  it('lets no English label through for the keys it renders', () => {
    const en = TERMS.en;
    const labels = [
      ...Object.values(en.action),
      ...Object.values(en.question),
      ...Object.values(en.userImpact),
      ...Object.values(en.businessImpact),
      ...Object.values(en.fixTime),
      ...Object.values(en.severity),
      en.incidentStatus.awaiting_decision,
      ...Object.values(INCIDENT_STRINGS.en.button),
      INCIDENT_STRINGS.en.confirmResolve.title,
      'Recommended',
      'Started',
      'Judgment matrix',
    ];
    const running = incidentMessage(makeView({ ...view, rollback: makeRollback() }), 'ja', 'Asia/Tokyo');
    const text =
      `${joinedText(incidentMessage(view, 'ja', 'Asia/Tokyo').blocks)}\n${joinedText(running.blocks)}\n` +
      `${running.text}`;
    for (const label of labels) expect(text, label).not.toContain(label);
    expect(text).toContain('フェーズ 2/3');
    expect(text).toContain('トラフィック: v2.0.0 25% / v1.5.0 75%');
  });
});
