/**
 * The judgment matrix of the runbook (手動ロールバック判断基準 → 2. 判断マトリックス): three answers
 * about the problem give a recommended action. Rules are read top to bottom, the first match wins,
 * and `-` matches any answer; when no rule matches the configured default applies.
 */
import type { Action, BusinessImpact, FixTime, UserImpact } from './types.ts';

/** Matches any answer in a rule column (the runbook's `-`). */
export const ANY = '-';

export interface MatrixRule {
  userImpact: UserImpact | typeof ANY;
  businessImpact: BusinessImpact | typeof ANY;
  fixTime: FixTime | typeof ANY;
  action: Action;
}

export interface Matrix {
  rules: MatrixRule[];
  default: Action;
}

/** The answers given so far; a question not answered yet is absent. */
export interface Assessment {
  userImpact?: UserImpact;
  businessImpact?: BusinessImpact;
  fixTime?: FixTime;
}

export interface Recommendation {
  action: Action;
  /** Index of the matching rule in `matrix.rules`; null when the default applied. */
  rule: number | null;
}

/**
 * The runbook's five rows (ユーザー影響 / ビジネス影響 / 修正時間 → アクション) with the default of
 * config-reference.yml: a combination the runbook does not list gets a gradual rollback, the
 * cautious middle between rolling back everything at once and leaving the version in place.
 */
export const RUNBOOK_MATRIX: Matrix = {
  rules: [
    { userImpact: 'all', businessImpact: 'high', fixTime: ANY, action: 'immediate' }, // 全体 / 高 / -
    { userImpact: 'all', businessImpact: 'medium', fixTime: 'long', action: 'immediate' }, // 全体 / 中 / 長
    { userImpact: 'partial', businessImpact: 'high', fixTime: 'long', action: 'gradual' }, // 一部 / 高 / 長
    { userImpact: 'partial', businessImpact: 'medium', fixTime: 'short', action: 'fix' }, // 一部 / 中 / 短
    { userImpact: 'minor', businessImpact: 'low', fixTime: ANY, action: 'next_release' }, // 軽微 / 低 / -
  ],
  default: 'gradual',
};

function matches<T extends string>(ruleValue: T | typeof ANY, answer: T): boolean {
  return ruleValue === ANY || ruleValue === answer;
}

/**
 * The recommended action, or null while any of the three questions is unanswered: recommending
 * from a partial assessment would show an action the matrix may not support.
 */
export function recommend(matrix: Matrix, assessment: Assessment): Recommendation | null {
  const { userImpact, businessImpact, fixTime } = assessment;
  if (userImpact === undefined || businessImpact === undefined || fixTime === undefined) return null;
  const index = matrix.rules.findIndex(
    (r) => matches(r.userImpact, userImpact) && matches(r.businessImpact, businessImpact) && matches(r.fixTime, fixTime),
  );
  const rule = matrix.rules[index];
  return rule ? { action: rule.action, rule: index } : { action: matrix.default, rule: null };
}
