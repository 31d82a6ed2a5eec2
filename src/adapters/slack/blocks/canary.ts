/**
 * The modal that asks for the fixed version before a cautious canary (修正版の準備 → 再デプロイ).
 * What it shows — the incident, its service, the stable version, the steps and settings — travels in
 * `private_metadata`, and the submission plans again from the state then and must find the same
 * (FixCanary.check): a modal left open for an hour, or forged metadata, cannot start a canary other
 * than the one shown.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import type { CanaryPlan } from '../../../services/fix-canary.ts';
import type { CanaryShown } from '../../../services/plan-changes.ts';
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
    section(
      `${s.plan(steps, formatElapsed(plan.observeMs, locale), stable)}\n${s.abortNote(escapeMrkdwn(plan.abortIf))}`,
    ),
  ];
  if (plan.requiredApprovals >= 2) blocks.push(section(s.approvalNote(plan.requiredApprovals)));
  if (plan.dryRun) blocks.push(section(s.dryRunWarning));
  return {
    type: 'modal',
    callback_id: VIEW.canaryFix,
    private_metadata: JSON.stringify(shownOf(plan)),
    title: plain(s.title, SLACK_LIMITS.modalTitle),
    submit: plain(s.submit, SLACK_LIMITS.modalButton),
    close: plain(s.close, SLACK_LIMITS.modalButton),
    blocks,
  };
}

const CANARY_SHOWN = z
  .object({
    incidentId: z.string().min(1),
    service: z.string().min(1),
    fromVersion: z.string().min(1),
    steps: z.array(z.number().min(0).max(100)).min(1),
    requiredApprovals: z.number().int().min(1),
    dryRun: z.boolean(),
  })
  .strict();

function shownOf(plan: CanaryPlan): CanaryShown {
  const { incidentId, service, fromVersion, steps, requiredApprovals, dryRun } = plan;
  return { incidentId, service, fromVersion, steps, requiredApprovals, dryRun };
}

/** What the modal showed; throws naming what is wrong on anything canaryModal did not write. */
export function parseCanaryMetadata(text: string): CanaryShown {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('canary metadata is not valid JSON');
  }
  const parsed = CANARY_SHOWN.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new Error(`canary metadata has the wrong shape: ${problems.join('; ')}`);
  }
  return parsed.data;
}
