import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

export interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: Json;
}

/**
 * A real HTTP receiver on a loopback port, standing in for an agency's system: it records every
 * request, and answers 500 while `refusing` is set (an agency system that is down).
 */
export class Receiver {
  readonly accepted: Received[] = [];
  refused = 0;
  refusing = false;
  private server!: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.refusing) {
          this.refused++;
          res.writeHead(500).end('down for maintenance');
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        this.accepted.push({ at: Date.now(), headers: req.headers, raw, body: JSON.parse(raw) as Json });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/events`;
    return this;
  }

  /** Accepted events of one type. */
  ofType(type: string): Received[] {
    return this.accepted.filter((r) => r.body.type === type);
  }

  async waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`receiver: condition not met in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server.closeAllConnections();
      this.server.close(() => r());
    });
  }
}

export interface SseEvent {
  id: string;
  event: string;
  data: Json;
}

/**
 * Reads the SSE stream until `count` events have arrived and then `quietMs` more without any
 * (to show nothing extra follows), or fails after the timeout.
 */
export function readSse(
  baseUrl: string,
  key: string,
  options: {
    query?: string;
    lastEventId?: string;
    count: number;
    quietMs?: number;
    timeoutMs?: number;
    /** Called when the stream's headers arrive: the server has fixed where it starts. */
    onOpen?: () => void;
  },
): Promise<SseEvent[]> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    let buffer = '';
    let quiet: NodeJS.Timeout | undefined;
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: 'text/event-stream' };
    if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
    const req = http.get(`${baseUrl}/v1/exchange/stream${options.query ?? ''}`, { headers }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      options.onOpen?.();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            const i = line.indexOf(':');
            if (i <= 0) continue;
            fields[line.slice(0, i)] = line.slice(i + 1).trimStart();
          }
          if (fields.data === undefined) continue;
          events.push({ id: fields.id!, event: fields.event!, data: JSON.parse(fields.data) as Json });
          if (events.length > options.count) finish();
          else if (events.length === options.count) {
            clearTimeout(quiet);
            quiet = setTimeout(finish, options.quietMs ?? 0);
          }
        }
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`stream: ${events.length} of ${options.count} events before the timeout`));
    }, options.timeoutMs ?? 15_000);
    function finish(): void {
      clearTimeout(timer);
      clearTimeout(quiet);
      req.destroy();
      resolve(events);
    }
    req.on('error', (err) => {
      if (!req.destroyed) reject(err);
    });
  });
}
