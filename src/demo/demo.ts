/**
 * `npm run demo`: Rewind's whole flow on a laptop, no Slack workspace and no cluster. The real bot
 * (startRewind) runs in-process on SQLite, with the simulated metrics provider, the Kubernetes API
 * stand-in holding prompt-service in v2.0.0 / v1.5.0 / v1.0.0, and the Slack stand-in. A scripted
 * morning plays on a compressed clock: v2.0.0's error rate climbs (watch), then its latency
 * (warning incident) → the lead answers the judgment matrix, which recommends a gradual rollback
 * (the error rate stays below its abortIf) → 50 → 25 → 5 → 0 → verification → resolved;
 * then the fix v2.0.1 comes back in as a cautious canary (1 → 5 → 25 → 50 → 100%) from the
 * fix-preparation checklist; and the plan of the next quarterly drill, as a dry run. Argo CD syncs
 * the VirtualService from git with self-heal on: each rollback pauses that sync before it moves
 * traffic, says what to commit, and the lead resumes it once git has the change. Everything the
 * bot says in Slack is printed as it happens.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ACTION, BLOCK, VIEW } from '../adapters/slack/ids.ts';
import type { MetricSample } from '../domain/metrics.ts';
import { HEALTHY_MISBEHAVIOUR, sampleOf } from '../playground/scenario.ts';
import { draftRca, runDrill, type Act } from './epilogue.ts';
import { epochToZonedParts, formatZoned } from '../domain/zoned-time.ts';
import { startRewind, type Rewind } from '../main.ts';
import { ManualClock } from '../clock.ts';
import { KubeApiStandIn } from './stand-ins/kube-api.ts';
import { writeKubeconfig } from './stand-ins/kubeconfig.ts';
import { SlackApiStandIn } from './stand-ins/slack-api.ts';
import {
  BOT,
  blockActionsPayload,
  interactionBody,
  postSigned,
  slashCommandBody,
  viewSubmissionPayload,
} from './stand-ins/slack-signing.ts';
import { Transcript, plain } from './transcript.ts';
import { FIX, type ShippedConfig } from './fix-version.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 0, 0); // 09:00 in Tokyo
const SECRET = 'demo-signing-secret';
const LEAD = 'U0LEAD';
/** The git revisions Argo CD synced prompt-service's routing from: the bad rollout, then the rollback committed. */
const ROLLED_OUT_REVISION = '9f1c2e7a4b3d5c6e8f0a1b2c3d4e5f6a7b8c9d0e';
const COMMITTED_REVISION = '3a7e5c1f9b2d4e6a8c0f1e3d5b7a9c2e4f6a8b0d';
const FIX_REVISION = 'c4e8a2f6b0d3e5a7c9f1b3d5e7a9c1f3b5d7e9a1';
/** Numbers that agree with each other: availability is 1 − the error rate, p50 and p99 move with p95. */
const HEALTHY: MetricSample = sampleOf(HEALTHY_MISBEHAVIOUR);

export interface DemoResult {
  incidentId: string;
  rollbackStatus: string;
  incidentStatus: string;
  /** The cautious canary that brought the fix in. */
  canaryStatus: string;
  /** The quarterly drill run on staging at the end. */
  drillStatus: string;
  lines: string[];
}

export interface DemoOptions {
  /** Print every in-place update of a head message, not only those that change its headline. */
  verbose?: boolean;
}

export async function runDemo(
  print: (line: string) => void,
  configFile = 'config/rewind.yml',
  options: DemoOptions = {},
): Promise<DemoResult> {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    print(line);
  };
  const dir = mkdtempSync(join(tmpdir(), 'rewind-demo-'));
  const slack = await new SlackApiStandIn().answerLikeSlack().start();
  const kube = await KubeApiStandIn.start({ token: 'demo-token' });
  let rewind: Rewind | undefined;
  try {
    // The shipped config, with what a laptop has instead of a cluster and Prometheus.
    const doc = parse(readFileSync(configFile, 'utf8')) as ShippedConfig;
    doc.metrics = { provider: 'simulated' };
    const promptService = doc.services['prompt-service'];
    if (!promptService) throw new Error(`${configFile} has no service prompt-service, the one the demo plays`);
    promptService.router = { kind: 'istio', virtualService: 'prompt-service', route: 0 };
    promptService.versions.unshift(FIX);
    writeFileSync(join(dir, 'rewind.yml'), stringify(doc));
    kube.seedPromptService({
      versions: ['v2.0.1', 'v2.0.0', 'v1.5.0', 'v1.0.0'],
      namespace: 'prompts',
      split: { 'v2.0.1': 0, 'v2.0.0': 50, 'v1.5.0': 50, 'v1.0.0': 0 },
    });
    // Argo CD syncs prompt-service's routing from git with self-heal on: the rollback pauses that sync.
    kube.seedArgoApplication({
      name: 'prompt-service',
      syncPolicy: { automated: { prune: true, selfHeal: true } },
      revision: ROLLED_OUT_REVISION,
      manages: [{ kind: 'VirtualService', namespace: 'prompts', name: 'prompt-service' }],
    });
    // Staging runs the same Deployments as production, in its own namespace, behind its own VirtualService:
    // the drill's rollback moves its traffic as a real one would.
    kube.seedPromptService({
      versions: ['v2.0.0', 'v1.5.0', 'v1.0.0'].map((version) => ({
        version,
        deployment: `prompt-service-${version.replace(/\./g, '-')}`,
      })),
      namespace: 'prompts-staging',
      name: 'prompt-service-staging',
    });
    // The shipped services name no context: both are reached through the current one, as in a pod.
    const kubeconfig = writeKubeconfig(
      [{ name: 'demo', server: kube.url, token: 'demo-token' }],
      'demo',
      join(dir, 'kubeconfig'),
    );

    const clock = new ManualClock(T0);
    rewind = await startRewind({
      envSource: {
        SLACK_BOT_TOKEN: 'xoxb-demo',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.url,
        PORT: '0',
        REWIND_CONFIG: join(dir, 'rewind.yml'),
        REWIND_DB: join(dir, 'rewind.db'),
        KUBECONFIG: kubeconfig,
        LOG_LEVEL: 'silent',
      },
      clock,
      host: '127.0.0.1',
      slack: {
        botId: BOT.botId,
        botUserId: BOT.userId,
        retryConfig: { retries: 0 },
        processBeforeResponse: true,
        minUpdateIntervalMs: 0,
      },
    });
    const bot = rewind;
    const sim = bot.metrics.simulated;
    if (!sim) throw new Error('the demo needs the simulated metrics provider');
    for (const [name, svc] of Object.entries(bot.config.services))
      for (const v of svc.versions) sim.set(name, v.version, HEALTHY);

    const url = `http://127.0.0.1:${bot.port}/slack/events`;
    const channels: Record<string, string> = {
      [bot.config.slack.incidentChannel]: '#incident',
      [bot.config.slack.stakeholderChannel]: '#stakeholders',
    };
    // Every time is in the team's zone (drills.timezone), as the bot writes them; said once up front.
    const zone = bot.config.drills.timezone;
    const clockAt = (at: number, seconds = false) => {
      const p = epochToZonedParts(at, zone);
      const two = (n: number) => String(n).padStart(2, '0');
      return `${two(p.hour)}:${two(p.minute)}${seconds ? `:${two(p.second)}` : ''}`;
    };
    const stamp = () => clockAt(clock.now());
    say(`(Times are ${zone}, the zone in config drills.timezone.)`);
    channels[bot.config.slack.drillChannel] = '#drills';
    const transcript = new Transcript(say, (id) => channels[id] ?? id, {
      verbose: options.verbose ?? false,
      upload: (fileId) => slack.uploads.get(fileId),
    });
    const flush = () => transcript.flush(slack.calls, `[${stamp()}]`);
    const narrate = (text: string) => {
      flush();
      say(`[${stamp()}] ── ${text}`);
    };
    /** Moves the clock in 5 s steps, letting the bot's real HTTP calls finish between steps. */
    const until = async (minute: number) => {
      while (clock.now() < T0 + minute * MIN) {
        await clock.advance(5_000);
        await new Promise((r) => setTimeout(r, 1));
        await bot.presenter.idle();
        flush();
      }
    };
    const click = async (o: { actionId: string; value?: string; selected?: string; blockId: string }) => {
      const incident = bot.store.incidents.listRecent({ limit: 1 })[0];
      const payload = blockActionsPayload({
        user: LEAD,
        actionId: o.actionId,
        blockId: o.blockId,
        channel: bot.config.slack.incidentChannel,
        messageTs: incident?.slackTs ?? '',
        responseUrl: slack.responseUrl(),
        ...(o.value ? { value: o.value } : {}),
        ...(o.selected ? { selectedOption: { text: o.selected, value: o.selected } } : {}),
      });
      await postSigned(url, interactionBody(payload), { secret: SECRET }).then((r) => r.text());
      await bot.presenter.idle();
    };
    /** The rollback's change committed to git, Argo CD synced to it, then Resume GitOps sync on the thread's note. */
    const commitAndResume = async (rollbackId: string | undefined, revision: string, minute: number) => {
      const syncPolicy = () => syncPolicyText(kube.mustGet('Application', 'argocd', 'prompt-service'));
      say(`Argo CD application argocd/prompt-service, read from the stand-in: syncPolicy ${syncPolicy()}`);
      narrate(
        `the team commits that change to git (${revision.slice(0, 7)}), Argo CD reports it synced, and @${LEAD} ` +
          'presses Resume GitOps sync',
      );
      kube.setGitOpsRevision('Application', 'argocd', 'prompt-service', revision);
      await click({ actionId: ACTION.gitopsResume, value: rollbackId ?? '', blockId: BLOCK.rollbackControls });
      await until(minute);
      say(`Argo CD application argocd/prompt-service, read from the stand-in: syncPolicy ${syncPolicy()}`);
    };

    say('Rewind demo: the real bot on SQLite, simulated metrics, a Kubernetes API stand-in and a Slack stand-in.');
    say(
      'prompt-service: v2.0.0 is the new prompt version on 50% of traffic (Istio), v1.5.0 the rest. Times are ' +
        'Asia/Tokyo; two and a half hours play in seconds.',
    );
    say('');
    await until(2);
    narrate('v2.0.0 starts going wrong: error rate 3%');
    sim.set('prompt-service', 'v2.0.0', sampleOf({ ...HEALTHY_MISBEHAVIOUR, errorRate: 0.03 }));
    await until(5);
    // Slow answers, not more errors: the error rate stays below the gradual rollback's abortIf
    // (error_rate > 5%), so the bot can recommend stepping traffic down rather than switching at once.
    narrate('it gets worse: answers slow down, p95 latency 3.4 s');
    // The median and the slowest 1% slow down with the rest (sampleOf): a p99 under the p95 would be no real service.
    sim.set('prompt-service', 'v2.0.0', sampleOf({ ...HEALTHY_MISBEHAVIOUR, errorRate: 0.03, p95LatencyMs: 3400 }));
    await until(9);
    const incident = bot.store.incidents.listOpen()[0];
    if (!incident) throw new Error('the scenario opened no incident');
    narrate(
      `@${LEAD} answers the judgment matrix on ${incident.id}: some users, high business impact, a fix takes long`,
    );
    await click({ actionId: ACTION.userImpact, selected: 'partial', blockId: BLOCK.matrix });
    await click({ actionId: ACTION.businessImpact, selected: 'high', blockId: BLOCK.matrix });
    await click({ actionId: ACTION.fixTime, selected: 'long', blockId: BLOCK.matrix });
    await until(10);
    narrate(`@${LEAD} presses Gradual rollback and confirms the dialog`);
    await click({ actionId: ACTION.gradual, value: incident.id, blockId: BLOCK.decisions });
    flush();
    const view = slack.callsTo('views.open').at(-1)?.args.view as { private_metadata: string } | undefined;
    if (!view) throw new Error('no confirmation dialog was opened');
    await postSigned(
      url,
      interactionBody(
        viewSubmissionPayload({ user: LEAD, callbackId: VIEW.confirmRollback, privateMetadata: view.private_metadata }),
      ),
      { secret: SECRET },
    ).then((r) => r.text());
    await until(45);
    flush();
    const rollback = bot.store.rollbacks.history()[0];
    const final = bot.store.incidents.get(incident.id);
    say('');
    say(`Traffic now, read from the Kubernetes stand-in: ${splitLine(await clusterSplit(bot))}`);
    say(`Rollback ${rollback?.id}: ${rollback?.status}. Incident ${incident.id}: ${final?.status}.`);
    say('');
    await commitAndResume(rollback?.id, COMMITTED_REVISION, 46);
    say('');
    const act: Act = { bot, slack, url, secret: SECRET, user: LEAD, say, narrate, until };
    await draftRca(act, incident.id, 48);
    say('');

    // 修正版の準備: the fix is built and tested; it comes back in as a cautious canary.
    await until(50);
    narrate(
      `the fix ${FIX.version} is ready: @${LEAD} presses "Re-deploy fix as cautious canary" and picks ${FIX.version}`,
    );
    await click({ actionId: ACTION.canaryFix, value: incident.id, blockId: BLOCK.decisions });
    flush();
    const canaryView = slack.callsTo('views.open').at(-1)?.args.view as
      { private_metadata: string; callback_id: string } | undefined;
    if (canaryView?.callback_id !== VIEW.canaryFix) throw new Error('no canary dialog was opened');
    const values = {
      [BLOCK.canaryVersion]: {
        version: {
          type: 'static_select',
          selected_option: { text: { type: 'plain_text' as const, text: FIX.version }, value: FIX.version },
        },
      },
    };
    await postSigned(
      url,
      interactionBody(
        viewSubmissionPayload({
          user: LEAD,
          callbackId: VIEW.canaryFix,
          privateMetadata: canaryView.private_metadata,
          values,
        }),
      ),
      { secret: SECRET },
    ).then((r) => r.text());
    await until(150);
    flush();

    const canary = bot.store.rollbacks.history().find((r) => r.strategy === 'canary');
    say('');
    say(`Traffic now, read from the Kubernetes stand-in: ${splitLine(await clusterSplit(bot))}`);
    say(`Canary ${canary?.id}: ${canary?.status}.`);
    say('');
    await commitAndResume(canary?.id, FIX_REVISION, 151);
    say('');

    // The drill programme: the next quarterly drill is already armed; its plan, changing nothing.
    narrate(`@${LEAD} looks at the next drill's plan: /drill run high-error-rate --dry-run`);
    const responseUrl = slack.responseUrl();
    await postSigned(
      url,
      slashCommandBody({
        user_id: LEAD,
        command: '/drill',
        text: 'run high-error-rate --dry-run',
        response_url: responseUrl,
      }),
      { secret: SECRET },
    ).then((r) => r.text());
    await until(152);
    for (const line of plain(String(slack.responsesTo(responseUrl).at(-1)?.body.text ?? '(no answer)')).split('\n'))
      say(`             ${line}`);
    const next = bot.store.drills.list({ status: 'scheduled', limit: 1 })[0];
    say(
      `Next scheduled drill: ${next?.id} (${next?.scenario}) at ` +
        `${next ? formatZoned(next.scheduledFor, zone, 'en') : '?'}.`,
    );
    say('');
    const drill = await runDrill(act, 'high-error-rate', 152);
    flush();
    say('');
    say(`Timeline of ${incident.id} as stored in SQLite:`);
    for (const e of bot.services.queries.timeline(incident.id)) {
      const what = e.kind === 'status' ? `${e.from} → ${e.to}` : e.kind;
      say(`  ${clockAt(e.at, true)}  ${what.padEnd(30)} ${e.actor.id}`);
    }
    // A message Slack would have refused is missing from the transcript above: the demo fails instead of telling less.
    slack.assertNoUnexpectedRefusals();
    return {
      incidentId: incident.id,
      rollbackStatus: rollback?.status ?? 'none',
      incidentStatus: final?.status ?? 'unknown',
      canaryStatus: canary?.status ?? 'none',
      drillStatus: drill.status,
      lines,
    };
  } finally {
    await rewind?.stop();
    await kube.close();
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const syncPolicyText = (o: { spec?: Record<string, unknown> }) => JSON.stringify(o.spec?.syncPolicy ?? null);

const splitLine = (split: Record<string, number>) =>
  Object.entries(split)
    .map(([v, w]) => `${v} ${w}%`)
    .join(' / ');

async function clusterSplit(bot: Rewind): Promise<Record<string, number>> {
  const { KubeCluster } = await import('../adapters/kube/cluster.ts');
  const cluster = new KubeCluster(
    bot.config.services,
    bot.env.kubeconfig ? { kubeconfigPath: bot.env.kubeconfig } : {},
  );
  return cluster.forService('prompt-service').router.read();
}
