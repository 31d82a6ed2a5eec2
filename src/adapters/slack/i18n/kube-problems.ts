/**
 * A failed Kubernetes call in Japanese: Rewind's own words are said in Japanese, and only what the
 * API server or the network said (its message, its status, an error code) is quoted in a code
 * span, as are object names. English is the domain's line (kubeProblemLine), word for word.
 */
import type { KubeAction, KubeCallFailure, KubeProblem } from '../../../domain/kube-problem.ts';
import type { KubeCall, KubeTrouble } from '../../../domain/step-facts.ts';

type Split = Record<string, number>;

export const quote = (text: string) => `\`${text.replace(/`/g, "'")}\``;

export function splitJa(split: Split): string {
  const parts = Object.entries(split).filter(([, w]) => w > 0);
  return parts.length ? parts.map(([v, w]) => `${v} ${Math.round(w)}%`).join(' / ') : 'トラフィックなし';
}

export function kubeCallJa(call: KubeCall): string {
  switch (call.op) {
    case 'read_routing':
      return `${call.service} のルーティングの読み取り`;
    case 'write_routing':
      return `${call.service} のルーティングを ${splitJa(call.split)} に設定`;
    case 'read_back':
      return `${call.service} のルーティングの読み戻し`;
    case 'read_endpoints':
      return `${call.version} のエンドポイントの読み取り`;
    case 'read_deployment':
      return `${call.version} の Deployment の読み取り`;
    case 'read_gitops':
      return `${call.service} のルーティングを git から管理しているツールの読み取り`;
    case 'pause_gitops':
      return `${quote(call.target)} の同期の一時停止`;
    case 'resume_gitops':
      return `${quote(call.target)} の同期の再開`;
  }
}

const ACTION_JA: Record<KubeAction, string> = {
  read: '読み取り',
  list: '一覧の取得',
  'PATCH of': '変更',
  'PUT of': '置き換え',
  'read scale of': 'スケールの読み取り',
  'PATCH of the scale of': 'スケールの変更',
};

const seconds = (ms: number) => `${ms / 1000}秒`;

/** What went wrong, as one Japanese sentence without its final period. */
export function kubeProblemJa(p: KubeProblem): string {
  switch (p.kind) {
    case 'http': {
      const status = quote(`${p.status} ${p.reason}`);
      const answered = `${quote(p.target)} の${ACTION_JA[p.action]}に API サーバーが ${status} を返しました`;
      return p.message === null ? `${answered}（メッセージなし）` : `${answered}: ${quote(p.message)}`;
    }
    case 'unreachable':
      return `${quote(p.target)} の${ACTION_JA[p.action]}で API サーバーに接続できませんでした（${quote(p.code)}）`;
    case 'client_timeout':
      return `${quote(p.target)} の${ACTION_JA[p.action]}で API サーバーから時間内に応答がありませんでした`;
    case 'kubeconfig':
      return `${quote(p.target)} の${ACTION_JA[p.action]}に使う kubeconfig に問題があります: ${quote(p.message)}`;
    case 'conflict_retries':
      return (
        `${quote(p.target)} が変更され続けています。書き込みが ${p.writes} 回続けて ${quote('409 Conflict')} で` +
        `拒否されました（${kubeProblemJa(p.last)}）`
      );
    case 'no_answer':
      return `${seconds(p.withinMs)}以内に Kubernetes API から応答がありませんでした`;
    case 'other':
      return p.status !== null && p.status > 0 ? `HTTP ${p.status}: ${quote(p.message)}` : quote(p.message);
  }
}

/** A call that failed for good: which call, how many tries, and why. */
export function kubeCallFailureJa(call: KubeCall, f: KubeCallFailure): string {
  const tries = f.attempts === null ? '' : `（${f.attempts} 回試行）`;
  return `Kubernetes API の呼び出し（${kubeCallJa(call)}）に失敗しました${tries}: ${kubeProblemJa(f.problem)}`;
}

/** The trouble a write got through, as the Japanese value of its fact. */
export function kubeTroubleJa(t: KubeTrouble): string {
  const parts = t.retriedAfter.map((a) => `${kubeProblemJa(a)}。再試行しました`);
  if (t.landedUnanswered) {
    const after = t.landedUnanswered.after;
    const why = after ? `${kubeProblemJa(after)}。ただし` : '応答はありませんでしたが、';
    parts.push(`${why}変更は反映済みでした（読み戻して確認し、再送はしていません）`);
  }
  if (t.conflicts > 0)
    parts.push(
      `${quote('409 Conflict')} が ${t.conflicts} 回（別の書き込みがオブジェクトを変更）: 読み直して、その変更の上に適用しました`,
    );
  return parts.join('。');
}
