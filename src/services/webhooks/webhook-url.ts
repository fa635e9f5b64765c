import { badInput } from '../kernel/errors.js';
import { destinationRefusal, hostOf, type WebhookNetworkPolicy } from './network-guard.js';

/**
 * A webhook URL as createWebhook accepts it: absolute https (http only where the policy allows,
 * i.e. development), no credentials in it (they would show in every listing), and, in
 * production, a host that resolves to public addresses only. Deliveries check the address again
 * when they connect, since DNS can change after creation.
 */
export async function checkWebhookUrl(text: string, policy: WebhookNetworkPolicy): Promise<string> {
  if (!URL.canParse(text)) throw badInput('url', 'url: must be an absolute https:// URL.');
  const url = new URL(text);
  const schemes = policy.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol))
    throw badInput('url', `url: must use ${policy.allowHttp ? 'http or https' : 'https'}.`);
  if (url.username || url.password)
    throw badInput('url', 'url: must not carry credentials; the signature authenticates Quell.');
  const refusal = await destinationRefusal(hostOf(url), policy);
  if (refusal) throw badInput('url', `url: ${refusal} (private networks are refused).`);
  return url.href;
}
