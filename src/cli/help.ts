/**
 * What `rewind --help` and `rewind <command> --help` print. Plain text with no imports, so help
 * answers at once, without loading the config schema, Slack or Kubernetes clients.
 */

export const COMMAND_NAMES = [
  'start',
  'demo',
  'playground',
  'validate-config',
  'generate-schema',
  'backtest',
  'drill',
  'doctor',
  'status',
  'history',
  'rollback',
  'pause',
  'resume',
  'abort',
  'incident',
  'migrate-store',
  'help',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export const EXIT_CODES =
  'Exit codes: 0 done; 1 the check or the command failed (problems are listed); 2 the command line cannot be used ' +
  '(an unknown option, a missing argument, a file that cannot be opened).';

export const USAGE = `Usage: rewind <command> [options]

Commands:
  start                                  run the bot (npm start)
  demo [config]                          the scripted scenario on stand-ins: no Slack, no cluster (npm run demo)
  playground [config] [--port N]         click the real bot through an incident in a browser (npm run playground)
  validate-config [file]                 check a config file; every problem with its YAML path and line
  generate-schema [file]                 write the JSON Schema of the config (default config/rewind.schema.json)
  backtest --service S --from T --to T   replay metric history through the triggers
  drill run <scenario> --dry-run         the plan of a drill: what would be injected where; changes nothing
  doctor [--json]                        check a real set-up: Slack, Kubernetes, metrics and alerts, each with a fix
  status [service]                       break glass: rollbacks and incidents now, from the bot's database
  history [service]                      break glass: the last rollbacks
  rollback immediate|gradual <service>   break glass: roll back when Slack is down (--as <Slack user ID>)
  pause <service>                        break glass: pause the service's rollback (--as <Slack user ID>)
  resume <service>                       break glass: resume it, its steps running here
  abort <service>                        break glass: stop it where traffic is now
  incident resolve <id>                  break glass: resolve an incident (--as <Slack user ID>)
  migrate-store --from F --to URL        move an install from SQLite to PostgreSQL (--dry-run first)
  help [command]                         this text, or one command's

Options:
  -h, --help      help; after a command, that command's (rewind backtest --help)
  -v, --version   print the version

${EXIT_CODES}`;

const START = `Usage: rewind start

Runs the bot: the Slack app (Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP mode on PORT),
alert webhooks, /healthz, /readyz and /metrics, the durable timers and the trigger evaluator.
SIGINT or SIGTERM stops it cleanly.

Environment (also read from ./.env; see .env.example):
  SLACK_BOT_TOKEN         required: the bot token (xoxb-…)
  SLACK_APP_TOKEN         app-level token (xapp-…) for Socket Mode, or else
  SLACK_SIGNING_SECRET    the signing secret for HTTP mode
  REWIND_CONFIG           the config file (default config/rewind.yml)
  REWIND_DB               the SQLite file (default data/rewind.db), or a postgres:// URL shared by replicas
  PORT                    HTTP port (default 3000)
  KUBECONFIG              kubeconfig file; unset: ~/.kube/config, else the in-cluster service account
  ALERT_WEBHOOK_TOKEN     bearer token for POST /alerts/*
  LOG_LEVEL, SLACK_API_URL

Exits 1 naming every problem when the environment or the config is wrong.`;

const DEMO = `Usage: rewind demo [config] [--verbose]

Plays the scripted scenario on stand-ins, in well under a minute: an alert, the judgment matrix, a
gradual rollback with each phase observed, escalation, verification, the RCA draft, the fix as a
cautious canary, the plan of the next drill and a drill run on staging to its scorecard. The real
bot runs in-process on SQLite; Slack and the Kubernetes API are stand-ins, and metrics are
simulated. Nothing outside a temporary folder is touched.

  config      the config to start from (default config/rewind.yml); it must configure prompt-service.
              Its metrics, and prompt-service's router, are replaced by the demo's.
  --verbose   print every in-place update of a head message (default: only those that change its headline)

Exits 1 when the scripted flow does not end resolved.`;

const PLAYGROUND = `Usage: rewind playground [config] [--port N]

Serves a page on 127.0.0.1 (the address is printed) where you are the on-call engineer: the real
bot runs in its own process on stand-ins (Slack Web API, Kubernetes API, simulated metrics, SQLite
in a temporary folder) and every click, select, dialog and slash command on the page reaches it as
a signed Slack request. Make a version misbehave, speed time up (x1, x60, x600), kill -9 the bot and
restart it, reset. Nothing outside the temporary folder is touched; Ctrl-C stops it.

  config     the config to start from (default config/rewind.yml); it must configure prompt-service.
             Its metrics, and prompt-service's router, are replaced by the playground's.
  --port N   the port to serve on (default: any free port)`;

const VALIDATE_CONFIG = `Usage: rewind validate-config [file]

Checks a config file (default: REWIND_CONFIG, else config/rewind.yml). Prints every problem as
file:line:column yaml.path: message and exits 1, or one summary line and exits 0. A misspelt key
is named with the closest allowed one.

Exits 2 when the file cannot be opened.`;

const GENERATE_SCHEMA = `Usage: rewind generate-schema [file]

Writes the JSON Schema of the config, for editors that speak the YAML language server, to file
(default config/rewind.schema.json; npm run schema). It is generated from the same schema
validate-config checks against.

Exits 2 when the file cannot be written (its folder does not exist, or it is a folder).`;

export const BACKTEST_USAGE =
  'Usage: rewind backtest --service S --from T --to T [--version V] [--step 30s] [--json] [--config file]\n\n' +
  `Replays Prometheus history (query_range) through the trigger tiers, step by step as the evaluator
would have seen it, and prints when each tier would have fired and cleared. Needs
metrics.provider: prometheus.

  --service S     a service of the config
  --from T        start; an ISO time (2026-01-05T09:00:00Z) or relative to now (-7d, -2h, now)
  --to T          end, the same way
  --version V     the version to replay (default the newest in the service's chain)
  --step D        time between evaluations (default triggers.evaluationInterval)
  --json          the same as JSON: per tier each run of breaches (since, fired, cleared, worst values),
                  the conditions left out, the metrics with no data or gaps
  --config file   the config (default REWIND_CONFIG, else config/rewind.yml)

Exits 1 when the config has problems or Prometheus cannot answer.`;

export const DRILL_USAGE = `Usage: rewind drill run <scenario> --dry-run [--config file]

Prints the plan of a drill: the service, the version serving now (read from its router when
Kubernetes answers), the injector and exactly what it would send. Nothing is changed and no drill
is recorded; a real drill runs from Slack (/drill run <scenario>), where it is announced, watched
and scored.

  <scenario>      a name from drills.scenarios
  --dry-run       required: the command line only ever plans
  --config file   the config (default REWIND_CONFIG, else config/rewind.yml)

Kubernetes is reached through KUBECONFIG, else ~/.kube/config, else the in-cluster service
account. Exits 1 when the config has problems or the drill would be refused.`;

const DOCTOR = `Usage: rewind doctor [--json] [--config file] [--alerts-url URL]

Checks a real set-up before the first incident, with the environment, config, Slack token and
kubeconfig rewind start uses, and prints one line per check, ✓ or ✗, with the fix under every ✗:
  Database     REWIND_DB exists (or its folder takes writes, to create it at start), opens read-only, has
               a schema this build runs (not one from a newer Rewind), and passes PRAGMA quick_check
  Slack        auth.test passes; the token has every bot scope manifest.yml declares; Rewind is a
               member of the incident, stakeholder and drill channels; approver and escalation user
               groups have members and users exist (users.info, or without users:read the DM an
               escalation would open, with nothing written to it)
  Kubernetes   per service: its context's server answers as a Kubernetes API server; the routing
               object reads; each version's Deployment exists, and the live version and the default
               rollback target have ready replicas (older versions may be scaled to 0: said, not
               failed); a SelfSubjectAccessReview passes for every verb the router, the readiness
               checks and the drill injector need
  Metrics      every metric the provider reads (the built-ins and metrics.custom) has a value for the
               live version of each service: a series per Prometheus query, a number from http-json
  Alerts       ALERT_WEBHOOK_TOKEN is set; an Alertmanager receiver for Rewind (never the token itself)

  --json            the same as a JSON array of {section, check, ok, detail, fix}, a config file that
                    cannot be read included (exit 2)
  --config file     the config (default REWIND_CONFIG, else config/rewind.yml)
  --alerts-url URL  where Alertmanager reaches Rewind (default http://rewind.rewind.svc:3000)

Nothing is changed. Each check gives up after 10 s. Exits 1 when a check fails, 0 when all pass.`;

/**
 * What every break-glass command shares: where it acts, and how. `kube` is the paragraph on what it
 * does with Kubernetes: only rollback, resume and abort move traffic.
 */
const breakGlassCommon = (kube: string) =>
  `Break glass: for when Slack is down. The command acts through the bot's own services on its
database (REWIND_DB) and config (REWIND_CONFIG, or --config file), with the same approvals policy
and audit as Slack. What it does is written to the bot's outbox: the running bot posts it to the
incident's thread when it next reaches Slack; this command never posts to Slack.

${kube}

  --as U…         required: your Slack user ID, who the approvals policy and the audit know you as;
                  your operating-system account is recorded beside it. An approver only in a user
                  group (S…) needs Slack to list the group: when it cannot, the command is refused,
                  says so and names the approvers listed by ID, who may run it instead
  --yes           do not ask "Proceed? [y/N]"; without it, a stdin that is not a terminal is refused
  --config file   the config (default REWIND_CONFIG, else config/rewind.yml)

Exits 1 when the command is refused or what it ran did not succeed (one line says why; nothing is
changed by a refusal), 2 when the command line cannot be used.`;

/** Rollback, resume and abort. */
const MOVES_TRAFFIC = breakGlassCommon(
  `It moves traffic through Kubernetes (KUBECONFIG, else ~/.kube/config, else the in-cluster service
account).`,
);

/** Pause: the engine is reached as rewind start reaches it, and nothing is sent. */
const PAUSE_COMMON = breakGlassCommon(
  `It checks the bot's Kubernetes access as rewind start does (KUBECONFIG, else ~/.kube/config, else
the in-cluster service account), but sends nothing to Kubernetes: traffic stays where it is.`,
);

const INCIDENT_COMMON = breakGlassCommon('It sends nothing to Kubernetes and moves no traffic.');

const STATUS = `Usage: rewind status [service] [--json] [--config file]

What /rollback status answers, read from the bot's database (REWIND_DB) with the config
(REWIND_CONFIG, or --config file): per service (or the one named), the traffic split read from its
router in Kubernetes just now, the open incident and the rollback in progress. When the router
cannot be read within 5 s, it says why and shows what the database knows instead: where the latest
rollback last set traffic, else the version serving as far as Rewind knows. Slack is not needed.

  --json   the same as JSON: {"services": [{service, servingVersion, traffic, incident, rollback}]},
           traffic {"source": "cluster", split} or {"source": "stored", why, lastSet}

Exits 1 for a service the config does not have.`;

const HISTORY = `Usage: rewind history [service] [--json] [--config file]

What /rollback history answers, read from the bot's database: the last 10 rollbacks, newest first,
of every service or the one named. Slack is not needed.

  --json   the same as JSON: {"service", "rollbacks": [...]}

Exits 1 for a service the config does not have.`;

const ROLLBACK = `Usage: rewind rollback immediate|gradual <service> --as U… [--to version] [--yes] [--detach]

Rolls the service back as the Rollback buttons do: planned from what the bot knows (down the
service's fallback chain, or --to a version of it), shown (from → to, strategy, the routing change)
and asked about, then started exactly once. With slack.requiredApprovals: 2 the first approver's
command records an approval and says so; a second, different approver runs the same command with
their own --as (or presses Approve in the thread) and that starts it. Its steps then run in this
process, beside the bot if it runs (each step is claimed by one process only), and are printed as
they land, until the rollback ends. Ctrl-C stops waiting, not the rollback: its next step runs in
whichever process claims it next.

  --to version    the version to roll back to (default: the next one down the chain)
  --detach        return once the first traffic change is written; the bot runs the rest

${MOVES_TRAFFIC}`;

const PAUSE = `Usage: rewind pause <service> --as U… [--yes]

Pauses the service's rollback as the Pause button does: traffic stays where it is and no further
step runs until it is resumed.

${PAUSE_COMMON}`;

const RESUME = `Usage: rewind resume <service> --as U… [--yes] [--detach]

Resumes the service's paused rollback as the Resume button does, from the step it was paused at;
its steps then run in this process and are printed as they land, as rewind rollback's are.

  --detach        return at once; the bot runs the rest

${MOVES_TRAFFIC}`;

const ABORT = `Usage: rewind abort <service> --as U… [--yes]

Aborts the service's rollback as the Abort button does: it stops where traffic is now (a canary
goes back to its stable version); one waiting for approvals or planned for later is cancelled.

${MOVES_TRAFFIC}`;

const INCIDENT = `Usage: rewind incident resolve <incident id> --as U… [--yes]

Resolves the incident as /incident resolve does: it is closed and its escalation stops.

${INCIDENT_COMMON}`;

const MIGRATE_STORE = `Usage: rewind migrate-store --from <SQLite file> --to <postgres://…> [--dry-run] [--force]

Moves an install from SQLite to PostgreSQL. Stop Rewind first (every replica). The SQLite file is
brought to this build's schema, the PostgreSQL schema is created, then every table is copied in one
transaction, in foreign-key order, keeping every id; each id sequence is set past the ids copied,
and each table's row count is checked on both sides before the commit. Prints the counts and the
time taken. Then set REWIND_DB to the PostgreSQL URL and start Rewind; the SQLite file is the backup.

  --from FILE   the SQLite file Rewind ran on (its REWIND_DB, e.g. data/rewind.db)
  --to URL      the PostgreSQL database (postgres://user:password@host:5432/db), holding no Rewind rows
  --dry-run     copy and check everything, then roll back: no row is committed, and a copy of the
                SQLite file is migrated instead of the file (an empty target gets its schema)
  --force       copy although a Rewind's heartbeat in the file is younger than 30 s (its process is gone)

Refuses, writing nothing: a file that is missing, not Rewind's or from a newer Rewind; a Rewind
still running on it; a server that cannot be reached (the host is named, never the password); a
target that already holds rows (it never merges two stores).

${EXIT_CODES}`;

const HELP = `Usage: rewind help [command]

Prints the list of commands, or one command's help (the same as rewind <command> --help).`;

export const HELP_TEXT: Record<CommandName, string> = {
  start: START,
  demo: DEMO,
  playground: PLAYGROUND,
  'validate-config': VALIDATE_CONFIG,
  'generate-schema': GENERATE_SCHEMA,
  backtest: BACKTEST_USAGE,
  drill: DRILL_USAGE,
  doctor: DOCTOR,
  status: STATUS,
  history: HISTORY,
  rollback: ROLLBACK,
  pause: PAUSE,
  resume: RESUME,
  abort: ABORT,
  incident: INCIDENT,
  'migrate-store': MIGRATE_STORE,
  help: HELP,
};
