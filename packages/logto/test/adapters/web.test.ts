/**
 * What only the Web adapter has to get right: a form body streamed without a length is read only
 * up to the limit (the Request is handled in this process, so what was pulled is what was read).
 */
import { createLogto } from 'logto-ts/web';
import { describe, expect, it } from 'vitest';
import { secret } from './spec-support.js';

const logto = createLogto({
  // No provider is reached: the body is refused before the logout token is looked at.
  endpoint: 'http://127.0.0.1:1',
  appId: 'web-test-app',
  appSecret: 'web-test-app-secret',
  baseUrl: 'http://localhost:3000',
  secret,
});

describe('web', () => {
  it('stops reading a streamed form at 64 KB and says it is too large', async () => {
    const chunk = new TextEncoder().encode('a'.repeat(16 * 1024));
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 64) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const response = await logto.handle(
      new Request('http://localhost:3000/backchannel-logout', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response?.status).toBe(400);
    expect(await response?.json()).toMatchObject({
      error_description: 'The form is larger than 65536 bytes.',
    });
    // 1 MiB offered in 16 KiB chunks: the reader stopped after the fifth.
    expect(pulled).toBeLessThanOrEqual(6);
  });
});
