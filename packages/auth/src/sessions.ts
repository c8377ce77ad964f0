import type { DB, SessionWithUser } from '@hallpass/db';

type Knex = DB['knex'];

/** What a session records about the client that logged in: what the audit log may hold already, nothing secret. */
export interface Device {
  /** The `User-Agent` header; cut to `USER_AGENT_LENGTH` characters. */
  userAgent?: string | null | undefined;
  /** The client's address as the service sees it (behind a trusted proxy, the forwarded one). */
  address?: string | null | undefined;
}

/** One row of `sessions`, as the code sees it (the shape `DB.findSessionByDigest` gives too). The token's digest stays in the table. */
export type SessionRow = SessionWithUser['session'];

/** The longest `User-Agent` kept (migration 0004's column). */
export const USER_AGENT_LENGTH = 200;
/** The longest client address kept (migration 0004's column). */
export const ADDRESS_LENGTH = 45;

/** The columns read back, under their property names. */
const columns = {
  id: 'id',
  userId: 'user_id',
  createdAt: 'created_at',
  seenAt: 'seen_at',
  userAgent: 'user_agent',
  address: 'address',
} as const;

/**
 * Given code: the queries on the `sessions` table (migration 0004). Each
 * takes the user's id where it acts on one user's sessions, so a session id
 * alone never reaches another user's row.
 */
export class SessionStore {
  readonly #knex: () => Knex;

  /** `knex` is asked for the handle on each query: the DB hands it out and owns it. */
  constructor(knex: () => Knex) {
    this.#knex = knex;
  }

  /** Saves a new session of `userId` under the token's `digest`, begun and last used `now`; returns its public id. */
  async add(userId: number, digest: string, now: Date, device: Device = {}): Promise<string> {
    const [row] = (await this.#knex()('sessions')
      .insert({
        user_id: userId,
        token_digest: digest,
        created_at: now,
        seen_at: now,
        user_agent: cut(device.userAgent, USER_AGENT_LENGTH),
        address: cut(device.address, ADDRESS_LENGTH),
      })
      .returning('id')) as { id: string }[];
    return row!.id;
  }

  /** The session stored under `digest`, or `null`. */
  async findByDigest(digest: string): Promise<SessionRow | null> {
    const row = (await this.#knex()('sessions').select(columns).where('token_digest', digest).first()) as SessionRow | undefined;
    return row ?? null;
  }

  /** Records a use of session `id` at `now` (its idle limit counts from here). */
  async touch(id: string, now: Date): Promise<void> {
    await this.#knex()('sessions').where('id', id).update({ seen_at: now });
  }

  /** Every session of `userId`, newest first. */
  async listOf(userId: number): Promise<SessionRow[]> {
    return (await this.#knex()('sessions').select(columns).where('user_id', userId).orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])) as SessionRow[];
  }

  /** Deletes session `id` of `userId` (and nobody else's); whether there was one. */
  async deleteOne(userId: number, id: string): Promise<boolean> {
    return (await this.#knex()('sessions').where({ user_id: userId, id }).delete()) > 0;
  }

  /** Deletes the session of `userId` stored under `digest`; whether there was one. */
  async deleteByDigest(userId: number, digest: string): Promise<boolean> {
    return (await this.#knex()('sessions').where({ user_id: userId, token_digest: digest }).delete()) > 0;
  }

  /** Deletes every session of `userId` but the one stored under `keepDigest` (all of them without it); how many. */
  async deleteAllOf(userId: number, keepDigest?: string): Promise<number> {
    const query = this.#knex()('sessions').where('user_id', userId);
    if (keepDigest !== undefined) query.whereNot('token_digest', keepDigest);
    return query.delete();
  }

  /** Deletes the sessions of `userId` begun at or before `begunBy`, or last used at or before `seenBy`. */
  async deleteExpired(userId: number, begunBy: Date, seenBy: Date): Promise<void> {
    await this.#knex()('sessions')
      .where('user_id', userId)
      .andWhere((expired) => expired.where('created_at', '<=', begunBy).orWhere('seen_at', '<=', seenBy))
      .delete();
  }

  /** Deletes the oldest sessions of `userId` until at most `keep` are left. */
  async keepNewest(userId: number, keep: number): Promise<void> {
    const knex = this.#knex();
    const newest = knex('sessions').select('id').where('user_id', userId).orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]).limit(keep);
    await knex('sessions').where('user_id', userId).whereNotIn('id', newest).delete();
  }
}

/** `value` without control characters, cut to `length` characters; `null` for nothing at all. */
function cut(value: string | null | undefined, length: number): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex -- a header may carry them; a description has no use for them
  const printable = value.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, length);
  return printable === '' ? null : printable;
}
