/**
 * The Lua scripts the Redis session store and the shared revocation list run atomically on the
 * server.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { LuaScript } from './client.js';

const script = (source: string): LuaScript => ({
  source,
  sha: createHash('sha1').update(source).digest('hex'),
});

/**
 * Merge rule: applies this request's changed keys onto the record as it is now (per-key last
 * writer wins), moves uat/exp, and never recreates a record that is gone.
 * KEYS[1] record key; ARGV: patch JSON {set, remove}, now (s), rolling (s), absolute (s).
 * Returns 1 written, 0 gone, 2 emptied (deleted).
 */
export const mergeScript = script(`
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, record = pcall(cjson.decode, current)
if not ok or type(record) ~= 'table' or type(record.data) ~= 'table' or type(record.iat) ~= 'number' then return 0 end
local patch = cjson.decode(ARGV[1])
for key, value in pairs(patch.set) do record.data[key] = value end
for _, key in ipairs(patch.remove) do record.data[key] = nil end
local now = tonumber(ARGV[2])
local exp = math.min(now + tonumber(ARGV[3]), record.iat + tonumber(ARGV[4]))
if next(record.data) == nil or exp <= now then
  redis.call('DEL', KEYS[1])
  return 2
end
record.uat = now
record.exp = exp
redis.call('SET', KEYS[1], cjson.encode(record), 'PX', (exp - now) * 1000)
return 1
`);

/** Releases a lock only when it still holds our token. KEYS[1] lock key; ARGV[1] token. */
export const unlockScript = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * Adds a session to one index (a sorted set of session ids scored by when each session began)
 * and prunes the index of sessions begun more than the absolute lifetime ago: those have ended
 * whatever happened to them. The index lives as long as its newest session can.
 * KEYS[1] index key; ARGV: id, began (s), now (s), absolute (s). Returns how many ids it holds.
 */
export const indexScript = script(`
local now = tonumber(ARGV[3])
local absolute = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - absolute))
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
-- Relative to the app's clock, as every other expiry of the store.
redis.call('EXPIRE', KEYS[1], math.max(1, tonumber(newest[2]) + absolute - now))
return redis.call('ZCARD', KEYS[1])
`);

/**
 * Adds an end to the shared revocation list (a sorted set scored by when it may be forgotten, in
 * ms), drops the forgotten ones and, past the bound, those that expire first, lets the key expire
 * with its last end, and publishes the end to every instance.
 * KEYS[1] the set; ARGV: score (ms), member, now (ms), channel, most entries.
 */
export const revocationAddScript = script(`
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local extra = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[5])
if extra > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, extra - 1) end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then redis.call('PEXPIREAT', KEYS[1], string.format('%.0f', tonumber(last[2]))) end
redis.call('PUBLISH', ARGV[4], ARGV[2])
return 1
`);
