/**
 * What removing a drill's fault found, in the reader's language. English is the line the drill
 * thread always showed (removeNoteLine); Japanese says the same. Names (a URL, a Kubernetes object,
 * a field path) stay as they are; the faults as found are quoted, as outside text.
 */
import { removeNoteLine, type RemoveNote } from '../../../domain/drill-records.ts';
import type { Locale } from './locale.ts';

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

function removeNoteJa(n: RemoveNote): string {
  const simulated = (x: { metrics: string[]; service: string; version: string }) =>
    `${x.service} ${x.version} の ${x.metrics.join('、')}`;
  switch (n.kind) {
    case 'http_removed':
      return `${n.url} を通じて訓練 ${n.drillId} の障害を取り除きました`;
    case 'http_gone':
      return `${n.url} が ${n.status} を返しました。訓練 ${n.drillId} の障害はすでにありません`;
    case 'route_missing':
      return `${n.target} に ${code(`spec.http[${n.routeIndex}]`)} がもうないため、取り除く訓練の障害はありません`;
    case 'fault_gone':
      return `${n.target} の ${code(n.field)} に障害はありません。すでに取り除かれています`;
    case 'fault_changed':
      return (
        `${n.target} の ${code(n.field)} は ${code(n.found)} で、訓練で設定した ${code(n.ours)} ではありません。` +
        '誰かが変更したため、そのままにしています。手動で確認してください'
      );
    case 'fault_removed':
      return `${n.target} の ${code(n.field)} から訓練の障害を取り除きました`;
    case 'fault_restored':
      return `${n.target} の ${code(n.field)} を訓練前の障害設定に戻しました`;
    case 'simulated_inactive':
      return (
        `このプロセスでは訓練 ${n.drillId} のシミュレーション障害は有効ではありませんでした` +
        `（取り除き済みか、再起動で失われています）。念のため ${simulated(n)} を元に戻しました`
      );
    case 'simulated_cleared':
      return `${simulated(n)} はシミュレーションのメトリクススクリプトの値に戻りました`;
    case 'recorded':
      return n.text;
  }
}

/** The note in `locale`, as plain text: the caller escapes and clips it for Slack. */
export function removeNoteText(note: RemoveNote, locale: Locale): string {
  return locale === 'ja' ? removeNoteJa(note) : removeNoteLine(note);
}
