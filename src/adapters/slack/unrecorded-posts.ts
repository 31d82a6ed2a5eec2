/**
 * Where a message was posted, kept in memory while the database refuses to record it (a full disk,
 * a read-only volume): Slack has taken the post, and the outbox would post it again on its next try
 * if nothing remembered it — a second head message, a second stakeholder notice. Every look-up
 * tries the record again, so once writes work the database is the memory again. Like the outbox's
 * unwritten sent marks, this is lost with the process: a kill -9 during the outage can still repeat
 * the post, a plain restart cannot (it stops the outbox before the store).
 */
import { storeRefusal } from '../../store/errors.ts';

export interface PostedAt {
  channel: string;
  ts: string;
}

export class UnrecordedPosts {
  private readonly waiting = new Map<string, PostedAt>();

  constructor(private readonly record: (id: string, where: PostedAt) => void) {}

  /** Records where `id`'s message went; only a refused store write is held back, anything else is thrown. */
  posted(id: string, where: PostedAt): void {
    try {
      this.record(id, where);
      this.waiting.delete(id);
    } catch (err) {
      if (!storeRefusal(err)) throw err;
      this.waiting.set(id, where);
    }
  }

  /** A post Slack took that the database does not hold yet (and one more try at recording it). */
  pending(id: string): PostedAt | null {
    const where = this.waiting.get(id);
    if (!where) return null;
    this.posted(id, where);
    return where;
  }

  get size(): number {
    return this.waiting.size;
  }
}
