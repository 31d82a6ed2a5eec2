/**
 * Warnings of `rewind validate-config`: a valid config that still asks for something a service
 * cannot do. A matrix rule (or the default) that recommends a gradual rollback applies to every
 * service, and a service whose router moves all traffic at once (blue-green) cannot run one: for
 * it the bot recommends an immediate rollback instead and says why in the incident. Not an error —
 * the bot does the right thing — but the matrix no longer says what will happen, and the team
 * should know before an incident, not during one.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, isNode, parseDocument } from 'yaml';
import { unrunnableRecommendations } from '../domain/matrix.ts';
import { UNKNOWN_ROUTER, type RouterFacts } from '../domain/routing.ts';
import { judgment } from './derive.ts';
import { formatPath, type ConfigProblem } from './load.ts';
import type { Config } from './schema.ts';

type Key = string | number;

/**
 * Where `path` is written in the file: its node, else the nearest one above it (a left-out key
 * takes its default); null when none is.
 */
function locator(file: string): (path: readonly Key[]) => { line: number; column: number } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return () => null;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return (path) => {
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return { line, column: col };
      }
    }
    return null;
  };
}

function why(router: RouterFacts): string {
  return router.movesAtOnce ? `router ${router.name}, blue-green: traffic moves at once` : `router ${router.name}`;
}

/** One warning per rule (and the default) whose action some service cannot run, naming those services. */
export function configWarnings(file: string, config: Config): ConfigProblem[] {
  const { matrix, routers } = judgment(config);
  const found = unrunnableRecommendations(matrix, routers);
  if (found.length === 0) return [];
  const at = locator(file);
  return found.map(({ rule, action, services }) => {
    const matrixPath: Key[] = rule === null ? ['matrix', 'default'] : ['matrix', 'rules', rule, 'action'];
    const which = rule === null ? 'default' : `rule ${rule + 1}`;
    const named = services.map((s) => `${s} (${why(routers[s] ?? UNKNOWN_ROUTER)})`).join(', ');
    // Only gradual can be out of reach (routing.ts), and an immediate rollback is recommended then.
    const what =
      `recommends ${action}, which ${named} cannot run; for ${services.length === 1 ? 'it' : 'them'} Rewind ` +
      `recommends immediate instead and says why`;
    const written = at(matrixPath);
    if (written)
      return {
        file,
        path: formatPath(matrixPath),
        ...written,
        message: `warning: ${rule === null ? 'the default' : which} ${what}`,
      };
    // The matrix is left out, so the runbook's applies: point at the router that cannot follow it.
    const routerPath: Key[] = ['services', services[0] ?? '', 'router', 'kind'];
    return {
      file,
      path: formatPath(routerPath),
      ...(at(routerPath) ?? { line: 0, column: 0 }),
      message: `warning: matrix is left out, so the runbook's applies; its ${which} ${what}`,
    };
  });
}
