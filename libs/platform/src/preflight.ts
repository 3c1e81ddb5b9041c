import pg from 'pg';
import { Redis } from 'ioredis';
import { type AppConfig, ConfigError, redactUrl } from './config/app-config.js';

const reason = (err: unknown): string => {
  const e = err as { code?: string; message?: string };
  return e.code ? `${e.code}${e.message ? `: ${e.message.split('\n')[0]}` : ''}` : (e.message ?? String(err));
};

/**
 * Before the framework starts: is the configured PostgreSQL and Redis answering? A process that
 * cannot reach them stops at once with one line naming the variable, instead of retrying
 * silently or dumping a stack.
 */
export async function preflight(config: AppConfig): Promise<void> {
  if (config.database.kind === 'postgres') {
    const client = new pg.Client({ connectionString: config.database.url, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
    } catch (err) {
      throw new ConfigError(
        'DATABASE_URL',
        `cannot connect to PostgreSQL at ${redactUrl(config.database.url)} (${reason(err)})`,
      );
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  if (config.queue.kind === 'bullmq') {
    const redis = new Redis(config.queue.redisUrl, {
      lazyConnect: true,
      connectTimeout: 3000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
    });
    let firstError: unknown;
    redis.on('error', (err) => (firstError ??= err));
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      throw new ConfigError(
        'REDIS_URL',
        `cannot connect to Redis at ${redactUrl(config.queue.redisUrl)} (${reason(firstError ?? err)})`,
      );
    } finally {
      redis.disconnect();
    }
  }
}
