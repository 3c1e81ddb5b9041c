import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { type EgressPolicy, judgeAddress, judgeUrl, type UrlRule } from './address-rules.js';

/** A request the egress rules refused before any connection was made. */
export class EgressRefused extends Error {
  constructor(
    readonly rule: UrlRule,
    message: string,
  ) {
    super(message);
    this.name = 'EgressRefused';
  }
}

/** Resolves a host name to every address it has (the system resolver by default: /etc/hosts, then DNS). */
export type Resolve = (host: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolve: Resolve = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * A `lookup` for net/http that judges every address the name resolves to and hands the socket only
 * those: the address connected to is the address checked, so a DNS answer that changes between a
 * check and the connection (rebinding) has nothing to slip through. One refused address refuses
 * the name: an answer mixing a public address with a metadata one is an attack, not a fallback.
 */
export function guardedLookup(policy: EgressPolicy, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    const reply = callback as (err: Error | null, address: unknown, family?: number) => void;
    const family = typeof options.family === 'number' ? options.family : 0;
    // The callback runs outside the promise, so an error it throws is not taken for a lookup failure.
    judgedAddresses(hostname, family, policy, resolve).then(
      (usable) =>
        process.nextTick(() =>
          options.all ? reply(null, usable) : reply(null, usable[0]!.address, usable[0]!.family),
        ),
      (err: Error) => process.nextTick(() => reply(err, undefined)),
    );
  };
}

async function judgedAddresses(
  hostname: string,
  family: number,
  policy: EgressPolicy,
  resolve: Resolve,
): Promise<Array<{ address: string; family: number }>> {
  const answers = await resolve(hostname);
  for (const a of answers) {
    const verdict = judgeAddress(a.address, policy);
    if (!verdict.allowed)
      throw new EgressRefused('FORBIDDEN', `${hostname} resolved to ${a.address}: ${verdict.reason}`);
  }
  const usable = answers.filter((a) => family === 0 || a.family === family);
  if (usable.length === 0)
    throw Object.assign(new Error(`${hostname} has no IPv${family || ''} address`), { code: 'ENOTFOUND' });
  return usable;
}

export interface EgressPost {
  headers: Record<string, string>;
  body: string;
  /** The whole exchange (resolving, connecting, sending, the answer's head and what is read of its body). */
  timeoutMs: number;
  /** Reading stops (the connection is closed) once this much of the answer's body has arrived. */
  maxResponseBytes: number;
  policy: EgressPolicy;
  resolve?: Resolve;
}

export interface EgressAnswer {
  status: number;
  /** Body bytes taken from the connection before it ended or was closed. */
  bytesRead: number;
  /** True when the body was cut short (too long, or still coming at the deadline). */
  truncated: boolean;
}

/**
 * POSTs `body` to `url` under the egress rules: the URL as written is judged first (a literal
 * address never goes through `lookup`), then every resolved address. No redirect is followed (this
 * client has none to follow: a 3xx is an answer like any other). The body of the answer is counted,
 * never kept; past `maxResponseBytes`, or at the deadline once the status is known, the socket is
 * destroyed and the status stands. A new connection per request: nothing is shared between
 * receivers, and a receiver cannot hold a pooled socket.
 */
export function egressPost(url: string, request: EgressPost): Promise<EgressAnswer> {
  const verdict = judgeUrl(url, request.policy);
  // The message never repeats the URL: one stored before these rules may carry credentials.
  if (!verdict.ok) return Promise.reject(new EgressRefused(verdict.rule, `url ${verdict.reason}`));
  const client = verdict.url.protocol === 'https:' ? https : http;
  return new Promise<EgressAnswer>((resolve, reject) => {
    let settled = false;
    let answer: EgressAnswer | null = null;
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (answer) resolve(answer);
      else reject(err ?? new Error('the connection closed before an answer'));
    };
    const req = client.request(
      verdict.url,
      {
        method: 'POST',
        agent: false,
        lookup: guardedLookup(request.policy, request.resolve),
        // Node's default, stated: an answer's head is bounded too.
        maxHeaderSize: 16 * 1024,
        headers: {
          ...request.headers,
          'content-length': String(Buffer.byteLength(request.body)),
          connection: 'close',
        },
      },
      (res) => {
        const got: EgressAnswer = { status: res.statusCode ?? 0, bytesRead: 0, truncated: false };
        answer = got;
        res.on('data', (chunk: Buffer) => {
          got.bytesRead += chunk.length;
          if (got.bytesRead >= request.maxResponseBytes && !res.complete) {
            got.truncated = true;
            finish(null);
            req.destroy();
          }
        });
        res.on('end', () => finish(null));
        // A receiver that resets the connection mid-body has still given its status.
        res.on('error', () => finish(null));
        res.on('close', () => finish(null));
      },
    );
    const deadline = setTimeout(() => {
      if (answer) answer.truncated = true;
      req.destroy(new Error(`no complete answer within ${request.timeoutMs} ms`));
    }, request.timeoutMs);
    req.on('error', (err) => finish(err));
    req.on('close', () => finish(null));
    req.end(request.body);
  });
}
