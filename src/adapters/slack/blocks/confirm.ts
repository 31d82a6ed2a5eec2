/**
 * The confirmation modal in front of a rollback (destructive buttons open a confirmation).
 * What the person saw travels in `private_metadata`; parseConfirmMetadata refuses any other shape,
 * and the submission is planned again from the state then and refused unless it is still exactly
 * what the modal showed (RollbackRequests.confirm): metadata comes back from Slack, and a signed
 * submission can be forged or a modal left open while the state moved on.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import { CONFIRM_STRINGS } from '../i18n/confirm.ts';
import type { Locale } from '../i18n/locale.ts';
import { TERMS } from '../i18n/terms.ts';
import { VIEW } from '../ids.ts';
import { mrkdwn, plain, section } from './elements.ts';
import type { GitOpsPlan } from '../../../services/rollback-planner.ts';
import { escapeMrkdwn, formatPercent, formatTimeInZone } from './format.ts';
import { gitopsLine } from './gitops.ts';
import { SLACK_LIMITS } from './limits.ts';

export interface ConfirmRollbackInput {
  incidentId: string | null;
  service: string;
  fromVersion: string | null;
  toVersion: string;
  strategy: 'immediate' | 'gradual';
  /** Gradual weights on the version being rolled back after each phase that runs, e.g. [25, 5, 0]. */
  phases: number[];
  /** Gradual: the share the version has now, read from the cluster (null: not read); the steps start there. */
  currentWeight: number | null;
  /** Gradual: configured phases at or above `currentWeight`, which are skipped. */
  skippedPhases: number[];
  requiredApprovals: number;
  dryRun: boolean;
  /** A planned rollback: when it runs (epoch ms); null runs as soon as it is confirmed. */
  scheduledFor: number | null;
  /** The `to` of `/rollback … to <version>`; absent or null: the target was the default one. */
  requestedTo?: string | null;
  /** Who re-applies the routing from git, as read for the dialog: shown, never kept in the metadata. */
  gitops?: GitOpsPlan;
}

const CONFIRM_INPUT = z
  .object({
    incidentId: z.string().min(1).nullable(),
    service: z.string().min(1),
    fromVersion: z.string().min(1).nullable(),
    toVersion: z.string().min(1),
    strategy: z.enum(['immediate', 'gradual']),
    phases: z.array(z.number().min(0).max(100)),
    // Absent from a dialog opened before the share was read: shown as not read, and planned again on submit anyway.
    currentWeight: z.number().min(0).max(100).nullable().default(null),
    skippedPhases: z.array(z.number().min(0).max(100)).default([]),
    requiredApprovals: z.number().int().min(1),
    dryRun: z.boolean(),
    scheduledFor: z.number().int().positive().nullable().default(null),
    requestedTo: z.string().min(1).nullable().optional(),
  })
  .strict()
  .refine((v) => v.strategy !== 'gradual' || v.phases.length > 0, {
    message: 'a gradual rollback needs at least one phase',
    path: ['phases'],
  });

/** `timeZone`: the team's zone (drills.timezone), in which a planned rollback's time is written. */
export function confirmRollbackModal(input: ConfirmRollbackInput, locale: Locale, timeZone: string): ModalView {
  const { gitops, ...kept } = input;
  const metadata = JSON.stringify(kept);
  if (metadata.length > SLACK_LIMITS.privateMetadata) {
    throw new Error(
      `confirm-rollback metadata is ${metadata.length} characters; Slack allows ${SLACK_LIMITS.privateMetadata}`,
    );
  }
  const s = CONFIRM_STRINGS[locale];
  const terms = TERMS[locale];
  const service = escapeMrkdwn(input.service);
  const from = input.fromVersion === null ? null : `\`${escapeMrkdwn(input.fromVersion)}\``;
  const to = `\`${escapeMrkdwn(input.toVersion)}\``;

  const intro = [s.intro(terms.strategy[input.strategy], service)];
  if (input.incidentId !== null) intro.push(s.forIncident(escapeMrkdwn(input.incidentId)));

  const plan =
    input.strategy === 'immediate'
      ? s.immediatePlan(from ?? terms.unknownVersion, to)
      : gradualText(input, from ?? terms.unknownVersion, locale);

  const blocks: KnownBlock[] = [
    section(intro.join('\n')),
    {
      type: 'section',
      fields: [
        mrkdwn(`${s.fromLabel}\n${from ?? s.unknownFrom}`, SLACK_LIMITS.sectionField),
        mrkdwn(`${s.toLabel}\n${to}`, SLACK_LIMITS.sectionField),
      ],
    },
    section(`${s.whatHappensLabel}\n${plan}`),
  ];
  if (input.scheduledFor !== null)
    blocks.push(section(s.plannedAt(formatTimeInZone(input.scheduledFor, timeZone, locale))));
  if (input.requiredApprovals >= 2) blocks.push(section(s.approvalNote(input.requiredApprovals)));
  if (input.dryRun) blocks.push(section(s.dryRunWarning));
  if (gitops) {
    const state = gitops.onRollback === 'pause' ? 'paused' : 'left_on';
    blocks.push(section(gitopsLine({ owner: gitops.owner, selfHeal: gitops.selfHeal, state }, locale)));
  }

  return {
    type: 'modal',
    callback_id: VIEW.confirmRollback,
    private_metadata: metadata,
    title: plain(s.title, SLACK_LIMITS.modalTitle),
    submit: plain(s.submit, SLACK_LIMITS.modalButton),
    close: plain(s.close, SLACK_LIMITS.modalButton),
    blocks,
  };
}

/** `50% → 25% → 5% → 0%`: from the share the version has now (the word for "now" when it was not read). */
export function weightSteps(start: number | null, phases: readonly number[], locale: Locale): string {
  return [start === null ? CONFIRM_STRINGS[locale].nowUnread : formatPercent(start), ...phases.map(formatPercent)].join(
    ' → ',
  );
}

/** The phases from the share read from the cluster, what happens to the phases above it, and abortIf. */
function gradualText(input: ConfirmRollbackInput, from: string, locale: Locale): string {
  const s = CONFIRM_STRINGS[locale];
  const lines = [s.gradualPlan(from, weightSteps(input.currentWeight, input.phases, locale), input.phases.length)];
  if (input.currentWeight === null) lines.push(s.gradualUnread(from));
  else if (input.skippedPhases.length > 0)
    lines.push(
      s.gradualSkipped(
        from,
        formatPercent(input.currentWeight),
        input.skippedPhases.map(formatPercent).join(', '),
        input.skippedPhases.length,
      ),
    );
  lines.push(s.gradualAbortNote);
  return lines.join('\n');
}

/**
 * Reads back the modal's `private_metadata`; throws naming what is wrong when it is not what confirmRollbackModal
 * wrote.
 */
export function parseConfirmMetadata(text: string): ConfirmRollbackInput {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `confirm-rollback metadata is not valid JSON (${err instanceof Error ? err.message : String(err)})`,
      { cause: err },
    );
  }
  const parsed = CONFIRM_INPUT.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new Error(`confirm-rollback metadata has the wrong shape: ${problems.join('; ')}`);
  }
  return parsed.data;
}
