/**
 * The identifiers that tie a rendered Block Kit element to the listener that handles it. Builders
 * put them in blocks; listeners register on them. One list, so the two can never drift apart.
 */
export const ACTION = {
  // The judgment matrix selects on the head message; value = the chosen option.
  userImpact: 'matrix_user_impact',
  businessImpact: 'matrix_business_impact',
  fixTime: 'matrix_fix_time',
  // Decision buttons on the head message; value = incident id.
  immediate: 'decide_immediate',
  gradual: 'decide_gradual',
  fix: 'decide_fix',
  nextRelease: 'decide_next_release',
  acknowledge: 'incident_acknowledge',
  resolve: 'incident_resolve',
  /** On the resolved note: draft the RCA; value = incident id. */
  draftRca: 'incident_draft_rca',
  /** The fix-preparation checkboxes (two parts: Slack allows ten options per element). */
  fixPrep: 'incident_fix_prep',
  // Rollback control buttons (head message and thread); value = rollback id.
  approve: 'rollback_approve',
  pause: 'rollback_pause',
  resume: 'rollback_resume',
  abort: 'rollback_abort',
  /**
   * On the fix-prep note (and the "try a fix" decision): re-deploy the fix as a cautious canary; value = incident id.
   */
  canaryFix: 'canary_fix',
  // Drills. drillPrep / drillReview: checkboxes, block_id `<BLOCK>:<drill id>`; drillRate: value `<drill id>:<1-5>`.
  drillPrep: 'drill_prep',
  drillReview: 'drill_review',
  drillRate: 'drill_rate',
  /** Abort a running drill (removes the fault); value = drill id. */
  drillAbort: 'drill_abort',
  /** After a rollback that paused its GitOps owner's sync: turn it back on; value = rollback id. */
  gitopsResume: 'gitops_resume',
  /** On a routing drift note: write Rewind's split back (approvers) or accept the new one; value = drift id. */
  driftReapply: 'drift_reapply',
  driftAccept: 'drift_accept',
  // App Home: open an incident's thread is a plain link; nothing to handle.
} as const;

export type ActionId = (typeof ACTION)[keyof typeof ACTION];

/**
 * The scorecard's rating buttons are `drill_rate:<n>`: Slack refuses a message whose block repeats
 * an action_id (the score is in the value). Scorecards posted before carry a bare `drill_rate`.
 */
export const drillRateActionId = (n: number): string => `${ACTION.drillRate}:${n}`;
export const DRILL_RATE_ACTION = new RegExp(`^${ACTION.drillRate}(?::\\d{1,3})?$`);

/** Block ids of the head message's input-like parts, so a state read finds them. */
export const BLOCK = {
  matrix: 'matrix',
  decisions: 'decisions',
  rollbackControls: 'rollback_controls',
  /** `fix_prep:<part>`, part 0 or 1; the value of each option is the item key. */
  fixPrep: 'fix_prep',
  /** The version input of the cautious-canary modal. */
  canaryVersion: 'canary_version',
  drillPrep: 'drill_prep',
  drillReview: 'drill_review',
  drillRate: 'drill_rate',
  /** The Re-apply and Accept buttons under a routing drift note. */
  drift: 'drift',
} as const;

/** Modal callback ids. */
export const VIEW = {
  confirmRollback: 'confirm_rollback',
  canaryFix: 'canary_fix',
  /** Resume a GitOps sync whose source still has the revision it had at the pause; metadata = rollback id. */
  confirmGitOpsResume: 'confirm_gitops_resume',
} as const;

/** Slash command names, as registered in manifest.yml. */
export const COMMAND = {
  rollback: '/rollback',
  incident: '/incident',
  drill: '/drill',
} as const;
