/**
 * Who set a routing object's routing fields last, from `metadata.managedFields`: the entry whose
 * fields cover one of the paths, the latest by time. The drift watch uses it to tell Rewind's own
 * writes from anybody else's, and the read-modify-write loop to tell whose change a 409 was.
 * Imports nothing, so the router modules config loads stay free of the client library.
 */

type FieldsNode = { [key: string]: FieldsNode | undefined };

/** A managedFields entry as far as it is read here: listed objects carry `time` as a Date, watched ones as text. */
export interface ManagedFields {
  manager?: string | undefined;
  fieldsV1?: object | undefined;
  time?: Date | string | undefined;
}

const covers = (fields: unknown, path: readonly string[]): boolean => {
  let node = fields as FieldsNode | undefined;
  for (const key of path) node = node?.[`f:${key}`];
  return node !== undefined;
};

/** The field manager that set any of `paths` last (the latest entry by time; the later one listed on a tie). */
export function lastRoutingWriter(entries: readonly ManagedFields[], paths: readonly string[][]): string | null {
  let writer: { manager: string; at: number } | null = null;
  for (const entry of entries) {
    if (!entry.manager || !paths.some((p) => covers(entry.fieldsV1, p))) continue;
    const at = entry.time ? new Date(entry.time).getTime() : 0;
    if (!writer || at >= writer.at) writer = { manager: entry.manager, at };
  }
  return writer?.manager ?? null;
}
