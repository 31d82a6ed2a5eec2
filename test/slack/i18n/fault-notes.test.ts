/**
 * What removing a drill's fault found, in Japanese: every kind of note is said in words, with the
 * names (URLs, Kubernetes objects, field paths) and the faults as found kept as written.
 */
import { describe, expect, it } from 'vitest';
import { removeNoteText } from '../../../src/adapters/slack/i18n/fault-notes.ts';
import type { RemoveNote } from '../../../src/domain/drill-records.ts';
import { englishWords } from '../../support/no-english.ts';

const TARGET = 'VirtualService prompt-service-staging';
const FIELD = 'spec.http[0].fault';
const URL = 'http://prompts.test/admin/fault';
const DRILL = 'DRILL-20260105-001';
const SIMULATED = { metrics: ['error_rate', 'p99_latency'], service: 'prompt-service', version: 'v2.0.0' };

const NOTES: { [K in RemoveNote['kind']]: Extract<RemoveNote, { kind: K }> } = {
  http_removed: { kind: 'http_removed', drillId: DRILL, url: URL },
  http_gone: { kind: 'http_gone', drillId: DRILL, url: URL, status: 404 },
  route_missing: { kind: 'route_missing', target: TARGET, routeIndex: 2 },
  fault_gone: { kind: 'fault_gone', target: TARGET, field: FIELD },
  fault_changed: {
    kind: 'fault_changed',
    target: TARGET,
    field: FIELD,
    found: '{"abort":{"httpStatus":503}}',
    ours: '{"abort":{"httpStatus":500}}',
  },
  fault_removed: { kind: 'fault_removed', target: TARGET, field: FIELD },
  fault_restored: { kind: 'fault_restored', target: TARGET, field: FIELD },
  simulated_inactive: { kind: 'simulated_inactive', drillId: DRILL, ...SIMULATED },
  simulated_cleared: { kind: 'simulated_cleared', ...SIMULATED },
  recorded: { kind: 'recorded', text: '障害を取り除きました' },
};

describe('a fault removal’s note', () => {
  it('is said in Japanese, every kind of it', () => {
    for (const note of Object.values(NOTES)) {
      const text = removeNoteText(note, 'ja');
      expect(
        englishWords(text, ['prompt-service-staging', 'prompt-service', 'p99_latency']),
        `${note.kind}: ${text}`,
      ).toEqual([]);
    }
    expect(removeNoteText(NOTES.fault_removed, 'ja')).toBe(`${TARGET} の \`${FIELD}\` から訓練の障害を取り除きました`);
  });

  it('keeps the English line the drill thread always showed', () => {
    expect(removeNoteText(NOTES.http_gone, 'en')).toBe(
      `${URL} answered 404: no fault of drill ${DRILL} there, already gone`,
    );
    expect(removeNoteText(NOTES.simulated_cleared, 'en')).toBe(
      'the simulated metrics script speaks again for error_rate, p99_latency of prompt-service v2.0.0',
    );
  });
});
