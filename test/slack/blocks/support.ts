/**
 * Fixtures and Block Kit walkers for the builder tests. The limit checker here is written from
 * Slack's documentation independently of src/…/limits.ts, so a wrong constant there cannot hide a
 * too-long text.
 */
import type {
  AnyBlock,
  Button,
  ConfirmationDialog,
  KnownBlock,
  PlainTextOption,
  StaticSelect,
  TextObject,
} from '@slack/types';
import type { RollbackView, IncidentView } from '../../../src/adapters/slack/blocks/view-models.ts';
import { ACTIONS, type Incident } from '../../../src/domain/types.ts';

export const M = 60_000;
export const START = Date.UTC(2026, 0, 5, 9, 0, 0);

export function makeIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-20260105-001',
    service: 'prompt-service',
    version: 'v2.0.0',
    severity: 'warning',
    status: 'awaiting_decision',
    title: 'error_rate above the warning threshold',
    drill: false,
    startedAt: START,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    slackChannel: 'C0INCIDENT',
    slackTs: '1767603600.000100',
    ...overrides,
  };
}

export function makeRollback(overrides: Partial<RollbackView> = {}): RollbackView {
  return {
    id: 'RB-0001',
    service: 'prompt-service',
    strategy: 'gradual',
    status: 'running',
    fromVersion: 'v2.0.0',
    toVersion: 'v1.5.0',
    newVersionWeight: 25,
    phase: 2,
    phaseCount: 3,
    approvals: { have: 1, need: 1, by: ['U0LEAD'] },
    startedBy: 'U0LEAD',
    scheduledFor: null,
    error: null,
    ...overrides,
  };
}

export function makeView(overrides: Partial<IncidentView> = {}): IncidentView {
  return {
    incident: makeIncident(),
    now: START + 12 * M + 30_000,
    breaches: [{ metric: 'error_rate', op: '>', value: 0.125, threshold: 0.1 }],
    assessment: {},
    recommendation: null,
    actions: ACTIONS,
    decision: null,
    rollback: null,
    escalation: null,
    ...overrides,
  };
}

type AnyElement = Button | StaticSelect | { type: string; action_id?: string };

/** Every interactive element: actions-block elements and section accessories. */
export function interactiveElements(blocks: readonly AnyBlock[]): AnyElement[] {
  const out: AnyElement[] = [];
  for (const b of blocks as KnownBlock[]) {
    if (b.type === 'actions') out.push(...(b.elements as AnyElement[]));
    if (b.type === 'section' && b.accessory) out.push(b.accessory as AnyElement);
    if (b.type === 'input') out.push(b.element as AnyElement);
  }
  return out;
}

export function buttons(blocks: readonly AnyBlock[]): Button[] {
  return interactiveElements(blocks).filter((e): e is Button => e.type === 'button');
}

export function buttonByAction(blocks: readonly AnyBlock[], actionId: string): Button | undefined {
  return buttons(blocks).find((b) => b.action_id === actionId);
}

export function actionIds(blocks: readonly AnyBlock[]): string[] {
  return interactiveElements(blocks).map((e) => e.action_id ?? '');
}

export function blockById<T extends KnownBlock['type']>(
  blocks: readonly AnyBlock[],
  blockId: string,
  type: T,
): Extract<KnownBlock, { type: T }> | undefined {
  return (blocks as KnownBlock[]).find(
    (b): b is Extract<KnownBlock, { type: T }> => b.block_id === blockId && b.type === type,
  );
}

function textOf(t: TextObject | undefined): string[] {
  return t ? [t.text] : [];
}

function confirmTexts(c: ConfirmationDialog | undefined): string[] {
  if (!c) return [];
  return [...textOf(c.title), ...textOf(c.text), ...textOf(c.confirm), ...textOf(c.deny)];
}

function optionTexts(options: readonly PlainTextOption[] | undefined): string[] {
  return (options ?? []).map((o) => o.text.text);
}

/** Every human-readable text in the blocks, element labels and confirm dialogs included. */
export function allTexts(blocks: readonly AnyBlock[]): string[] {
  const out: string[] = [];
  for (const b of blocks as KnownBlock[]) {
    if (b.type === 'header') out.push(b.text.text);
    if (b.type === 'section') {
      out.push(...textOf(b.text));
      for (const f of b.fields ?? []) out.push(f.text);
    }
    if (b.type === 'context')
      for (const e of b.elements) if ('text' in e && typeof e.text === 'string') out.push(e.text);
  }
  for (const e of interactiveElements(blocks)) {
    if (e.type === 'button') {
      const btn = e as Button;
      out.push(btn.text.text, ...confirmTexts(btn.confirm));
    }
    if (e.type === 'static_select') {
      const sel = e as StaticSelect;
      out.push(...textOf(sel.placeholder), ...optionTexts(sel.options));
    }
  }
  return out;
}

export function joinedText(blocks: readonly AnyBlock[]): string {
  return allTexts(blocks).join('\n');
}

/** What Slack would reject, from its Block Kit reference; an empty list means the payload is postable. */
export function limitViolations(blocks: readonly AnyBlock[], surface: 'message' | 'view'): string[] {
  const problems: string[] = [];
  const check = (what: string, text: string | undefined, max: number, min = 0): void => {
    if (text === undefined) return;
    if (text.length > max) problems.push(`${what}: ${text.length} > ${max}`);
    if (text.length < min) problems.push(`${what}: empty`);
  };
  const maxBlocks = surface === 'message' ? 50 : 100;
  if (blocks.length > maxBlocks) problems.push(`${blocks.length} blocks > ${maxBlocks}`);
  const checkConfirm = (where: string, c: ConfirmationDialog | undefined): void => {
    if (!c) return;
    check(`${where} confirm title`, c.title?.text, 100);
    check(`${where} confirm text`, c.text.text, 300, 1);
    check(`${where} confirm button`, c.confirm?.text, 30);
    check(`${where} deny button`, c.deny?.text, 30);
  };
  (blocks as KnownBlock[]).forEach((b, i) => {
    check(`block ${i} block_id`, b.block_id, 255);
    if (b.type === 'header') check(`header ${i}`, b.text.text, 150, 1);
    if (b.type === 'section') {
      if (!b.text && !b.fields) problems.push(`section ${i}: neither text nor fields`);
      check(`section ${i} text`, b.text?.text, 3000, 1);
      if ((b.fields ?? []).length > 10) problems.push(`section ${i}: more than 10 fields`);
      for (const f of b.fields ?? []) check(`section ${i} field`, f.text, 2000, 1);
    }
    if (b.type === 'context') {
      if (b.elements.length > 10) problems.push(`context ${i}: more than 10 elements`);
      for (const e of b.elements) if ('text' in e && typeof e.text === 'string') check(`context ${i}`, e.text, 2000, 1);
    }
    if (b.type === 'actions') {
      if (b.elements.length > 25) problems.push(`actions ${i}: more than 25 elements`);
      if (b.elements.length === 0) problems.push(`actions ${i}: no elements`);
      for (const e of b.elements) {
        check(`actions ${i} action_id`, e.action_id, 255);
        if (e.type === 'button') {
          check(`button ${e.action_id} text`, e.text.text, 75, 1);
          check(`button ${e.action_id} value`, e.value, 2000);
          checkConfirm(`button ${e.action_id}`, e.confirm);
        }
        if (e.type === 'static_select') {
          check(`select ${e.action_id} placeholder`, e.placeholder?.text, 150);
          for (const o of e.options ?? []) {
            check(`select ${e.action_id} option`, o.text.text, 75, 1);
            check(`select ${e.action_id} option value`, o.value, 150, 1);
          }
          if (
            e.initial_option &&
            !(e.options ?? []).some(
              (o) => o.value === e.initial_option?.value && o.text.text === e.initial_option?.text.text,
            )
          ) {
            problems.push(`select ${e.action_id}: initial_option is not one of its options`);
          }
        }
      }
    }
  });
  return problems;
}
