/**
 * `rewind doctor [--json] [--config file] [--alerts-url URL]`: the set-up checklist (src/doctor/).
 * Exit 0 when every check passes, 1 when one fails, 2 for a command line (or config file) that
 * cannot be used — that last before anything is asked of Slack or the cluster. With --json, stdout
 * is JSON whatever the outcome, a config file that cannot be read included (a failed Config check),
 * so `rewind doctor --json | jq` always has something to read; only a command line that cannot be
 * parsed is said on stderr, as for every command.
 */
import type { Output } from '../cli.ts';
import { parseArgs, UsageError } from './args.ts';
import { formatProblem, loadConfigFile } from '../config/load.ts';
import { DEFAULT_CONFIG_FILE } from '../config/validate-command.ts';

export async function doctorCommand(
  args: string[],
  out: Output,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const parsed = parseArgs(args, { values: ['config', 'alerts-url'], flags: ['json'] });
  const { DEFAULT_ALERTS_URL } = await import('../doctor/alerts.ts');
  const alertsUrl = (parsed.values['alerts-url'] ?? DEFAULT_ALERTS_URL).replace(/\/+$/, '');
  let protocol = '';
  try {
    protocol = new URL(alertsUrl).protocol;
  } catch {
    // Not a URL at all: refused below like any other.
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new UsageError(`--alerts-url must be an http(s) URL such as ${DEFAULT_ALERTS_URL}, got "${alertsUrl}"`);
  const configFile = parsed.values.config ?? (env.REWIND_CONFIG?.trim() || DEFAULT_CONFIG_FILE);
  const json = parsed.flags.has('json');
  const loaded = loadConfigFile(configFile);
  const { runDoctor, checklistLines, configChecks } = await import('../doctor/run.ts');
  if (!loaded.ok && loaded.unreadable) {
    if (json) out.log(JSON.stringify(configChecks(configFile, loaded), null, 2));
    else for (const p of loaded.problems) out.error(formatProblem(p));
    return 2;
  }
  const checks = await runDoctor({ env, configFile, loaded, alertsUrl });
  if (json) out.log(JSON.stringify(checks, null, 2));
  else for (const line of checklistLines(checks)) out.log(line);
  return checks.every((c) => c.ok) ? 0 : 1;
}
