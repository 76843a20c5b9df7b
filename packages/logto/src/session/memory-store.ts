/**
 * Memory sessions: server-side records in this process's memory, for development and tests.
 *
 * @module
 */
import { expiryAt, toSeconds } from './lifetime.js';
import { LocalLocks, type LockOptions, resolveLockTimings } from './lock.js';
import { copyData, isEmpty, type SessionRecord } from './payload.js';
import { resolveSessionParts } from './request-session.js';
import { ServerSessionStore, type SessionBackend } from './server-session.js';
import type { SessionStore, SessionStoreOptions } from './types.js';

/** Options of {@link createMemorySessionStore}. */
export interface MemorySessionStoreOptions extends SessionStoreOptions, LockOptions {}

let warned = false;

const freeze = (record: SessionRecord): SessionRecord =>
  Object.freeze({ ...record, data: Object.freeze(copyData(record.data)) });

const memoryBackend = (now: () => number, options: LockOptions): SessionBackend => {
  const records = new Map<string, SessionRecord>();
  const locks = new LocalLocks();
  const tags = new Map<string, Set<string>>();
  /** Claimed keys and when (ms) their claim ends. */
  const claims = new Map<string, number>();
  const timings = resolveLockTimings(options);
  let writes = 0;
  const live = (id: string): SessionRecord | undefined => {
    const record = records.get(id);
    if (record && record.exp <= toSeconds(now())) {
      records.delete(id);
      return undefined;
    }
    return record;
  };
  // Abandoned sessions are swept now and then, so memory stays bounded by the live sessions.
  const sweep = () => {
    if (++writes % 1000 !== 0) return;
    for (const id of records.keys()) live(id);
    for (const [name, ids] of tags) {
      for (const id of ids) if (!records.has(id)) ids.delete(id);
      if (ids.size === 0) tags.delete(name);
    }
    for (const [key, until] of claims) if (until <= now()) claims.delete(key);
  };
  return {
    async read(id) {
      return live(id);
    },
    async create(id, record) {
      sweep();
      records.set(id, freeze(record));
    },
    async merge(id, patch, at, lifetime) {
      const record = live(id);
      if (record === undefined) return 'gone';
      const data = copyData(record.data);
      for (const [key, value] of Object.entries(patch.set)) data[key] = value;
      for (const key of patch.remove) delete data[key];
      const exp = expiryAt(lifetime, record.iat, at);
      if (isEmpty(data) || exp <= at) {
        records.delete(id);
        return 'emptied';
      }
      records.set(id, freeze({ iat: record.iat, uat: at, exp, data }));
      return 'written';
    },
    async remove(id) {
      records.delete(id);
    },
    async tag(id, names) {
      for (const name of names) {
        const ids = tags.get(name) ?? new Set<string>();
        tags.set(name, ids.add(id));
      }
    },
    async destroyByTag(name, before) {
      const ids = tags.get(name) ?? new Set<string>();
      let ended = 0;
      for (const id of ids) {
        const record = live(id);
        // A session that began at or after `before` (a sign-in after the logout) lives on.
        if (record !== undefined && before !== undefined && record.iat >= before) continue;
        ids.delete(id);
        if (record !== undefined) ended += 1;
        records.delete(id);
      }
      if (ids.size === 0) tags.delete(name);
      return ended;
    },
    async claimOnce(key, ttl) {
      const until = claims.get(key);
      if (until !== undefined && until > now()) return false;
      sweep();
      claims.set(key, now() + ttl * 1000);
      return true;
    },
    async lock(id, name) {
      const leave = await locks.enter(`${id}:${name}`, timings);
      return async () => leave();
    },
  };
};

/**
 * Creates a store that keeps sessions in this process's memory behind a random 256-bit id in a
 * cookie. For development and tests only: sessions vanish on restart and are not shared between
 * instances (it warns once through the logger).
 */
export const createMemorySessionStore = (options: MemorySessionStoreOptions = {}): SessionStore => {
  const parts = resolveSessionParts(options);
  const store = new ServerSessionStore({ ...parts, backend: memoryBackend(parts.now, options) });
  if (!warned) {
    warned = true;
    parts.logger.warn(
      'The memory session store is for development and tests: sessions are lost on restart and not shared between instances. Use the cookie store (the default) or logto-ts/redis in production.',
    );
  }
  return store;
};
