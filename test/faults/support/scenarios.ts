/**
 * The runbook driven the way people drive it, through the bot's real entry points only: an alert
 * on the generic webhook opens the incident, signed clicks answer the judgment matrix and press a
 * decision button, a signed view submission confirms the rollback, slash commands plan a rollback
 * or run a drill. Each helper waits for the bot's answer (a Slack call at the stand-in, a row in
 * the database) with a generous ceiling, never for a fixed time.
 */
import { ACTION, BLOCK, COMMAND, VIEW } from '../../../src/adapters/slack/ids.ts';
import type { IncidentRow, RollbackRow, Violation } from './invariants.ts';
import { LEAD, MIN, type Rig, type RigConfigDoc } from './rig.ts';

/**
 * The runbook's numbers, shortened where they only set how long a run takes, so twenty killed and
 * restarted rollbacks fit in CI: phases observed 4 minutes instead of 10, verification over 2
 * minutes instead of 5. The escalation levels (15 and 30 minutes) stay the runbook's.
 */
export function fastRunbook(doc: RigConfigDoc): void {
  doc.rollback.verifyWindow = '2m';
  doc.rollback.gradual.phases = [{ weight: 25, observe: '4m' }, { weight: 5, observe: '4m' }, { weight: 0 }];
}

/** Scaled time a scenario takes without faults, from its last interaction to its end. */
export const EXPECTED_MS = {
  immediate: 3 * MIN,
  gradual: 11 * MIN,
  planned: 9 * MIN,
  escalation: 31 * MIN,
  drill: 3 * MIN,
} as const;
export type ScenarioKind = keyof typeof EXPECTED_MS;

export const latestIncident = (rig: Rig): IncidentRow | undefined =>
  rig.read(
    (db) =>
      db
        .prepare(
          'SELECT id, status, slack_ts, started_at, drill, severity FROM incidents ORDER BY created_at DESC, id DESC ' +
            'LIMIT 1',
        )
        .get() as IncidentRow | undefined,
  );

export const rollbacksOf = (rig: Rig): RollbackRow[] =>
  rig.read(
    (db) =>
      db
        .prepare('SELECT id, incident_id, status, strategy, error FROM rollbacks ORDER BY created_at')
        .all() as RollbackRow[],
  );

/** An alert opens the incident; resolves once its head message is posted (its ts is stored). */
export async function openIncident(rig: Rig, ceilingMs = 30_000): Promise<IncidentRow & { slack_ts: string }> {
  const answer = await rig.alert();
  if (answer.status >= 300)
    throw new Error(`the alert webhook answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return rig.until(
    'the incident and its head message',
    () => {
      const i = latestIncident(rig);
      return i?.slack_ts ? (i as IncidentRow & { slack_ts: string }) : undefined;
    },
    ceilingMs,
  );
}

export type Answers = { userImpact: string; businessImpact: string; fixTime: string };
export const ANSWERS: Record<'immediate' | 'gradual', Answers> = {
  immediate: { userImpact: 'all', businessImpact: 'high', fixTime: 'short' },
  gradual: { userImpact: 'partial', businessImpact: 'high', fixTime: 'long' },
};

/**
 * The three judgment-matrix selects on the head message. Resolves with what went wrong when the
 * answers are not stored (the decision buttons work without them, so the run goes on and the
 * iteration reports it).
 */
export async function answerMatrix(
  rig: Rig,
  incident: { id: string; slack_ts: string },
  answers: Answers,
): Promise<Violation[]> {
  const select = {
    userImpact: ACTION.userImpact,
    businessImpact: ACTION.businessImpact,
    fixTime: ACTION.fixTime,
  } as const;
  for (const [question, value] of Object.entries(answers) as Array<[keyof Answers, string]>) {
    const a = await rig.act({
      user: LEAD,
      actionId: select[question],
      selectedOption: { text: value, value },
      blockId: BLOCK.matrix,
      messageTs: incident.slack_ts,
    });
    if (a.status !== 200) throw new Error(`the matrix select ${question} was answered ${a.status}`);
  }
  const stored = await rig
    .until(
      'the three matrix answers stored',
      () =>
        rig.read((db) =>
          db
            .prepare(
              'SELECT 1 AS ok FROM incident_assessments WHERE incident_id = ? AND user_impact IS NOT NULL AND ' +
                'business_impact IS NOT NULL AND fix_time IS NOT NULL',
            )
            .get(incident.id),
        ),
      10_000,
    )
    .then(
      () => true,
      () => false,
    );
  if (stored) return [];
  const ignored = rig.bot.lines
    .filter((l) => typeof l.shape === 'string' && String(l.shape).includes('matrix_'))
    .map((l) => `${String(l.msg)}: ${String(l.shape).slice(0, 160)}`);
  return [
    {
      invariant: 'a signed matrix answer is taken',
      evidence:
        `three signed static_select clicks on ${incident.id}'s head message were acked but not ` +
        `stored${ignored.length ? `; the bot logged: ${ignored[0]}` : ''}`,
    },
  ];
}

/** Submits the confirmation dialog the bot opened last (its private_metadata) and waits for the rollback row. */
async function confirmOpenedDialog(rig: Rig, opensBefore: number, wanted: string[]): Promise<RollbackRow> {
  const opened = await rig.until(
    'the confirmation dialog (views.open)',
    () => rig.slack.callsTo('views.open')[opensBefore],
  );
  const metadata = (opened.args.view as { private_metadata: string }).private_metadata;
  const before = rollbacksOf(rig).length;
  const a = await rig.submit(LEAD, VIEW.confirmRollback, metadata);
  if (a.status !== 200) throw new Error(`the confirmation was answered ${a.status}: ${JSON.stringify(a.body)}`);
  return rig.until(`a rollback row (${wanted.join(' or ')})`, () => {
    const r = rollbacksOf(rig)[before];
    return r && wanted.includes(r.status) ? r : undefined;
  });
}

/** The decision button (Immediate / Gradual) and its confirmation; resolves once the rollback row exists. */
export async function decideAndConfirm(
  rig: Rig,
  incident: { id: string; slack_ts: string },
  strategy: 'immediate' | 'gradual',
): Promise<RollbackRow> {
  const opensBefore = rig.slack.callsTo('views.open').length;
  const a = await rig.act({
    user: LEAD,
    actionId: ACTION[strategy],
    value: incident.id,
    blockId: BLOCK.decisions,
    messageTs: incident.slack_ts,
  });
  if (a.status !== 200) throw new Error(`the ${strategy} button was answered ${a.status}`);
  return confirmOpenedDialog(rig, opensBefore, ['pending', 'running', 'succeeded', 'failed']);
}

/** `/rollback planned prompt-service in …` and its confirmation; resolves once the rollback is scheduled. */
export async function planRollback(rig: Rig, when: string): Promise<RollbackRow> {
  const opensBefore = rig.slack.callsTo('views.open').length;
  const a = await rig.command(LEAD, COMMAND.rollback, `planned prompt-service ${when}`);
  if (a.status !== 200) throw new Error(`/rollback planned was answered ${a.status}`);
  return confirmOpenedDialog(rig, opensBefore, ['scheduled']);
}

/** The Resolve button on the head message. */
export async function resolveIncident(rig: Rig, incident: { id: string; slack_ts: string }): Promise<void> {
  const a = await rig.act({
    user: LEAD,
    actionId: ACTION.resolve,
    value: incident.id,
    blockId: BLOCK.decisions,
    messageTs: incident.slack_ts,
  });
  if (a.status !== 200) throw new Error(`the Resolve button was answered ${a.status}`);
  await rig.until(`${incident.id} resolved`, () => latestIncident(rig)?.status === 'resolved');
}

export async function runDrill(rig: Rig): Promise<void> {
  const a = await rig.command(LEAD, COMMAND.drill, 'run high-error-rate');
  if (a.status !== 200) throw new Error(`/drill run was answered ${a.status}`);
}

export const drillRow = (rig: Rig) =>
  rig.read(
    (db) =>
      db
        .prepare(
          `SELECT id, status, note, fault_applied FROM drills WHERE started_at IS NOT NULL ORDER BY created_at DESC ` +
            `LIMIT 1`,
        )
        .get() as { id: string; status: string; note: string | null; fault_applied: string | null } | undefined,
  );
