/**
 * What `rewind --help` and `rewind <command> --help` print. Plain text with no imports, so help
 * answers at once, without loading the config schema, Slack or Kubernetes clients.
 */

export const COMMAND_NAMES = [
  'start',
  'demo',
  'validate-config',
  'generate-schema',
  'backtest',
  'drill',
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
  validate-config [file]                 check a config file; every problem with its YAML path and line
  generate-schema [file]                 write the JSON Schema of the config (default config/rewind.schema.json)
  backtest --service S --from T --to T   replay metric history through the triggers
  drill run <scenario> --dry-run         the plan of a drill: what would be injected where; changes nothing
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
  REWIND_DB               the SQLite database (default data/rewind.db)
  PORT                    HTTP port (default 3000)
  KUBECONFIG              kubeconfig file; unset: ~/.kube/config, else the in-cluster service account
  ALERT_WEBHOOK_TOKEN     bearer token for POST /alerts/*
  LOG_LEVEL, SLACK_API_URL

Exits 1 naming every problem when the environment or the config is wrong.`;

const DEMO = `Usage: rewind demo [config]

Plays the scripted scenario on stand-ins, in about ten seconds: an alert, the judgment matrix, a
gradual rollback with each phase observed, escalation, verification, the fix as a cautious canary
and the plan of the next drill. The real bot runs in-process on SQLite; Slack and the Kubernetes API
are stand-ins, and metrics are simulated. Nothing outside a temporary folder is touched.

  config   the config to start from (default config/rewind.yml); it must configure prompt-service.
           Its metrics, and prompt-service's router, are replaced by the demo's.

Exits 1 when the scripted flow does not end resolved.`;

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
  'Usage: rewind backtest --service S --from T --to T [--version V] [--step 30s] [--config file]\n\n' +
  `Replays Prometheus history (query_range) through the trigger tiers, step by step as the evaluator
would have seen it, and prints when each tier would have fired and cleared. Needs
metrics.provider: prometheus.

  --service S     a service of the config
  --from T        start; an ISO time (2026-01-05T09:00:00Z) or relative to now (-7d, -2h, now)
  --to T          end, the same way
  --version V     the version to replay (default the newest in the service's chain)
  --step D        time between evaluations (default triggers.evaluationInterval)
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

const HELP = `Usage: rewind help [command]

Prints the list of commands, or one command's help (the same as rewind <command> --help).`;

export const HELP_TEXT: Record<CommandName, string> = {
  start: START,
  demo: DEMO,
  'validate-config': VALIDATE_CONFIG,
  'generate-schema': GENERATE_SCHEMA,
  backtest: BACKTEST_USAGE,
  drill: DRILL_USAGE,
  help: HELP,
};
