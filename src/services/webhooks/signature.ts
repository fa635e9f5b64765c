import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a webhook delivery (SPEC §7.2), lower-case as Node reports them. */
export const WEBHOOK_HEADERS = {
  signature: 'x-quell-signature',
  delivery: 'x-quell-delivery',
  timestamp: 'x-quell-timestamp',
} as const;

/** `sha256=<hex of HMAC-SHA256(body) with the webhook's secret>`: the X-Quell-Signature value. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * Whether `signature` is the body's signature with this secret. Compared in constant time so a
 * receiver using it leaks nothing about the expected value.
 */
export function verifyWebhookSignature(secret: string, body: string, signature: string): boolean {
  const expected = new TextEncoder().encode(signWebhookBody(secret, body));
  const given = new TextEncoder().encode(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
