/**
 * The values inside Slack deliveries that Rewind itself reads further: slash-command text (words
 * of the command grammar, names from the context, and noise, joined by the separators keyboards
 * produce) and modal private_metadata (what the modal builders write, then spoiled).
 */
import fc from 'fast-check';
import { COMMAND } from '../../../src/adapters/slack/ids.ts';
import {
  DRILL_SUBCOMMANDS,
  INCIDENT_SUBCOMMANDS,
  ROLLBACK_SUBCOMMANDS,
} from '../../../src/adapters/slack/commands/types.ts';
import { BAD_PERCENT, LONE_SURROGATES, junkString, mutate, type FieldSpec, type Json } from './mutations.ts';
import type { SlackFuzzContext } from './slack.ts';

const SUBCOMMANDS: Record<string, readonly string[]> = {
  [COMMAND.rollback]: ROLLBACK_SUBCOMMANDS,
  [COMMAND.incident]: INCIDENT_SUBCOMMANDS,
  [COMMAND.drill]: DRILL_SUBCOMMANDS,
};

const KEYWORDS = ['to', 'at', '--dry-run', '—dry-run', 'immediate', 'gradual', 'help', 'HELP', 'Immediate'];
const TIMES = [
  '10:00',
  '23:59',
  '24:00',
  'tomorrow 09:30',
  '2026-01-05 10:00',
  '2026-02-30 10:00',
  '+2h',
  'in 5m',
  'now',
  '１０：００',
];
const SEPARATORS = [' ', ' ', '  ', '\u3000', '\t', '\n', '\u00a0', '\u200b '];

/** `/rollback immediate prompt-service to v1.5.0`, `/incident ack INC-…`, `/drill run x --dry-run`, and worse. */
export function commandText(ctx: SlackFuzzContext, command: string): fc.Arbitrary<string> {
  const names = [...ctx.services, ...ctx.versions, ...ctx.scenarios, ...ctx.incidentIds, ...ctx.drillIds];
  const word = fc.oneof(
    { arbitrary: fc.constantFrom(...(names.length > 0 ? names : ['x'])), weight: 4 },
    { arbitrary: fc.constantFrom(...KEYWORDS, ...TIMES), weight: 3 },
    { arbitrary: junkString, weight: 2 },
    {
      arbitrary: fc.constantFrom(...BAD_PERCENT, ...LONE_SURROGATES, '&lt;!channel&gt;', '“quoted words”', "'single'"),
      weight: 1,
    },
  );
  const sub = fc.oneof(
    { arbitrary: fc.constantFrom(...(SUBCOMMANDS[command] ?? ['help'])), weight: 5 },
    { arbitrary: junkString, weight: 1 },
  );
  return fc
    .tuple(
      sub,
      fc.array(fc.tuple(fc.constantFrom(...SEPARATORS), word), { maxLength: 6 }),
      fc.constantFrom('', ' ', '\n'),
    )
    .map(([s, rest, tail]) => `${s}${rest.map(([sep, w]) => sep + w).join('')}${tail}`);
}

const PLAN_FIELDS: readonly FieldSpec[] = [
  { path: ['incidentId'], kind: 'text', required: true, nullable: true },
  { path: ['service'], kind: 'text', required: true },
  { path: ['fromVersion'], kind: 'text', required: true, nullable: true },
  { path: ['toVersion'], kind: 'text', required: true },
  { path: ['strategy'], kind: 'literal', required: true, allowed: ['immediate', 'gradual'] },
  { path: ['phases'], kind: 'array', required: true },
  { path: ['requiredApprovals'], kind: 'number', required: true },
  { path: ['dryRun'], kind: 'boolean', required: true },
  { path: ['scheduledFor'], kind: 'number', required: false, nullable: true },
  { path: ['requestedTo'], kind: 'text', required: false, nullable: true },
];

const CANARY_FIELDS: readonly FieldSpec[] = [
  { path: ['incidentId'], kind: 'text', required: true },
  { path: ['service'], kind: 'text', required: true },
  { path: ['fromVersion'], kind: 'text', required: true },
  { path: ['steps'], kind: 'array', required: true },
  { path: ['requiredApprovals'], kind: 'number', required: true },
  { path: ['dryRun'], kind: 'boolean', required: true },
];

/**
 * The confirmation modal's metadata: a plan as confirmRollbackModal writes it, spoiled field by
 * field, or not JSON at all. The modal's listener reads it itself and tells the person when it
 * cannot, so every variant is a well-formed delivery.
 */
export function confirmMetadata(ctx: SlackFuzzContext): fc.Arbitrary<string> {
  const plan = fc
    .record({
      incidentId: fc.option(fc.constantFrom(...ctx.incidentIds, 'INC-00000000-000')),
      service: fc.constantFrom(...ctx.services, 'no-such-service'),
      fromVersion: fc.option(fc.constantFrom(...ctx.versions, 'v0')),
      toVersion: fc.constantFrom(...ctx.versions, 'v9.9.9'),
      strategy: fc.constantFrom('immediate', 'gradual'),
      phases: fc.constantFrom([25, 5, 0], [50, 0], [], [101], [-1]),
      requiredApprovals: fc.integer({ min: 0, max: 3 }),
      dryRun: fc.boolean(),
      scheduledFor: fc.option(fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 })),
      requestedTo: fc.option(fc.constantFrom(...ctx.versions, 'v9.9.9')),
    })
    .map((p) => p as unknown as Json);
  return fc.oneof(
    { arbitrary: mutate(plan, () => PLAN_FIELDS).map((m) => JSON.stringify(m.value)), weight: 6 },
    { arbitrary: junkString, weight: 1 },
    { arbitrary: fc.constantFrom('', 'null', '[]', '{"incidentId":', '{"__proto__":{"polluted":true}}'), weight: 1 },
  );
}

/**
 * The canary modal's metadata: what it showed as canaryModal writes it, spoiled field by field, an older Rewind's
 * `{"incidentId": …}`, or not JSON.
 */
export function canaryMetadata(ctx: SlackFuzzContext): fc.Arbitrary<string> {
  const shown = fc
    .record({
      incidentId: fc.constantFrom(...ctx.incidentIds, 'INC-00000000-000'),
      service: fc.constantFrom(...ctx.services, 'no-such-service'),
      fromVersion: fc.constantFrom(...ctx.versions, 'v0'),
      steps: fc.constantFrom([1, 5, 25, 50, 100], [1, 100], [], [101]),
      requiredApprovals: fc.integer({ min: 0, max: 3 }),
      dryRun: fc.boolean(),
    })
    .map((p) => p as unknown as Json);
  return fc.oneof(
    { arbitrary: mutate(shown, () => CANARY_FIELDS).map((m) => JSON.stringify(m.value)), weight: 4 },
    {
      arbitrary: fc
        .constantFrom(...ctx.incidentIds, 'INC-00000000-000')
        .map((incidentId) => JSON.stringify({ incidentId })),
      weight: 1,
    },
    {
      arbitrary: fc
        .oneof(junkString, fc.integer(), fc.constant(null))
        .map((incidentId) => JSON.stringify({ incidentId })),
      weight: 1,
    },
    { arbitrary: fc.constantFrom('', '{}', 'null', '{"incidentId":', '"INC-1"'), weight: 1 },
  );
}
