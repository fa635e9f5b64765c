import { request } from 'node:http';

/** One GraphQL-over-SSE subscription (yoga's transport) on node:http; resolves once the stream is open. */
export function openSse(
  plan: { url: string; token: string; after: string },
  query: string,
  handlers: {
    onData: (data: unknown) => void;
    onError: (error: unknown) => void;
    track: (close: () => void) => void;
  },
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const body = JSON.stringify({ query, variables: { after: plan.after } });
    const req = request(plan.url, {
      method: 'POST',
      headers: {
        accept: 'text/event-stream',
        'content-type': 'application/json',
        authorization: `Bearer ${plan.token}`,
      },
    });
    handlers.track(() => req.destroy());
    req.on('error', reject);
    req.on('response', (response) => {
      if (response.statusCode !== 200) return reject(new Error(`SSE ${response.statusCode}`));
      resolve();
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (!data) continue;
          const payload = JSON.parse(data) as { data?: unknown; errors?: unknown[] };
          if (payload.errors) handlers.onError(payload.errors);
          else if (payload.data) handlers.onData(payload.data);
        }
      });
    });
    req.end(body);
  });
}
