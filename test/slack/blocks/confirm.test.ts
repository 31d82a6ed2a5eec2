import { describe, expect, it } from 'vitest';
import {
  confirmRollbackModal,
  parseConfirmMetadata,
  type ConfirmRollbackInput,
} from '../../../src/adapters/slack/blocks/confirm.ts';
import { VIEW } from '../../../src/adapters/slack/ids.ts';
import { joinedText, limitViolations } from './support.ts';

const GRADUAL: ConfirmRollbackInput = {
  incidentId: 'INC-20260105-001',
  service: 'prompt-service',
  fromVersion: 'v2.0.0',
  toVersion: 'v1.5.0',
  strategy: 'gradual',
  phases: [25, 5, 0],
  currentWeight: 50,
  skippedPhases: [],
  requiredApprovals: 1,
  dryRun: false,
  scheduledFor: null,
};
const IMMEDIATE: ConfirmRollbackInput = { ...GRADUAL, strategy: 'immediate', phases: [], currentWeight: null };

describe('confirmRollbackModal', () => {
  it('is a modal with the confirm callback id, labels within 24 characters and the input as metadata', () => {
    for (const locale of ['en', 'ja'] as const) {
      const view = confirmRollbackModal(GRADUAL, locale, 'Asia/Tokyo');
      expect(view.type).toBe('modal');
      expect(view.callback_id).toBe(VIEW.confirmRollback);
      expect(view.title.text.length).toBeLessThanOrEqual(24);
      expect(view.submit?.text.length).toBeGreaterThan(0);
      expect(view.submit?.text.length).toBeLessThanOrEqual(24);
      expect(view.close?.text.length).toBeLessThanOrEqual(24);
      expect(limitViolations(view.blocks, 'view')).toEqual([]);
    }
  });

  it('round-trips its input through parseConfirmMetadata', () => {
    for (const input of [
      GRADUAL,
      IMMEDIATE,
      { ...GRADUAL, incidentId: null, fromVersion: null, dryRun: true, requiredApprovals: 2 },
    ]) {
      const view = confirmRollbackModal(input, 'en', 'Asia/Tokyo');
      expect(parseConfirmMetadata(view.private_metadata ?? '')).toEqual(input);
    }
  });

  it('names the service, the incident and both versions', () => {
    const text = joinedText(confirmRollbackModal(GRADUAL, 'en', 'Asia/Tokyo').blocks);
    expect(text).toContain('*Gradual rollback* of *prompt-service*');
    expect(text).toContain('INC-20260105-001');
    expect(text).toContain('`v2.0.0`');
    expect(text).toContain('`v1.5.0`');
  });

  it('says an immediate rollback switches all traffic at once', () => {
    const text = joinedText(confirmRollbackModal(IMMEDIATE, 'en', 'Asia/Tokyo').blocks);
    expect(text).toContain('All traffic switches from `v2.0.0` to `v1.5.0` at once');
    expect(text).not.toContain('phases');
  });

  it('lists the phases of a gradual rollback from the share the version has now', () => {
    const text = joinedText(confirmRollbackModal(GRADUAL, 'en', 'Asia/Tokyo').blocks);
    expect(text).toContain('3 phases: 50% → 25% → 5% → 0%');
    expect(text).not.toContain('100%');
    expect(text).not.toContain('skipped');
    expect(joinedText(confirmRollbackModal(GRADUAL, 'ja', 'Asia/Tokyo').blocks)).toContain(
      '3 フェーズで段階的に減らします: 50% → 25% → 5% → 0%',
    );
  });

  it('says which phases are skipped because the share is already below them', () => {
    const below = { ...GRADUAL, phases: [5, 0], currentWeight: 20, skippedPhases: [25] };
    expect(joinedText(confirmRollbackModal(below, 'en', 'Asia/Tokyo').blocks)).toContain(
      'Traffic on `v2.0.0` steps down in 2 phases: 20% → 5% → 0%. Each phase is observed before the next one ' +
        'starts.\n`v2.0.0` has 20% of the traffic now, so the phase at 25% is skipped: a rollback never sends ' +
        'traffic back to the version it rolls back.',
    );
    expect(joinedText(confirmRollbackModal(below, 'ja', 'Asia/Tokyo').blocks)).toContain(
      '`v2.0.0` のトラフィックは現在 20% のため、25% のフェーズは飛ばします',
    );
    expect(
      joinedText(
        confirmRollbackModal({ ...below, phases: [0], currentWeight: 5, skippedPhases: [25, 5] }, 'en', 'Asia/Tokyo')
          .blocks,
      ),
    ).toContain('so the phases at 25%, 5% are skipped');
  });

  it('says when the share could not be read', () => {
    const unread = { ...GRADUAL, currentWeight: null };
    const text = joinedText(confirmRollbackModal(unread, 'en', 'Asia/Tokyo').blocks);
    expect(text).toContain('3 phases: now → 25% → 5% → 0%');
    expect(text).toContain('could not be read from the cluster');
    expect(joinedText(confirmRollbackModal(unread, 'ja', 'Asia/Tokyo').blocks)).toContain('現在 → 25% → 5% → 0%');
  });

  it('reads metadata of a dialog opened before the share was shown as not read', () => {
    const { currentWeight: _w, skippedPhases: _s, ...older } = GRADUAL;
    expect(parseConfirmMetadata(JSON.stringify(older))).toEqual({ ...GRADUAL, currentWeight: null, skippedPhases: [] });
  });

  it('notes a second approver only when two approvals are required', () => {
    expect(joinedText(confirmRollbackModal(GRADUAL, 'en', 'Asia/Tokyo').blocks)).not.toContain('approvals');
    const text = joinedText(confirmRollbackModal({ ...GRADUAL, requiredApprovals: 2 }, 'en', 'Asia/Tokyo').blocks);
    expect(text).toContain('needs 2 approvals');
    expect(text).toContain('a different approver');
    expect(joinedText(confirmRollbackModal({ ...GRADUAL, requiredApprovals: 2 }, 'ja', 'Asia/Tokyo').blocks)).toContain(
      '2 名の承認が必要です',
    );
  });

  it('warns about a dry run only when there is one', () => {
    expect(joinedText(confirmRollbackModal(GRADUAL, 'en', 'Asia/Tokyo').blocks)).not.toContain('Dry run');
    expect(joinedText(confirmRollbackModal({ ...GRADUAL, dryRun: true }, 'en', 'Asia/Tokyo').blocks)).toContain(
      '*Dry run*',
    );
    expect(joinedText(confirmRollbackModal({ ...GRADUAL, dryRun: true }, 'ja', 'Asia/Tokyo').blocks)).toContain(
      'ドライラン',
    );
  });

  it('says when the from-version is unknown', () => {
    expect(joinedText(confirmRollbackModal({ ...IMMEDIATE, fromVersion: null }, 'en', 'Asia/Tokyo').blocks)).toContain(
      'unknown: no version recorded',
    );
  });

  it('renders Japanese labels', () => {
    const view = confirmRollbackModal(GRADUAL, 'ja', 'Asia/Tokyo');
    expect(view.title.text).toBe('ロールバックの確認');
    const text = joinedText(view.blocks);
    expect(text).toContain('*prompt-service* の *段階的ロールバック*');
    expect(text).not.toContain('Gradual rollback');
  });
});

describe('parseConfirmMetadata', () => {
  it('refuses text that is not JSON', () => {
    expect(() => parseConfirmMetadata('{nope')).toThrow(/confirm-rollback metadata is not valid JSON/);
  });

  it('names each field that is wrong', () => {
    const bad = JSON.stringify({ ...GRADUAL, strategy: 'sideways', requiredApprovals: 0 });
    expect(() => parseConfirmMetadata(bad)).toThrow(/wrong shape: .*strategy: .*requiredApprovals: /);
  });

  it('refuses missing fields, unknown fields and out-of-range weights', () => {
    const { toVersion: _drop, ...missing } = GRADUAL;
    expect(() => parseConfirmMetadata(JSON.stringify(missing))).toThrow(/toVersion/);
    expect(() => parseConfirmMetadata(JSON.stringify({ ...GRADUAL, extra: 1 }))).toThrow(/wrong shape/);
    expect(() => parseConfirmMetadata(JSON.stringify({ ...GRADUAL, phases: [150] }))).toThrow(/phases\.0/);
    expect(() => parseConfirmMetadata('null')).toThrow(/\(root\)/);
  });

  it('refuses a gradual rollback without phases', () => {
    expect(() => parseConfirmMetadata(JSON.stringify({ ...GRADUAL, phases: [] }))).toThrow(
      /phases: a gradual rollback needs at least one phase/,
    );
  });
});

describe('a planned rollback', () => {
  it("says when it runs, in the team's zone and naming it, and round-trips the time", () => {
    const at = Date.UTC(2026, 0, 6, 3, 0);
    const view = confirmRollbackModal({ ...GRADUAL, scheduledFor: at }, 'en', 'Asia/Tokyo');
    expect(JSON.stringify(view.blocks)).toContain('runs at 2026-01-06 (Tue) 12:00 Asia/Tokyo');
    expect(
      JSON.stringify(confirmRollbackModal({ ...GRADUAL, scheduledFor: at }, 'en', 'Europe/London').blocks),
    ).toContain('runs at 2026-01-06 (Tue) 03:00 Europe/London');
    expect(parseConfirmMetadata(view.private_metadata ?? '').scheduledFor).toBe(at);
  });

  it('older metadata without the field reads as not planned', () => {
    const { scheduledFor: _s, ...old } = GRADUAL;
    expect(parseConfirmMetadata(JSON.stringify(old)).scheduledFor).toBeNull();
  });
});
