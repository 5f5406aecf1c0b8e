// A fetch for webhooks that connects only to addresses webhook-target.ts allows: the name is resolved by our own
// lookup (each address checked before the socket opens) and the connected peer is checked again. What deliverWebhook
// needs of fetch, nothing more: POST a string body, read the status, no redirects.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { targetRefusal, urlRefusal, type WebhookAllowList } from './webhook-target.js';

/** A refused target: not retried (the same address would be refused again). */
export class RefusedTarget extends Error {
  readonly retryable = false;
  readonly code = 'WEBHOOK_TARGET_REFUSED';
  constructor(message: string) {
    super(`webhook target refused: ${message}`);
  }
}

/** dns.lookup, with every answer checked; the allowed ones only are handed to the socket. */
export function guardedLookup(allow: WebhookAllowList, resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return void callback(err, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const allowed = list.filter((a) => targetRefusal(hostname, a.address, allow) === null);
      if (allowed.length === 0) {
        const why = list.map((a) => targetRefusal(hostname, a.address, allow)).find(Boolean) ?? `${hostname} has no address`;
        return void callback(new RefusedTarget(why), '', 0);
      }
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      else callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

export function guardedFetch(allow: WebhookAllowList, resolve?: typeof dnsLookup): typeof fetch {
  const lookup = guardedLookup(allow, resolve);
  return ((input: string | URL, init: RequestInit = {}) => new Promise<Response>((resolvePromise, reject) => {
    const url = new URL(String(input));
    const refusal = urlRefusal(url.href, allow);
    if (refusal) return reject(new RefusedTarget(refusal));
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      signal: init.signal ?? undefined,
      lookup,
      // a fresh connection per call: the peer check below runs on every one
      agent: false,
    });
    req.on('socket', (socket: Socket) => {
      socket.once('connect', () => {
        // a literal address skips lookup; the peer is checked in every case
        const peer = socket.remoteAddress ?? '';
        const why = isIP(peer) ? targetRefusal(url.hostname, peer, allow) : 'no peer address';
        if (why) req.destroy(new RefusedTarget(why));
      });
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolvePromise(new Response(null, { status: status >= 200 && status <= 599 ? status : 599 }));
    });
    req.end(typeof init.body === 'string' ? init.body : undefined);
  })) as typeof fetch;
}
