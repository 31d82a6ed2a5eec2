/** Trigger state per service and version (see src/domain/triggers.ts), kept across restarts. */
import type { TriggerState } from '../domain/triggers.ts';
import type { Database } from './db.ts';

export function createTriggerStateRepository(db: Database) {
  const select = db.prepare<[string, string], { state: string }>(`SELECT state FROM trigger_states WHERE service = ? AND version = ?`);
  const upsert = db.prepare(
    `INSERT INTO trigger_states (service, version, state, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (service, version) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  );
  return {
    get(service: string, version: string): TriggerState | null {
      const row = select.get(service, version);
      return row ? (JSON.parse(row.state) as TriggerState) : null;
    },
    save(service: string, version: string, state: TriggerState, at: number): void {
      upsert.run(service, version, JSON.stringify(state), at);
    },
  };
}

export type TriggerStateRepository = ReturnType<typeof createTriggerStateRepository>;
