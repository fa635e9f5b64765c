import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import {
  backoffDelayMs,
  DEFAULT_WEBHOOK_RETRY,
  nextAttemptAt,
} from '../../src/policy/webhook-retry.js';
import {
  DEVELOPMENT_WEBHOOK_NETWORK,
  isPublicAddress,
  PRODUCTION_WEBHOOK_NETWORK,
} from '../../src/services/webhooks/network-guard.js';
import { postDelivery } from '../../src/services/webhooks/post-delivery.js';
import { signWebhookBody, verifyWebhookSignature } from '../../src/services/webhooks/signature.js';

describe('which addresses a webhook may reach in production', () => {
  it.each([
    ['93.184.215.14', true],
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['127.1.2.3', false],
    ['10.0.0.1', false],
    ['172.16.0.1', false],
    ['172.31.255.255', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['255.255.255.255', false],
    ['224.0.0.1', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd12:3456::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['::ffff:8.8.8.8', true],
    ['2002:7f00:1::', false],
    ['64:ff9b::a00:1', false],
    ['not-an-address', false],
  ])('%s → %s', (address, allowed) => {
    expect(isPublicAddress(address)).toBe(allowed);
  });
});

describe('the retry schedule', () => {
  it('doubles from the first delay up to the cap', () => {
    const delays = [1, 2, 3, 4, 10, 20].map((n) => backoffDelayMs(DEFAULT_WEBHOOK_RETRY, n));
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 3_600_000, 3_600_000]);
  });

  it('gives up once the next attempt would start more than 24 h after queueing', () => {
    const queued = new Date('2026-12-01T00:00:00Z');
    const early = new Date('2026-12-01T01:00:00Z');
    expect(nextAttemptAt(DEFAULT_WEBHOOK_RETRY, 1, queued, early)).toEqual(
      new Date('2026-12-01T01:00:10Z'),
    );
    const late = new Date('2026-12-01T23:30:00Z');
    expect(nextAttemptAt(DEFAULT_WEBHOOK_RETRY, 30, queued, late)).toBeNull();
    expect(nextAttemptAt(DEFAULT_WEBHOOK_RETRY, 1, queued, late)).toEqual(
      new Date('2026-12-01T23:30:10Z'),
    );
  });
});

describe('signatures', () => {
  it('verify with the secret and fail with another or a changed body', () => {
    const body = JSON.stringify({ deliveryId: 'd', sentAt: '2026-12-01T00:00:00.000Z' });
    const signature = signWebhookBody('the-secret-0123456789', body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('the-secret-0123456789', body, signature)).toBe(true);
    expect(verifyWebhookSignature('other-secret-0123456789', body, signature)).toBe(false);
    expect(verifyWebhookSignature('the-secret-0123456789', `${body} `, signature)).toBe(false);
    expect(verifyWebhookSignature('the-secret-0123456789', body, 'sha256=00')).toBe(false);
  });
});

describe('the check when a delivery connects', () => {
  it('refuses loopback names and literals under the production policy; development reaches them', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const options = (network: typeof PRODUCTION_WEBHOOK_NETWORK) => ({
      headers: {},
      timeoutMs: 5000,
      network: { ...network, allowHttp: true },
      stop: new AbortController().signal,
    });
    try {
      const byName = await postDelivery(
        new URL(`http://localhost:${port}/`),
        '{}',
        options(PRODUCTION_WEBHOOK_NETWORK),
      );
      expect(byName).toMatchObject({
        statusCode: null,
        error: expect.stringMatching(/^refused: localhost resolves to/),
      });
      const literal = await postDelivery(
        new URL(`http://127.0.0.1:${port}/`),
        '{}',
        options(PRODUCTION_WEBHOOK_NETWORK),
      );
      expect(literal).toMatchObject({
        statusCode: null,
        error: 'refused: 127.0.0.1 is not a public address',
      });
      // The marker: the allowed request is the first the server ever saw.
      const allowed = await postDelivery(
        new URL(`http://127.0.0.1:${port}/`),
        '{}',
        options(DEVELOPMENT_WEBHOOK_NETWORK),
      );
      expect(allowed).toMatchObject({ statusCode: 200, error: null });
      expect(requests).toBe(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('configuration of the webhook network policy', () => {
  const secret = { QUELL_JWT_SECRET: 'a-production-secret-0123' };
  it('is strict in production, open in development, and can be set either way', () => {
    expect(loadConfig({ NODE_ENV: 'production', ...secret }, false).services.webhooks).toEqual({
      network: PRODUCTION_WEBHOOK_NETWORK,
      timeoutMs: 10_000,
    });
    expect(loadConfig({}, false).services.webhooks.network).toEqual(DEVELOPMENT_WEBHOOK_NETWORK);
    expect(
      loadConfig(
        { QUELL_WEBHOOK_PRIVATE_NETWORKS: 'off', QUELL_WEBHOOK_TIMEOUT_SECONDS: '2.5' },
        false,
      ).services.webhooks,
    ).toEqual({ network: { allowPrivateNetworks: false, allowHttp: true }, timeoutMs: 2500 });
    expect(() => loadConfig({ QUELL_WEBHOOK_TIMEOUT_SECONDS: '0' }, false)).toThrow(
      'QUELL_WEBHOOK_TIMEOUT_SECONDS must be a positive number of seconds',
    );
  });
});
