import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLOSED_EGRESS, type EgressPolicy } from './address-rules.js';
import { egressPost, EgressRefused, type Resolve } from './egress-client.js';

const LOOPBACK: EgressPolicy = { allowLoopback: true, allowCidrs: [] };

/** A real server on a loopback port; counts the connections it was offered. */
async function serve(
  handler: http.RequestListener,
): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = http.createServer(handler);
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    connections: () => connections,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const post = (url: string, policy: EgressPolicy, extra: { resolve?: Resolve; timeoutMs?: number } = {}) =>
  egressPost(url, {
    headers: { 'content-type': 'application/json' },
    body: '{"id":"e1"}',
    timeoutMs: extra.timeoutMs ?? 2000,
    maxResponseBytes: 64 * 1024,
    policy,
    resolve: extra.resolve,
  });

const withHost = (url: string, host: string): string => url.replace('127.0.0.1', host);

describe('egressPost', () => {
  const open: Array<{ close: () => Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const server = async (handler: http.RequestListener) => {
    const s = await serve(handler);
    open.push(s);
    return s;
  };

  it('posts to an allowed receiver and gives its status', async () => {
    const s = await server((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await expect(post(s.url, LOOPBACK)).resolves.toEqual({ status: 204, bytesRead: 0, truncated: false });
  });

  it('refuses a literal address the policy forbids without connecting', async () => {
    const s = await server((_req, res) => res.writeHead(204).end());
    const err = await post(s.url, CLOSED_EGRESS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EgressRefused);
    expect(err).toMatchObject({
      rule: 'FORBIDDEN',
      message: expect.stringContaining('127.0.0.1 is a loopback address'),
    });
    expect(s.connections()).toBe(0);
  });

  it('refuses a URL carrying credentials without repeating them (one stored before these rules)', async () => {
    const s = await server((_req, res) => res.writeHead(204).end());
    const err = await post(s.url.replace('http://', 'http://agency:hunter2@'), LOOPBACK).catch((e: unknown) => e);
    expect(err).toMatchObject({ rule: 'CREDENTIALS' });
    expect((err as Error).message).not.toContain('hunter2');
    expect(s.connections()).toBe(0);
  });

  it('judges every address a name resolves to and refuses the name if one is forbidden', async () => {
    const s = await server((_req, res) => res.writeHead(204).end());
    const mixed: Resolve = () =>
      Promise.resolve([
        { address: '127.0.0.1', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ]);
    const err = await post(withHost(s.url, 'receiver.test'), LOOPBACK, { resolve: mixed }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EgressRefused);
    expect((err as Error).message).toBe(
      'receiver.test resolved to 169.254.169.254: 169.254.169.254 is the cloud instance metadata service (AWS, Google Cloud, Azure, Huawei Cloud, OpenStack)',
    );
    expect(s.connections()).toBe(0);
  });

  it('connects to the address it judged: a name that rebinds between requests cannot slip through', async () => {
    const s = await server((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    const answers = ['127.0.0.1', '169.254.169.254'];
    const asked: string[] = [];
    const rebinding: Resolve = (host) => {
      asked.push(host);
      return Promise.resolve([{ address: answers[asked.length - 1] ?? '169.254.169.254', family: 4 }]);
    };
    await expect(post(withHost(s.url, 'rebind.test'), LOOPBACK, { resolve: rebinding })).resolves.toMatchObject({
      status: 204,
    });
    await expect(post(withHost(s.url, 'rebind.test'), LOOPBACK, { resolve: rebinding })).rejects.toBeInstanceOf(
      EgressRefused,
    );
    // One resolution per request: the answer judged is the answer connected to.
    expect(asked).toEqual(['rebind.test', 'rebind.test']);
    expect(s.connections()).toBe(1);
  });

  it('judges the names the system resolver answers (localhost is loopback)', async () => {
    const s = await server((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    const err = await post(withHost(s.url, 'localhost'), CLOSED_EGRESS).catch((e: unknown) => e);
    expect(err).toMatchObject({
      rule: 'FORBIDDEN',
      message: expect.stringMatching(/^localhost resolved to (127\.0\.0\.1|::1)/),
    });
    expect(s.connections()).toBe(0);
    await expect(post(withHost(s.url, 'localhost'), LOOPBACK)).resolves.toMatchObject({ status: 204 });
  });

  it('does not follow a redirect: the 3xx is the answer', async () => {
    const target = await server((_req, res) => res.writeHead(204).end());
    const s = await server((_req, res) => res.writeHead(307, { location: target.url }).end());
    await expect(post(s.url, LOOPBACK)).resolves.toMatchObject({ status: 307 });
    expect(target.connections()).toBe(0);
  });

  it('reads at most 64 KiB of an endless answer, then closes the connection and keeps the status', async () => {
    let written = 0;
    let stopped: () => void = () => undefined;
    const writerStopped = new Promise<void>((r) => (stopped = r));
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const s = await server((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      const more = (): void => {
        while (!res.destroyed && written < 500 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        stopped();
      };
      res.on('close', stopped);
      more();
    });
    const started = Date.now();
    const answer = await post(s.url, LOOPBACK);
    expect(answer.status).toBe(500);
    expect(answer.truncated).toBe(true);
    expect(answer.bytesRead).toBeGreaterThanOrEqual(64 * 1024);
    // What arrives in one read past the limit is counted, never kept.
    expect(answer.bytesRead).toBeLessThanOrEqual(2 * 64 * 1024);
    expect(Date.now() - started).toBeLessThan(1000);
    await writerStopped;
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('fails an attempt whose receiver never answers, at the deadline', async () => {
    const s = await server(() => undefined);
    const started = Date.now();
    await expect(post(s.url, LOOPBACK, { timeoutMs: 300 })).rejects.toThrow('no complete answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('keeps the status of a receiver that trickles its body past the deadline', async () => {
    const s = await server((_req, res) => {
      res.writeHead(202);
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write('.')), 20);
    });
    const started = Date.now();
    await expect(post(s.url, LOOPBACK, { timeoutMs: 300 })).resolves.toMatchObject({ status: 202, truncated: true });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
