/**
 * Label selectors as the API server parses them in `?labelSelector=`: equality (`a=b`, `a==b`),
 * inequality (`a!=b`), existence (`a`, `!a`) and sets (`a in (x,y)`, `a notin (x,y)`).
 */
export type LabelPredicate = (labels: Record<string, string>) => boolean;

export class SelectorError extends Error {}

function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

function term(text: string): LabelPredicate {
  let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (m) {
    const [, key = '', op, list = ''] = m;
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in' ? (l) => key in l && values.has(l[key] ?? '') : (l) => !(key in l) || !values.has(l[key] ?? '');
  }
  m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(text);
  if (m) {
    const [, key = '', op, value = ''] = m;
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = /^(!?)([\w./-]+)$/.exec(text);
  if (m) {
    const [, not, key = ''] = m;
    return not ? (l) => !(key in l) : (l) => key in l;
  }
  throw new SelectorError(`unable to parse requirement: "${text}"`);
}

export function parseLabelSelector(text: string | undefined): LabelPredicate {
  if (!text) return () => true;
  const predicates = splitTerms(text).map(term);
  return (labels) => predicates.every((p) => p(labels));
}

/** A Service's `spec.selector` (a plain map) as a predicate; an empty selector selects nothing. */
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/**
 * A `?fieldSelector=` as the API server takes it for every kind: `metadata.name` and
 * `metadata.namespace`, with `=`, `==` or `!=`, comma-separated.
 */
export function parseFieldSelector(
  text: string | undefined,
): (o: { metadata: { name: string; namespace?: string } }) => boolean {
  if (!text) return () => true;
  const terms = text.split(',').map((t) => {
    const m = /^\s*(metadata\.name|metadata\.namespace)\s*(==|=|!=)\s*([^,\s]*)\s*$/.exec(t);
    if (!m)
      throw new SelectorError(
        `"${t.trim()}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
      );
    const [, field, op, value] = m;
    return (o: { metadata: { name: string; namespace?: string } }) =>
      ((field === 'metadata.name' ? o.metadata.name : (o.metadata.namespace ?? '')) === value) !== (op === '!=');
  });
  return (o) => terms.every((t) => t(o));
}
