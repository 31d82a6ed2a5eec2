/** Trigger state per service and version (see src/domain/triggers.ts), kept across restarts. */
import { z } from 'zod';
import type { TriggerState } from '../domain/triggers.ts';
import { TIER } from './columns.ts';
import type { SqlDatabase } from './sql.ts';
import { parseJsonColumn, toJson } from './json.ts';

const TIER_STATE = z.object({ pendingSince: z.number().nullable(), firingSince: z.number().nullable() });
const TRIGGER_STATE: z.ZodType<TriggerState> = z.object({
  tiers: z.object({ critical: TIER_STATE, warning: TIER_STATE, watch: TIER_STATE }),
  firing: TIER.nullable(),
});

export function createTriggerStateRepository(db: SqlDatabase) {
  const select = db.prepare<[string, string], { state: string }>(
    `SELECT state FROM trigger_states WHERE service = ? AND version = ?`,
  );
  const upsert = db.prepare(
    `INSERT INTO trigger_states (service, version, state, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (service, version) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  );
  return {
    get(service: string, version: string): TriggerState | null {
      const row = select.get(service, version);
      if (!row) return null;
      return parseJsonColumn(TRIGGER_STATE, row.state, {
        table: 'trigger_states',
        id: `${service} ${version}`,
        column: 'state',
      });
    },
    save(service: string, version: string, state: TriggerState, at: number): void {
      upsert.run(service, version, toJson(state), at);
    },
  };
}

export type TriggerStateRepository = ReturnType<typeof createTriggerStateRepository>;
