/**
 * Just enough PromQL and Prometheus text format for the docs tests: which series a query selects (metric name
 * and label matchers, plus the labels it groups by), and the series a /metrics answer holds.
 */

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** One series selector of a query: `prompt_requests_total{code=~"5.."}`. */
export interface Selector {
  metric: string;
  matchers: Matcher[];
}

export interface QueryReads {
  selectors: Selector[];
  /** Labels named in `by (…)`, `without (…)`, `on (…)`, `ignoring (…)`: every selected series must carry them. */
  groupingLabels: string[];
}

/** Words that may stand alone in PromQL without being a metric name. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'Inf', 'NaN']);

export function parseMatchers(body: string): Matcher[] {
  const matchers: Matcher[] = [];
  for (const m of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g))
    matchers.push({ label: m[1]!, op: m[2] as Matcher['op'], value: JSON.parse(`"${m[3]!}"`) as string });
  return matchers;
}

export function readsOf(query: string): QueryReads {
  const selectors: Selector[] = [];
  const groupingLabels: string[] = [];
  let rest = query.replace(
    /([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}/g,
    (_, name: string | undefined, body: string) => {
      const matchers = parseMatchers(body);
      const metric = name ?? matchers.find((m) => m.label === '__name__' && m.op === '=')?.value ?? '';
      selectors.push({ metric, matchers: matchers.filter((m) => m.label !== '__name__') });
      return ' ';
    },
  );
  rest = rest.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_, _kw, labels: string) => {
    groupingLabels.push(
      ...labels
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    );
    return ' ';
  });
  rest = rest.replace(/\[[^\]]*\]/g, ' ').replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ');
  // What is left that is a name but not a function call, a keyword or part of a number is a bare metric name.
  for (const m of rest.matchAll(/(?<![\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)) {
    if (m[2] || KEYWORDS.has(m[1]!)) continue;
    selectors.push({ metric: m[1]!, matchers: [] });
  }
  return { selectors, groupingLabels };
}

/** One sample line of the Prometheus text format. */
export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseExposition(text: string): Series[] {
  const series: Series[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels = Object.fromEntries(parseMatchers(m[2] ?? '').map((l) => [l.label, l.value]));
    series.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return series;
}

/** Whether a series satisfies a matcher, with `$name` placeholders filled from `vars`; regexes are anchored. */
export function matches(series: Series, matcher: Matcher, vars: Record<string, string>): boolean {
  const wanted = matcher.value.replace(/\$([a-z]+)/g, (whole, name: string) => vars[name] ?? whole);
  const actual = series.labels[matcher.label] ?? '';
  switch (matcher.op) {
    case '=':
      return actual === wanted;
    case '!=':
      return actual !== wanted;
    case '=~':
      return new RegExp(`^(?:${wanted})$`).test(actual);
    case '!~':
      return !new RegExp(`^(?:${wanted})$`).test(actual);
  }
}

/** The series a selector selects from a scrape. */
export function selected(scrape: readonly Series[], selector: Selector, vars: Record<string, string>): Series[] {
  return scrape.filter((s) => s.name === selector.metric && selector.matchers.every((m) => matches(s, m, vars)));
}
