/**
 * What the presenter keeps in the outbox for each message: enough to send it again without the
 * moment it was made (a restart, a Slack outage), parsed with zod when it is sent, and the queue it
 * goes out on.
 */
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { ALERT_LINK_KINDS } from '../../domain/alert-links.ts';
import type { DrillNotice } from '../../services/drill-ports.ts';
import type { IncidentNotice } from '../../services/ports.ts';
import { NAME_SHOWN, SUMMARY_SHOWN, ALERTS_LISTED } from './blocks/alert-notes.ts';
import { SLACK_LIMITS, clip } from './blocks/limits.ts';

export type AlertNotice = Extract<IncidentNotice, { kind: 'alert' }>;

/** Alert notes list this many alerts; the rest are counted. */
export const ALERTS_KEPT = 50;

/**
 * An alert as an alert note keeps it: name and summary as long as a note shows them, and links only
 * for the alerts a note lists (`at` is its place in the batch) — a 1 MiB summary, or fifty alerts'
 * links, must not be rewritten with every alert that joins.
 */
export const kept = (n: AlertNotice, at: number): AlertNotice => ({
  ...n,
  summary: clip(n.summary, SUMMARY_SHOWN),
  name: n.name === null ? null : clip(n.name, NAME_SHOWN),
  links: at < ALERTS_LISTED ? n.links : {},
});

export const countMore = (notices: readonly AlertNotice[]) => ({
  firing: notices.filter((n) => n.status === 'firing').length,
  resolved: notices.filter((n) => n.status !== 'firing').length,
});

/** Texts are clipped when made, but an outbox row may be older than that (a 200 KB notice once waited there). */
export const fit = (text: string): string => clip(text, SLACK_LIMITS.messageText);

/** Blocks as the builders made them; Slack itself checks them when they are sent. */
const blocks = z.array(
  z.custom<KnownBlock>((v) => typeof v === 'object' && v !== null && 'type' in v && typeof v.type === 'string'),
);
const alertNotice = z.object({
  kind: z.literal('alert'),
  source: z.string(),
  severity: z.enum(['watch', 'warning', 'critical']),
  summary: z.string(),
  status: z.enum(['firing', 'resolved']),
  // Absent in rows queued before alert notes carried names and links.
  name: z.string().nullable().default(null),
  links: z.partialRecord(z.enum(ALERT_LINK_KINDS), z.string()).default({}),
});

const drillNotice = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('announcement'), drillId: z.string(), reminder: z.boolean() }),
  z.object({ kind: z.literal('started'), drillId: z.string() }),
  z.object({ kind: z.literal('missed'), drillId: z.string() }),
  // Rows queued when this notice carried the removal's note and reason still parse: the drill row
  // keeps both, and the extra fields are dropped.
  z.object({ kind: z.literal('fault_removed'), drillId: z.string() }),
  z.object({ kind: z.literal('ended'), drillId: z.string() }),
  z.object({ kind: z.literal('scorecard'), drillId: z.string() }),
]) satisfies z.ZodType<DrillNotice>;

const alertCounts = z.object({ firing: z.number(), resolved: z.number() });
/** The escalation level a DM belongs to (absent in rows queued before DMs named it). */
const dmAbout = z.object({ incidentId: z.string(), level: z.number(), label: z.string() });

export const pendingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('render'), incidentId: z.string() }),
  z.object({ kind: z.literal('thread'), incidentId: z.string(), text: z.string(), blocks }),
  z.object({ kind: z.literal('alerts'), incidentId: z.string(), notices: z.array(alertNotice), more: alertCounts }),
  // `blocks`: a channel notice with buttons (a routing drift with no incident open); absent in older rows.
  z.object({ kind: z.literal('channel'), text: z.string(), blocks: blocks.optional() }),
  z.object({ kind: z.literal('dm'), user: z.string(), text: z.string(), about: dmAbout.optional() }),
  z.object({
    kind: z.literal('escalation_dms'),
    incidentId: z.string(),
    level: z.number(),
    label: z.string(),
    notify: z.array(z.string()),
    key: z.string(),
  }),
  z.object({ kind: z.literal('file'), incidentId: z.string(), filename: z.string(), content: z.string() }),
  z.object({ kind: z.literal('stakeholder'), incidentId: z.string() }),
  z.object({ kind: z.literal('drill'), notice: drillNotice }),
]);
export type Pending = z.infer<typeof pendingSchema>;

/** Writes `pending` to the outbox on `queue`; the same dedup key again queues nothing. */
export type PostToOutbox = (queue: string, pending: Pending, dedupKey?: string | null) => void;

/**
 * The queues: one per incident (head message and thread, in order), per stakeholder notice, per
 * escalation firing, per person's DMs, per drill, and the channel's own notices.
 */
export const queueOf = {
  incident: (id: string) => `incident:${id}`,
  stakeholders: (id: string) => `stakeholders:${id}`,
  escalation: (key: string) => `dms:${key}`,
  dm: (user: string) => `dm:${user}`,
  drill: (id: string) => `drill:${id}`,
  channel: 'channel',
};
