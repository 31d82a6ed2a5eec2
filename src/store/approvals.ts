/**
 * Approvals of a rollback (or of a pending rollback request) by approvers. With
 * `requiredApprovals: 2` a second, different approver must confirm: one row per (subject, approver)
 * makes a repeated click by the same person count once.
 */
import type { SqlDatabase } from './sql.ts';

export interface Approval {
  /** The rollback id or request id being approved. */
  subject: string;
  /** Slack user ID. */
  approver: string;
  at: number;
  note: string | null;
}

interface ApprovalRow {
  subject: string;
  approver: string;
  at: number;
  note: string | null;
}

function toApproval(row: ApprovalRow): Approval {
  return { subject: row.subject, approver: row.approver, at: row.at, note: row.note };
}

export function createApprovalRepository(db: SqlDatabase) {
  const insert = db.prepare(
    `INSERT INTO approvals (subject, approver, at, note) VALUES (@subject, @approver, @at, @note)
     ON CONFLICT (subject, approver) DO NOTHING`,
  );
  const selectForSubject = db.prepare<[string], ApprovalRow>(
    `SELECT subject, approver, at, note FROM approvals WHERE subject = ? ORDER BY at, approver`,
  );
  const selectOne = db.prepare<[string, string], { n: number }>(
    `SELECT count(*) AS n FROM approvals WHERE subject = ? AND approver = ?`,
  );
  const selectCount = db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM approvals WHERE subject = ?`);

  return {
    /** Records an approval; false when this approver had already approved this subject. */
    record(approval: Omit<Approval, 'note'> & { note?: string | null }): boolean {
      return insert.run({ ...approval, note: approval.note ?? null }).changes === 1;
    },

    /** Oldest first. */
    list(subject: string): Approval[] {
      return selectForSubject.all(subject).map(toApproval);
    },

    has(subject: string, approver: string): boolean {
      return (selectOne.get(subject, approver)?.n ?? 0) > 0;
    },

    /** Number of distinct approvers of the subject. */
    count(subject: string): number {
      return selectCount.get(subject)?.n ?? 0;
    },
  };
}

export type ApprovalRepository = ReturnType<typeof createApprovalRepository>;
