import { describe, expect, it } from 'vitest';
import { MemoryStorage, RefreshRegistry } from '../../src/index.js';
import type { CoordinatedStorage, Storage, StorageKey } from '../../src/storage.js';
import { logtoDevPerFile } from '../support/logto-dev-per-file.js';
import {
  api,
  copyOf,
  createClient,
  expireAccessTokens,
  refreshGrants,
  signInAs,
  snapshot,
} from './support.js';

const dev = logtoDevPerFile({ refreshTokenRotation: 'strict' });

/** A signed-in session whose cached access tokens have all expired. */
const expiredSession = async () => {
  const storage = new MemoryStorage();
  const client = createClient(dev, storage);
  await signInAs(client);
  await client.getAccessToken(api);
  await client.getOrganizationToken('acme');
  await expireAccessTokens(storage);
  dev.resetRequests();
  return { client, storage };
};

/** A session kept in a shared "database", read by each request into its own copy. */
class SharedSession {
  readonly items = new Map<StorageKey, string>();
  #lock: Promise<void> = Promise.resolve();

  /** One request's view: a copy read at creation, reloadable, written through. */
  open(options: { lock: boolean }): CoordinatedStorage {
    const items = this.items;
    const copy = new Map(items);
    const storage: CoordinatedStorage = {
      getItem: async (key) => copy.get(key) ?? null,
      setItem: async (key, value) => {
        copy.set(key, value);
        items.set(key, value);
      },
      removeItem: async (key) => {
        copy.delete(key);
        items.delete(key);
      },
      reload: async () => {
        copy.clear();
        for (const [key, value] of items) copy.set(key, value);
      },
    };
    if (options.lock) {
      storage.withLock = async (_name, task) => {
        const previous = this.#lock;
        let release = () => {};
        this.#lock = new Promise((resolve) => {
          release = resolve;
        });
        await previous;
        try {
          return await task();
        } finally {
          release();
        }
      };
    }
    return storage;
  }
}

const load = async (shared: SharedSession, storage: Storage) => {
  for (const [key, value] of await snapshot(storage)) shared.items.set(key, value);
};

describe('refresh single-flight (strict refresh-token rotation)', () => {
  it('sends exactly one refresh grant for 50 concurrent getAccessToken calls on one client', async () => {
    const { client } = await expiredSession();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => client.getAccessToken(api)));
    expect(new Set(tokens).size).toBe(1);
    expect(refreshGrants(dev)).toHaveLength(1);
  });

  it('sends exactly one refresh grant for 50 concurrent requests, each with its own client and session copy', async () => {
    const { storage } = await expiredSession();
    const session = await snapshot(storage);
    const copies = await Promise.all(Array.from({ length: 50 }, () => copyOf(session)));
    const tokens = await Promise.all(
      copies.map((copy) => createClient(dev, copy).getAccessToken(api)),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(refreshGrants(dev)).toHaveLength(1);
    // Every copy now holds the rotated refresh token, which still works.
    const refreshTokens = await Promise.all(copies.map((copy) => copy.getItem('refreshToken')));
    expect(new Set(refreshTokens).size).toBe(1);
    expect(await createClient(dev, copies[0]).getAccessToken()).toEqual(expect.any(String));
  });

  it('never reuses a refresh token when concurrent requests want three different tokens', async () => {
    const { storage } = await expiredSession();
    const session = await snapshot(storage);
    const requests: Array<[string | undefined, string | undefined]> = [
      [api, undefined],
      [undefined, 'acme'],
      [api, 'globex'],
    ];
    const copies = await Promise.all(requests.map(() => copyOf(session)));
    const results = await Promise.allSettled(
      requests.map(([resource, organization], index) =>
        createClient(dev, copies[index]).getAccessToken(resource, organization),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(refreshGrants(dev, 200)).toHaveLength(3);
    expect(refreshGrants(dev, 400)).toHaveLength(0);
    // The copies all end with live refresh tokens: the next refresh of each one works.
    for (const copy of copies) await expireAccessTokens(copy);
    for (const copy of copies) {
      expect(await createClient(dev, copy).getAccessToken(api)).toEqual(expect.any(String));
    }
    expect(refreshGrants(dev, 400)).toHaveLength(0);
  });

  it('adopts a refresh token rotated by an earlier request that the session copy has not seen', async () => {
    const { storage } = await expiredSession();
    const stale = await snapshot(storage);
    await createClient(dev, await copyOf(stale)).getAccessToken(api);
    // A later request still carries the old session (its cookie was sent before the rotation).
    const late = await copyOf(stale);
    expect(await createClient(dev, late).getOrganizationToken('acme')).toEqual(expect.any(String));
    expect(refreshGrants(dev, 400)).toHaveLength(0);
    expect(await late.getItem('refreshToken')).not.toBe(
      stale.find(([key]) => key === 'refreshToken')?.[1],
    );
  });

  it('coordinates separate processes through the storage lock and reload', async () => {
    const { storage } = await expiredSession();
    const shared = new SharedSession();
    await load(shared, storage);
    // Each "process" has its own registry: only the storage lock keeps them from racing.
    const processes = [new RefreshRegistry(), new RefreshRegistry(), new RefreshRegistry()];
    const requests: Array<[string | undefined, string | undefined]> = [
      [api, undefined],
      [undefined, 'acme'],
      [api, 'acme'],
    ];
    const results = await Promise.allSettled(
      requests.map(([resource, organization], index) =>
        createClient(
          dev,
          shared.open({ lock: true }),
          {},
          {
            refreshRegistry: processes[index],
          },
        ).getAccessToken(resource, organization),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(refreshGrants(dev, 400)).toHaveLength(0);
  });

  it('on invalid_grant, re-reads the session once and retries with the refresh token written meanwhile', async () => {
    // This request's copy holds a refresh token that is dead (that sign-in was signed out); the
    // shared session receives a live one (a new sign-in elsewhere) just after this request's
    // first reload, so the first grant fails and only the re-read finds the new token.
    const old = await expiredSession();
    const shared = new SharedSession();
    await load(shared, old.storage);
    const requestCopy = shared.open({ lock: false });
    const reload = requestCopy.reload?.bind(requestCopy);
    let reloads = 0;
    requestCopy.reload = async () => {
      reloads += 1;
      if (reloads > 1) await reload?.();
    };
    await old.client.signOut();
    const fresh = new MemoryStorage();
    await signInAs(createClient(dev, fresh));
    await load(shared, fresh);
    dev.resetRequests();
    const token = await createClient(dev, requestCopy).getOrganizationToken('acme');
    expect(token).toEqual(expect.any(String));
    expect(refreshGrants(dev).map((request) => request.status)).toEqual([400, 200]);
    // The grant that worked spent the new token and stored its rotated successor.
    expect(await requestCopy.getItem('refreshToken')).toBe(shared.items.get('refreshToken'));
    expect(shared.items.get('refreshToken')).not.toBe(await fresh.getItem('refreshToken'));
  });

  it('on invalid_grant with no newer refresh token in the session, fails once without retrying', async () => {
    const { client, storage } = await expiredSession();
    const copy = await copyOf(await snapshot(storage));
    await client.signOut();
    dev.resetRequests();
    const error = await createClient(dev, copy)
      .getAccessToken(api)
      .catch((caught: { code: string }) => caught);
    expect(error).toMatchObject({ code: 'token.invalid_grant' });
    expect(refreshGrants(dev).map((request) => request.status)).toEqual([400]);
  });
});
