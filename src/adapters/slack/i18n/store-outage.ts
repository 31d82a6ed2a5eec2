/**
 * What a person is told when the database refused what their command or click needed to save
 * (../store-outage.ts): plainly that nothing was changed, or — for a Pause or Abort held until it
 * can be recorded — what happens to the rollback meanwhile. Rollback ids come in as `RB-…`.
 */
import type { StoreRefusal } from '../../../store/errors.ts';
import type { Locale } from './locale.ts';

export interface StoreOutageStrings {
  /** Nothing was saved and nothing changed. */
  notSaved: (refusal: StoreRefusal) => string;
  /** A Pause or Abort held in memory until the database takes writes. */
  held: (refusal: StoreRefusal, control: 'pause' | 'abort', rollbackId: string) => string;
}

const why = {
  en: (r: StoreRefusal) =>
    r.reason === 'full'
      ? 'its disk is full'
      : r.reason === 'read_only'
        ? `its database is read-only (${r.code})`
        : r.reason === 'locked'
          ? `another program holds its database (${r.code})`
          : r.reason === 'unreachable'
            ? 'its database (PostgreSQL) cannot be reached'
            : `its disk fails (${r.code})`,
  ja: (r: StoreRefusal) =>
    r.reason === 'full'
      ? 'ディスクがいっぱいです'
      : r.reason === 'read_only'
        ? `データベースが読み取り専用です（${r.code}）`
        : r.reason === 'locked'
          ? `別のプログラムがデータベースを使用中です（${r.code}）`
          : r.reason === 'unreachable'
            ? 'データベース（PostgreSQL）に接続できません'
            : `ディスクでエラーが起きています（${r.code}）`,
};

export const STORE_OUTAGE_STRINGS: Record<Locale, StoreOutageStrings> = {
  en: {
    notSaved: (r) =>
      r.reason === 'unreachable'
        ? '⚠️ Rewind cannot reach its database (PostgreSQL) right now, so it can neither read nor save anything; ' +
          'nothing was changed. Try again in a minute.'
        : `⚠️ Rewind cannot save anything right now: ${why.en(r)}; nothing was changed. Try again in a minute.`,
    held: (r, control, id) => {
      const done = control === 'pause' ? 'paused' : 'aborted';
      return (
        `⚠️ Rewind cannot save anything right now: ${why.en(r)}, so ${id} is *not ${done} yet*. ` +
        `It takes no further step while nothing can be saved, and Rewind ` +
        `${control === 'pause' ? 'pauses' : 'aborts'} it before its next step as soon as it can save again ` +
        `(the incident thread will say so). If Rewind restarts before then, this request is lost: check \`/rollback ` +
        `status\` once ${r.reason === 'unreachable' ? 'the database is back' : 'the disk has room'}.`
      );
    },
  },
  ja: {
    notSaved: (r) =>
      r.reason === 'unreachable'
        ? '⚠️ Rewind は今、データベース（PostgreSQL）に接続できないため、読み込みも保存もできません。何も変更していません。' +
          '1 分ほどしてからもう一度お試しください。'
        : `⚠️ Rewind は今、何も保存できません（${why.ja(r)}）。何も変更していません。1 分ほどしてからもう一度お試しください。`,
    held: (r, control, id) => {
      const done = control === 'pause' ? '一時停止' : '中止';
      return (
        `⚠️ Rewind は今、何も保存できません（${why.ja(r)}）。そのため ${id} は *まだ${done}されていません*。` +
        `保存できない間、このロールバックは次のステップに進みません。保存できるようになりしだい、次のステップの前に${done}します（インシデントのスレッドでお知らせします）。` +
        `それまでに Rewind が再起動すると、この依頼は失われます。` +
        `${r.reason === 'unreachable' ? 'データベースに接続できるようになったら' : 'ディスクに空きができたら'} ` +
        `\`/rollback status\` で確かめてください。`
      );
    },
  },
};
