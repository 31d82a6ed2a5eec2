/**
 * Finds English words left in a Japanese text. What is not prose is taken out first: code spans,
 * Slack mentions and links, URLs, ids (INC-…, DRILL-…, rollback ids), versions, numbers with their
 * units, and the names a test passes (services, metrics, Kubernetes kinds). What remains and still
 * has two or more Latin letters in a row is reported, unless it is on the allow-list.
 */

/** Words that are names or units in any language: they stay as they are in Japanese text. */
export const ALWAYS_ALLOWED: readonly string[] = [
  'Slack',
  'Rewind',
  'Kubernetes',
  'API',
  'Pod',
  'Pods',
  'Service',
  'HTTPRoute',
  'VirtualService',
  'Ingress',
  'Deployment',
  'Kustomization',
  'HelmRelease',
  'GitOps',
  'git',
  'Argo',
  'CD',
  'Rollouts',
  'Flux',
  'Prometheus',
  'Alertmanager',
  'Grafana',
  'ms',
  's',
  'm',
  'h',
  'd',
  'min',
  'MB',
  'KB',
  'GB',
  'OK',
  'UTC',
  'abortIf',
  'rewind.yml',
  'p95',
  'p99',
  'error_rate',
  'latency_p95',
  'quality_score',
  'complaints',
  'dry-run',
  'RCA',
  'SRE',
  'URL',
  'HTTP',
  'JSON',
  'ID',
];

export function englishWords(text: string, allow: readonly string[] = []): string[] {
  const allowed = new Set([...ALWAYS_ALLOWED, ...allow].map((w) => w.toLowerCase()));
  const prose = text
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\b(?:INC|DRILL|RB|RCA)-[\w-]+/g, ' ')
    .replace(/\bv?\d+(?:\.\d+)+[\w.-]*/g, ' ')
    .replace(/\d+(?:[.,]\d+)*\s?(?:ms|s|m|h|d|%|MB|KB|GB|min)?\b/g, ' ')
    .replace(/:[a-z0-9_+-]+:/g, ' ');
  const words = prose.match(/[A-Za-z][A-Za-z0-9_.'-]*[A-Za-z0-9]|[A-Za-z]{2,}/g) ?? [];
  return [...new Set(words.filter((w) => !allowed.has(w.toLowerCase()) && /[A-Za-z]{2,}/.test(w)))];
}
