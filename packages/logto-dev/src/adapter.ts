import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number | undefined;
}

/** Options of {@link createMemoryAdapter}. */
export interface MemoryAdapterOptions {
  /** When false, a spent refresh token is never marked consumed, so it stays usable after rotation. */
  markRefreshTokensConsumed: boolean;
}

/**
 * In-memory storage for oidc-provider models, shared by every Provider instance of one logto-dev
 * (a signing-key rotation builds a new Provider over the same store). State is lost on stop,
 * which is what a dev provider wants.
 */
export function createMemoryAdapter(options: MemoryAdapterOptions): new (model: string) => Adapter {
  const store = new Map<string, Entry>();
  const grants = new Map<string, Set<string>>();
  const uids = new Map<string, string>();
  const userCodes = new Map<string, string>();

  let writes = 0;
  // Expired entries are dropped when read, and in a sweep every `sweepEvery` writes so that a
  // long-running provider (a benchmark, a dev server left open) does not grow without bound.
  const sweepEvery = 1000;
  const sweep = () => {
    const now = Date.now();
    for (const [key, entry] of store)
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) store.delete(key);
    for (const [grantId, keys] of grants) {
      for (const key of keys) if (!store.has(key)) keys.delete(key);
      if (keys.size === 0) grants.delete(grantId);
    }
    for (const index of [uids, userCodes]) {
      for (const [indexKey, id] of index) {
        const model = indexKey.slice(0, indexKey.indexOf(':'));
        if (!store.has(`${model}:${id}`)) index.delete(indexKey);
      }
    }
  };

  const read = (key: string): AdapterPayload | undefined => {
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  return class MemoryAdapter implements Adapter {
    readonly #model: string;

    constructor(model: string) {
      this.#model = model;
    }

    #key(id: string): string {
      return `${this.#model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (++writes % sweepEvery === 0) sweep();
      const key = this.#key(id);
      store.set(key, {
        payload: { ...payload },
        expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
      });
      if (payload.grantId) {
        const keys = grants.get(payload.grantId) ?? new Set<string>();
        keys.add(key);
        grants.set(payload.grantId, keys);
      }
      if (payload.uid) uids.set(`${this.#model}:${payload.uid}`, id);
      if (payload.userCode) userCodes.set(`${this.#model}:${payload.userCode}`, id);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return read(this.#key(id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = uids.get(`${this.#model}:${uid}`);
      return id === undefined ? undefined : read(this.#key(id));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = userCodes.get(`${this.#model}:${userCode}`);
      return id === undefined ? undefined : read(this.#key(id));
    }

    async consume(id: string): Promise<void> {
      if (this.#model === 'RefreshToken' && !options.markRefreshTokensConsumed) return;
      const payload = read(this.#key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      store.delete(this.#key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grants.get(grantId) ?? []) store.delete(key);
      grants.delete(grantId);
    }
  };
}
