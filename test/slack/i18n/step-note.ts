/**
 * A rollback step note as the thread shows it, for the walk tests of what a step says: the rollback
 * it belongs to, the names that stay as they are in Japanese, and the note rendered in a locale.
 */
import { noteMessage } from '../../../src/adapters/slack/blocks/notes.ts';
import type { Note, RollbackView } from '../../../src/adapters/slack/blocks/view-models.ts';
import type { Locale } from '../../../src/adapters/slack/i18n/locale.ts';
import type { StepFact, StepTitle } from '../../../src/domain/step-facts.ts';

export const ROLLBACK: RollbackView = {
  id: 'RB-20260105-001',
  service: 'prompt-service',
  strategy: 'gradual',
  status: 'running',
  fromVersion: 'v2.0.0',
  toVersion: 'v1.5.0',
  newVersionWeight: 25,
  phase: 1,
  phaseCount: 3,
  approvals: { have: 1, need: 1, by: ['U0LEAD'] },
  startedBy: 'U0LEAD',
  scheduledFor: null,
  error: null,
};

/** Names that stay as they are in Japanese: the service, the metrics, Kubernetes' own words, the stand-in's ids. */
export const NAMES = [
  'prompt-service',
  'availability',
  'p95_latency',
  'cost_per_request',
  'eval_score',
  'first_token_latency',
  'PATCH',
  'prompts/prompt-service',
  'kubeconfig',
  'U0LEAD',
  'Asia',
  'Tokyo',
];

/** A failed step's note with these facts, as the thread shows it in the locale. */
export function renderStep(
  facts: StepFact[],
  locale: Locale,
  title: StepTitle = { kind: 'set_weight', weight: 25 },
  name = 'set 25%',
): string {
  const note: Note = {
    kind: 'rollback_step',
    rollback: ROLLBACK,
    seq: 2,
    total: 8,
    name,
    title,
    status: 'failed',
    elapsedMs: 45_000,
    budgetMs: 30_000,
    facts,
  };
  return noteMessage(note, locale, 'Asia/Tokyo').text;
}
