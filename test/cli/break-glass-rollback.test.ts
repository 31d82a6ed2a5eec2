/**
 * `rewind rollback` when Slack is down: the rollback the Slack button runs, through the same
 * services on the bot's database, moving traffic through the Kubernetes API; what it did waits in
 * the outbox until the bot, started later on the same database, posts it to the incident's thread.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { eventually } from '../support/run-cli.ts';
import { ALICE, LEAD, MALLORY, SERVICE_PATH, startRig, unreachableSlackUrl, type Rig } from './break-glass-rig.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const OS_USER = os.userInfo().username;

/** The text of every message waiting in the outbox for the incident's thread. */
function queuedThread(r: Rig, incidentId: string): string[] {
  return (
    r.store.db
      .prepare(`SELECT payload FROM outbox WHERE queue = ? AND kind = 'thread' AND sent_at IS NULL ORDER BY id`)
      .all(`incident:${incidentId}`) as Array<{ payload: string }>
  ).map((row) => (JSON.parse(row.payload) as { text: string }).text);
}

describe('rewind rollback immediate', () => {
  it(
    'moves the Service selector, records who did it from where, and the bot posts the note once it runs',
    { timeout: 60_000 },
    async () => {
      rig = await startRig();
      const r = await rig.run(['rollback', 'immediate', 'prompt-service', '--as', LEAD, '--yes']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toContain('Immediate rollback of prompt-service: v2.0.0 → v1.5.0');
      expect(r.out).toContain('routing: service-selector (Service prompts/prompt-service)');
      expect(r.out).toContain('change: all traffic moves to v1.5.0 at once (v1.5.0 100%)');
      expect(r.out).toMatch(/step 2\/4 switch: succeeded in [^;]+; traffic v1\.5\.0 100%; sent PATCH Service/);
      expect(r.out).toContain('step 3/4 verify: succeeded');
      expect(r.out).toMatch(/Rollback RB-\d{8}-\d{3} succeeded: prompt-service v2\.0\.0 → v1\.5\.0\./);

      // Exactly the one change on the cluster.
      expect(rig.kube.writes().map((w) => [w.method, w.path, w.contentType, w.body])).toEqual([
        [
          'PATCH',
          SERVICE_PATH,
          'application/strategic-merge-patch+json',
          { metadata: { resourceVersion: expect.any(String) }, spec: { selector: { version: 'v1.5.0' } } },
        ],
      ]);

      const [rollback] = rig.store.rollbacks.history();
      expect(rollback).toMatchObject({
        status: 'succeeded',
        startedBy: LEAD,
        fromVersion: 'v2.0.0',
        toVersion: 'v1.5.0',
      });
      const actor = { kind: 'user', id: LEAD, via: { kind: 'cli', osUser: OS_USER } };
      expect(rig.store.audit.list({ actorId: LEAD }).map((a) => [a.action, a.outcome, a.actor])).toEqual([
        ['rollback.immediate', 'allowed', actor],
        ['rollback.immediate', 'allowed', actor],
      ]);
      const incidentId = rollback?.incidentId ?? '';
      const timeline = rig.store.incidents.timeline(incidentId);
      expect(timeline.find((e) => e.kind === 'rollback_requested')?.actor).toEqual(actor);
      expect(timeline.find((e) => e.kind === 'rollback_started')?.actor).toEqual(actor);
      expect(rig.store.incidents.get(incidentId)?.status).toBe('resolved');

      // Slack was never called: the notes wait for the bot.
      expect(rig.slack.callsTo('chat.postMessage')).toEqual([]);
      const note = `<@${LEAD}> (from the command line, as OS user ${OS_USER}) started an immediate rollback`;
      expect(queuedThread(rig, incidentId).some((t) => t.startsWith(`🔁 ${note}`))).toBe(true);

      const bot = await rig.startBot();
      const head = await eventually(() => bot.store.incidents.get(incidentId)?.slackTs ?? undefined);
      const thread = await eventually(() => {
        const posts = rig!.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === head);
        return posts.some((c) => String(c.args.text).includes('from the command line')) ? posts : undefined;
      });
      expect(thread.map((c) => String(c.args.text)).find((t) => t.includes('from the command line'))).toContain(
        `<@${LEAD}> (from the command line, as OS user ${OS_USER})`,
      );
      await eventually(() => (queuedThread(rig!, incidentId).length === 0 ? true : undefined));
    },
  );

  it('refuses a person who is not an approver, records the attempt, and moves nothing', async () => {
    rig = await startRig();
    const r = await rig.run(['rollback', 'immediate', 'prompt-service', '--as', MALLORY, '--yes']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'rewind rollback: only approvers may run an immediate rollback (approvers: S0SRE, U0LEAD); the attempt was ' +
        'recorded',
    );
    expect(r.out).toBe('');
    expect(rig.kube.writes()).toEqual([]);
    expect(rig.store.rollbacks.history()).toEqual([]);
    expect(rig.store.audit.list().map((a) => [a.actor.id, a.action, a.outcome, a.actor.via?.kind])).toEqual([
      [MALLORY, 'rollback.immediate', 'refused', 'cli'],
    ]);
  });

  it('refuses an approver only in a user group while Slack cannot list it, and says who can act instead', async () => {
    rig = await startRig();
    const down = { SLACK_API_URL: await unreachableSlackUrl() };
    const r = await rig.run(['rollback', 'immediate', 'prompt-service', '--as', ALICE, '--yes'], down);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^rewind rollback: U0ALICE is not listed as an approver by user ID, and the approver group S0SRE could not be checked: Slack is unreachable \(.*ECONNREFUSED.*\); nothing was changed and the attempt was recorded\. To act now, ask an approver listed by user ID \(U0LEAD\) to run the same command with their --as, or try again once Slack answers$/,
    );
    expect(rig.kube.writes()).toEqual([]);
    expect(rig.store.rollbacks.history()).toEqual([]);
    const [entry] = rig.store.audit.list();
    expect(entry).toMatchObject({
      outcome: 'refused',
      detail: { reason: 'not an approver', uncheckedGroups: ['S0SRE'] },
    });

    // Listed by ID, the lead needs no Slack.
    const lead = await rig.run(['rollback', 'immediate', 'prompt-service', '--as', LEAD, '--yes', '--detach'], down);
    expect(lead.code).toBe(0);
    expect(rig.kube.writes()).toHaveLength(1);
  });

  it('asks before acting, and refuses when stdin is not a terminal and --yes was not given', async () => {
    rig = await startRig();
    const r = await rig.run(['rollback', 'immediate', 'prompt-service', '--as', LEAD]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Immediate rollback of prompt-service: v2.0.0 → v1.5.0');
    expect(r.err).toBe(
      'rewind rollback: not confirmed: stdin is not a terminal, so nothing can be asked; add --yes to proceed ' +
        'without the question. Nothing was changed',
    );
    expect(rig.kube.writes()).toEqual([]);
    expect(rig.store.rollbacks.history()).toEqual([]);
    expect(rig.store.incidents.listOpen()).toEqual([]);
  });

  it('on a terminal, asks "Proceed? [y/N]" and acts only on yes', async () => {
    rig = await startRig();
    const { rollbackCommand } = await import('../../src/cli/break-glass/rollback.ts');
    const answering = (answer: string) => {
      const terminal = Object.assign(new PassThrough(), { isTTY: true });
      terminal.write(answer);
      return terminal;
    };
    const args = ['immediate', 'prompt-service', '--as', LEAD, '--detach'];
    const said: string[] = [];
    const out = { log: (l: string) => said.push(l), error: (l: string) => said.push(l) };
    expect(await rollbackCommand(args, out, { env: rig.env, stdin: answering('n\n') })).toBe(1);
    expect(said.at(-1)).toBe('rewind rollback: not confirmed; nothing was changed');
    expect(rig.kube.writes()).toEqual([]);
    expect(rig.store.rollbacks.history()).toEqual([]);
    expect(await rollbackCommand(args, out, { env: rig.env, stdin: answering('yes\n') })).toBe(0);
    expect(rig.kube.writes().map((w) => [w.method, w.path])).toEqual([['PATCH', SERVICE_PATH]]);
  });

  it(
    'a rollback that cannot start says why in one line, with the failed rollback and the incident opened for it',
    { timeout: 60_000 },
    async () => {
      rig = await startRig();
      await rig.kube.close(); // the API server is down: the engine's preflight cannot read the Deployment
      const r = await rig.run(['rollback', 'immediate', 'prompt-service', '--as', LEAD, '--yes']);
      expect(r.code).toBe(1);
      // The person's words only: no log line unless LOG_LEVEL asks for them.
      expect(r.logged).toBe('');
      const [rollback] = rig.store.rollbacks.history();
      const incidentId = rollback?.incidentId ?? '';
      expect(r.err).toBe(
        'rewind rollback: the rollback could not start: read Deployment of v1.5.0 failed (after 3 attempts): read ' +
          'Deployment prompts/prompt-service-v1-5-0 failed: the API server could not be reached (ECONNREFUSED); ' +
          `${rollback?.id} is recorded as failed in ${incidentId}, the incident opened for it, which now awaits a ` +
          'decision',
      );
      // What the Slack dialog's failed start leaves too: the request on record, failed, and the incident given back.
      expect(rollback?.status).toBe('failed');
      expect(rig.store.incidents.get(incidentId)?.status).toBe('awaiting_decision');
      expect(rig.store.incidents.timeline(incidentId).some((e) => e.kind === 'rollback_failed')).toBe(true);

      const asked = await rig.run(['rollback', 'immediate', 'prompt-service', '--as', LEAD, '--yes'], {
        LOG_LEVEL: 'error',
      });
      expect(asked.code).toBe(1);
      expect(asked.logged).toContain('"msg":"rollback engine failed to start"');
    },
  );

  it('refuses up front, as rewind start does, a kubeconfig without the context a service names', async () => {
    rig = await startRig({
      config: (doc) => {
        doc.services['prompt-service'].context = 'elsewhere';
      },
    });
    const r = await rig.run(['rollback', 'immediate', 'prompt-service', '--as', LEAD, '--yes']);
    expect(r.code).toBe(1);
    const lines = r.err.split('\n');
    expect(lines[0]).toBe('rewind rollback: nothing was changed; Kubernetes cannot be reached as configured:');
    expect(r.err).toContain(`KUBECONFIG=${rig.env.KUBECONFIG}`);
    expect(r.err).toContain('prompt-service (context "elsewhere": not in the kubeconfig)');
    expect(rig.kube.writes()).toEqual([]);
    expect(rig.store.rollbacks.history()).toEqual([]);
    expect(rig.store.audit.list()).toEqual([]);
    // Reading needs no cluster: status still answers from the database.
    expect((await rig.run(['status'])).code).toBe(0);
  });

  it('refuses a database that does not exist rather than creating an empty one', async () => {
    rig = await startRig();
    const missing = `${rig.dir}/elsewhere.db`;
    const r = await rig.run(['status'], { REWIND_DB: missing });
    expect([r.code, r.err]).toEqual([
      1,
      `rewind status: the database ${missing} does not exist; set REWIND_DB to the database the bot uses`,
    ]);
    expect(existsSync(missing)).toBe(false);
  });

  it.each([
    [
      ['rollback', 'immediate', 'prompt-servce', '--as', LEAD, '--yes'],
      1,
      /unknown service "prompt-servce" \(did you mean "prompt-service"\?\)/,
    ],
    [
      ['rollback', 'immediate', 'prompt-service', '--to', 'v9', '--as', LEAD, '--yes'],
      1,
      /v9 is not a known version of prompt-service; known versions: v2\.0\.0, v1\.5\.0, v1\.0\.0$/,
    ],
    [
      ['rollback', 'gradual', 'prompt-service', '--as', LEAD, '--yes'],
      1,
      /prompt-service is routed by service-selector, which moves all traffic at once/,
    ],
    [['rollback', 'immediate', 'prompt-service', '--yes'], 2, /^rewind rollback: missing --as <Slack user ID>/],
    [['rollback', 'immediate', 'prompt-service', '--as', 'lead', '--yes'], 2, /--as "lead" is not a Slack user ID/],
    [
      ['rollback', 'immediat', 'prompt-service', '--as', LEAD],
      2,
      /unknown strategy "immediat" \(did you mean "immediate"\?\)/,
    ],
    [['rollback', 'immediate', '--as', LEAD], 2, /name the service: rewind rollback immediate <service>/],
    [
      ['rollback', 'immediate', 'prompt-service', '--to', 'v2.0.0', '--as', LEAD, '--yes'],
      1,
      /^rewind rollback: v2\.0\.0 is already serving prompt-service$/,
    ],
    [
      ['incident', 'resolve', 'INC-20260105-009', 'INC-20260105-010', '--as', LEAD],
      2,
      /^rewind incident: unexpected argument "INC-20260105-010": rewind incident resolve takes one incident id;/,
    ],
    [
      ['pause', 'prompt-service', '--as', LEAD, '--yes'],
      1,
      /^rewind pause: no rollback of prompt-service is in progress$/,
    ],
    [
      ['incident', 'resolve', 'INC-20260105-009', '--as', LEAD, '--yes'],
      1,
      /^rewind incident: there is no incident INC-20260105-009; open: none$/,
    ],
  ] as const)('%j is one line, exit %i, and changes nothing', async (args, code, line) => {
    rig = await startRig();
    const r = await rig.run([...args]);
    expect(r.code).toBe(code);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toMatch(line);
    expect(rig.kube.writes()).toEqual([]);
    expect(rig.store.rollbacks.history()).toEqual([]);
    expect(rig.store.incidents.listOpen()).toEqual([]);
    // At most the plan was authorised, as when /rollback opens its dialog; nothing was confirmed.
    expect(rig.store.audit.list().filter((a) => a.detail.step !== 'plan')).toEqual([]);
  });
});

describe('rewind --help', () => {
  it('lists the break-glass commands, and each has its own help', async () => {
    const lines: string[] = [];
    const out = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };
    expect(await runCli(['--help'], out)).toBe(0);
    for (const command of ['status', 'history', 'rollback', 'pause', 'resume', 'abort', 'incident'])
      expect(lines.join('\n')).toContain(`\n  ${command} `);
    lines.length = 0;
    expect(await runCli(['rollback', '--help'], out)).toBe(0);
    expect(lines[0]).toMatch(/^Usage: rewind rollback immediate\|gradual <service> --as U… /);
    expect(lines.join('\n')).toContain('this command never posts to Slack');

    // Only the commands that move traffic say they do.
    const help = async (command: string) => {
      lines.length = 0;
      expect(await runCli([command, '--help'], out)).toBe(0);
      return lines.join('\n');
    };
    for (const command of ['rollback', 'resume', 'abort'])
      expect(await help(command)).toContain('It moves traffic through Kubernetes');
    for (const command of ['pause', 'incident']) {
      const text = await help(command);
      expect(text).not.toContain('moves traffic through');
      expect(text).toContain('sends nothing to Kubernetes');
    }
  });
});
