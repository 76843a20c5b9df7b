/**
 * The Lua script that records one end in the shared revocation list, atomically.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { LuaScript } from './client.js';

/**
 * Adds an end to the sorted set (scored by when it may be forgotten, in ms), drops the forgotten
 * ones and, past the bound, those that expire first, lets the key expire with its last end, and
 * publishes the end to every instance. One key, so it runs on Redis Cluster too.
 * KEYS[1] the set; ARGV: score (ms), member, now (ms), channel, most entries.
 */
const source = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local extra = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[5])
if extra > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, extra - 1) end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then redis.call('PEXPIREAT', KEYS[1], string.format('%.0f', tonumber(last[2]))) end
redis.call('PUBLISH', ARGV[4], ARGV[2])
return 1
`;

/** See the module comment. */
export const revocationAddScript: LuaScript = {
  source,
  sha: createHash('sha1').update(source).digest('hex'),
};
