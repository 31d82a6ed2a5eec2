import type { Migration } from './index.ts';

/**
 * What an alert note shows beyond the summary: the alert's own name (the rule that fired) and the
 * links it carries that are neither label nor annotation — the source graph (`generatorURL`),
 * Grafana's dashboard and panel, the silence page — as a JSON object of http(s) URLs by kind.
 * Alerts stored before keep their record: the name is read back from `labels.alertname`, which
 * is where every source but a generic alert without labels has it.
 */
export const migration010: Migration = {
  version: 10,
  name: 'alert_links',
  sql: `
ALTER TABLE alerts ADD COLUMN name TEXT;
ALTER TABLE alerts ADD COLUMN links TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(links));
UPDATE alerts SET name = NULLIF(TRIM(json_extract(labels, '$.alertname')), '')
  WHERE json_type(labels, '$.alertname') = 'text';
`,
};
