/**
 * `rewind validate-config [file]`: every problem on its own line (file:line:column path: message)
 * and exit code 1, or the one-line summary and 0. The CLI wires it; output goes through `out` so
 * tests and the CLI decide where it lands.
 */
import { formatProblem, loadConfigFile } from './load.ts';

export interface CommandOutput {
  log(s: string): void;
  error(s: string): void;
}

export const DEFAULT_CONFIG_FILE = 'config/rewind.yml';

export function validateConfigCommand(file: string | undefined, out: CommandOutput): number {
  const path = file ?? process.env.REWIND_CONFIG ?? DEFAULT_CONFIG_FILE;
  const result = loadConfigFile(path);
  if (result.ok) {
    out.log(result.summary);
    return 0;
  }
  for (const problem of result.problems) out.error(formatProblem(problem));
  return 1;
}
