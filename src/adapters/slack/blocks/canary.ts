/**
 * The modal that asks for the fixed version before a cautious canary (修正版の準備 → 再デプロイ).
 * Only the incident id travels in `private_metadata`: the submission plans again from the state
 * then, so a modal left open for an hour cannot start a canary the state no longer allows.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import type { CanaryPlan } from '../../../services/fix-canary.ts';
import { CANARY_STRINGS } from '../i18n/canary.ts';
import type { Locale } from '../i18n/locale.ts';
import { BLOCK, VIEW } from '../ids.ts';
import { mrkdwn, option, plain, section, staticSelect } from './elements.ts';
import { escapeMrkdwn, formatElapsed, formatPercent } from './format.ts';
import { SLACK_LIMITS } from './limits.ts';

/** The select's action id inside its input block. */
export const CANARY_VERSION_ACTION = 'version';

export function canaryModal(plan: CanaryPlan, locale: Locale): ModalView {
  const s = CANARY_STRINGS[locale];
  const stable = `\`${escapeMrkdwn(plan.fromVersion)}\``;
  const steps = plan.steps.map(formatPercent).join(' → ');
  const blocks: KnownBlock[] = [
    section(s.intro(escapeMrkdwn(plan.service), escapeMrkdwn(plan.incidentId))),
    { type: 'section', fields: [mrkdwn(s.stableLabel(escapeMrkdwn(plan.fromVersion)), SLACK_LIMITS.sectionField)] },
    {
      type: 'input',
      block_id: BLOCK.canaryVersion,
      label: plain(s.versionLabel, SLACK_LIMITS.inputLabel),
      element: staticSelect(
        CANARY_VERSION_ACTION,
        s.versionPlaceholder,
        plan.candidates.slice(0, SLACK_LIMITS.selectOptions).map((v) => option(v, v)),
        plan.toVersion ?? undefined,
      ),
    },
    section(`${s.plan(steps, formatElapsed(plan.observeMs, locale), stable)}\n${s.abortNote(escapeMrkdwn(plan.abortIf))}`),
  ];
  if (plan.requiredApprovals >= 2) blocks.push(section(s.approvalNote(plan.requiredApprovals)));
  if (plan.dryRun) blocks.push(section(s.dryRunWarning));
  return {
    type: 'modal',
    callback_id: VIEW.canaryFix,
    private_metadata: JSON.stringify({ incidentId: plan.incidentId }),
    title: plain(s.title, SLACK_LIMITS.modalTitle),
    submit: plain(s.submit, SLACK_LIMITS.modalButton),
    close: plain(s.close, SLACK_LIMITS.modalButton),
    blocks,
  };
}

/** The incident id the modal was opened for; throws on anything canaryModal did not write. */
export function parseCanaryMetadata(text: string): string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('canary metadata is not valid JSON');
  }
  const id = (raw as { incidentId?: unknown } | null)?.incidentId;
  if (typeof id !== 'string' || id.length === 0) throw new Error('canary metadata names no incident');
  return id;
}
