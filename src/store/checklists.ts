/** Checklist state per incident: the set of ticked items, replaced as a whole by each change. */
import type { SqlDatabase } from './sql.ts';

export interface CheckedItem {
  item: string;
  checkedBy: string;
  checkedAt: number;
}

export function createChecklistRepository(db: SqlDatabase) {
  const select = db.prepare<[string, string], { item: string; checked_by: string; checked_at: number }>(
    `SELECT item, checked_by, checked_at FROM checklist_items WHERE incident_id = ? AND list = ? ORDER BY item`,
  );
  const insert = db.prepare(
    `INSERT INTO checklist_items (incident_id, list, item, checked_by, checked_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  );
  const remove = db.prepare(`DELETE FROM checklist_items WHERE incident_id = ? AND list = ? AND item = ?`);
  const setTx = db.transaction((incidentId: string, list: string, items: readonly string[], by: string, at: number) => {
    const before = new Set(select.all(incidentId, list).map((r) => r.item));
    for (const item of before) if (!items.includes(item)) remove.run(incidentId, list, item);
    for (const item of items) if (!before.has(item)) insert.run(incidentId, list, item, by, at);
  });
  return {
    checked(incidentId: string, list: string): CheckedItem[] {
      return select
        .all(incidentId, list)
        .map((r) => ({ item: r.item, checkedBy: r.checked_by, checkedAt: r.checked_at }));
    },
    /** Makes exactly `items` ticked; items ticked before keep who ticked them. */
    set(incidentId: string, list: string, items: readonly string[], by: string, at: number): void {
      setTx.immediate(incidentId, list, items, by, at);
    },
  };
}

export type ChecklistRepository = ReturnType<typeof createChecklistRepository>;
