import { describe, expect, it } from 'vitest';
import { GuardedStorage } from '../../src/client/guarded-storage.js';
import { LogtoError } from '../../src/errors.js';
import { type CoordinatedStorage, MemoryStorage } from '../../src/storage.js';

const lockingStorage = (withLock: CoordinatedStorage['withLock']): CoordinatedStorage => {
  const storage: CoordinatedStorage = new MemoryStorage();
  storage.withLock = withLock;
  return storage;
};

describe('the client view of a storage', () => {
  it('turns a failing read, write, removal or reload into storage.failed with the cause', async () => {
    const cause = new Error('backend down');
    const fail = async () => {
      throw cause;
    };
    const guarded = new GuardedStorage({
      getItem: fail,
      setItem: fail,
      removeItem: fail,
      reload: fail,
    } as CoordinatedStorage);
    for (const action of [
      () => guarded.get('idToken'),
      () => guarded.set('idToken', 'x'),
      () => guarded.remove('idToken'),
      () => guarded.reload(),
    ]) {
      await expect(action()).rejects.toMatchObject({ code: 'storage.failed', cause });
    }
  });

  it('runs the task directly when the storage has no lock', async () => {
    expect(await new GuardedStorage(new MemoryStorage()).withLock('refresh', async () => 1)).toBe(
      1,
    );
  });

  it('passes the task error through the lock unchanged', async () => {
    const taskError = new LogtoError('token.invalid_grant', 'revoked');
    const guarded = new GuardedStorage(lockingStorage(async (_name, task) => task()));
    await expect(
      guarded.withLock('refresh', async () => {
        throw taskError;
      }),
    ).rejects.toBe(taskError);
  });

  it('reports a failing lock as storage.failed, but keeps a store LogtoError such as session.lock_timeout', async () => {
    const plain = new GuardedStorage(
      lockingStorage(async () => {
        throw new Error('redis gone');
      }),
    );
    await expect(plain.withLock('refresh', async () => 1)).rejects.toMatchObject({
      code: 'storage.failed',
    });
    const timeout = new LogtoError('session.lock_timeout', 'lock busy');
    const coded = new GuardedStorage(
      lockingStorage(async () => {
        throw timeout;
      }),
    );
    await expect(coded.withLock('refresh', async () => 1)).rejects.toBe(timeout);
  });

  it('passes the lock name to the storage', async () => {
    const names: string[] = [];
    const guarded = new GuardedStorage(
      lockingStorage(async (name, task) => {
        names.push(name);
        return task();
      }),
    );
    await guarded.withLock('refresh', async () => undefined);
    expect(names).toEqual(['refresh']);
  });
});
