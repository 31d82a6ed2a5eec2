/**
 * `rewind playground [config] [--port N]` (`npm run playground`): the page on 127.0.0.1 with the
 * real bot behind it, until Ctrl-C. The line and the config are checked before anything starts.
 */
import type { Output } from '../cli.ts';
import { parseArgs, UsageError } from '../cli/args.ts';
import { formatProblem, loadConfigFile } from '../config/load.ts';

const DEFAULT_CONFIG_FILE = 'config/rewind.yml';

export function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535)
    throw new UsageError(`--port must be a port number from 0 to 65535 (0: any free port), not ${text}`);
  return port;
}

export async function playgroundCommand(args: string[], out: Output): Promise<number> {
  const parsed = parseArgs(args, { values: ['port'], positionals: { max: 1, name: 'config file' } });
  const port = parsePort(parsed.values.port);
  const file = parsed.positionals[0] ?? DEFAULT_CONFIG_FILE;
  const loaded = loadConfigFile(file);
  if (!loaded.ok) {
    for (const p of loaded.problems) out.error(formatProblem(p));
    return loaded.unreadable ? 2 : 1;
  }
  if (!loaded.config.services['prompt-service']) {
    out.error(`rewind playground: the playground plays prompt-service, which ${file} does not configure`);
    return 1;
  }
  const { pageMissing, startPlayground } = await import('./server.ts');
  const missing = pageMissing();
  if (missing) {
    out.error(
      `rewind playground: the page's files are not in this install (${missing} is missing); the image ships ` +
        'the bot only: run npm ci && npm run playground in a checkout of the repository',
    );
    return 1;
  }
  let playground;
  try {
    playground = await startPlayground({ port, configFile: file });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      out.error(`rewind playground: port ${port} on 127.0.0.1 is taken; pick another with --port (0: any free one)`);
      return 1;
    }
    throw err;
  }
  out.log(`Rewind playground: ${playground.url}`);
  out.log('The real bot runs on stand-ins (no Slack workspace, no cluster). Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await playground.stop();
  return 0;
}
