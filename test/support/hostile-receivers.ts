import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on a loopback port that an attacker would register as a webhook receiver. */
abstract class HostileServer {
  protected server!: http.Server;
  /** Requests that reached this server. */
  requests = 0;
  url = '';

  protected abstract answer(req: http.IncomingMessage, res: http.ServerResponse): void;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.requests++;
      this.answer(req, res);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server.closeAllConnections();
      this.server.close(() => r());
    });
  }
}

/** Takes the request and never answers: each connection stays open until the client gives up. */
export class Tarpit extends HostileServer {
  /** Requests held open right now. */
  open = 0;
  /** When the first held request ended (the client gave up); Infinity while none has. */
  firstClosedAt = Infinity;

  protected answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.open++;
    req.resume();
    res.on('close', () => {
      this.open--;
      this.firstClosedAt = Math.min(this.firstClosedAt, Date.now());
    });
  }
}

/** Answers 200 and then streams `totalBytes` of body, respecting backpressure, until the client hangs up. */
export class Flood extends HostileServer {
  /** Bytes handed to the socket before the client stopped reading and the connection broke. */
  written = 0;
  finished: Promise<void>;
  private finish: () => void = () => undefined;

  constructor(private readonly totalBytes: number) {
    super();
    this.finished = new Promise((r) => (this.finish = r));
  }

  protected answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    const chunk = Buffer.alloc(256 * 1024, 'A');
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(this.totalBytes) });
    const more = (): void => {
      while (!res.destroyed && this.written < this.totalBytes) {
        this.written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      if (!res.destroyed) res.end();
    };
    res.on('close', () => this.finish());
    more();
  }
}

/** Answers every request with a redirect to `location`. */
export class Redirector extends HostileServer {
  constructor(private readonly location: () => string) {
    super();
  }

  protected answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    res.writeHead(302, { location: this.location() }).end();
  }
}
