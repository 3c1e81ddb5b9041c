// An agency's webhook receiver as its own process (the fault scenarios start, stop and slow it).
// Every request is appended to LOG_FILE as one JSON line before it is answered, so what it
// received survives its own restarts. RECEIVER_DELAY_MS delays every answer (a slow receiver).
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';

const port = Number(process.env.RECEIVER_PORT);
const logFile = process.env.LOG_FILE;
const delayMs = Number(process.env.RECEIVER_DELAY_MS ?? 0);
if (!port || !logFile) {
  process.stderr.write('receiver: RECEIVER_PORT and LOG_FILE must be set\n');
  process.exit(1);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const line = {
      at: Date.now(),
      idempotencyKey: req.headers['idempotency-key'] ?? null,
      signature: req.headers['x-hazchem-signature'] ?? null,
      raw,
    };
    appendFileSync(logFile, `${JSON.stringify(line)}\n`);
    setTimeout(() => res.writeHead(204).end(), delayMs);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`receiver listening on ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
