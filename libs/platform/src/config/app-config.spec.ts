import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('defaults to the embedded database and the in-process queue', () => {
    const c = loadConfig({});
    expect(c.database).toEqual({ kind: 'pglite', dataDir: './data' });
    expect(c.queue).toEqual({ kind: 'in-process', prefix: 'hc', fixHoldMs: 250 });
    expect(c.http.port).toBe(3000);
  });

  it('selects PostgreSQL and BullMQ when their URLs are set', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/hc',
      REDIS_URL: 'redis://cache:6379',
      DB_POOL_SIZE: '20',
    });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/hc', poolSize: 20 });
    expect(c.queue).toEqual({ kind: 'bullmq', redisUrl: 'redis://cache:6379', prefix: 'hc', fixHoldMs: 250 });
  });

  it.each([
    ['PORT', 'abc', /PORT: must be an integer between 0 and 65535 \(got "abc"\)/],
    ['PORT', '70000', /PORT: must be an integer/],
    ['DATABASE_URL', 'mysql://x', /^DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL$/],
    ['REDIS_URL', 'http://x', /^REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL$/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: .*loud/],
    ['ADMIN_API_KEY', 'secret', /^ADMIN_API_KEY: must look like/],
    ['BODY_LIMIT', 'lots', /BODY_LIMIT: must be a size/],
  ])('refuses %s=%s with one line naming it', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it("never echoes a secret variable's value", () => {
    expect(() => loadConfig({ ADMIN_API_KEY: 'hunter2-my-password' })).toThrow(/^ADMIN_API_KEY: (?!.*hunter2)/);
  });

  it('refuses the development JT/T 808 secret in production, and accepts a real one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/^JT808_AUTH_SECRET: must be set in production/);
    expect(loadConfig({ NODE_ENV: 'production', JT808_AUTH_SECRET: 'a-real-secret-from-the-vault' }).env).toBe(
      'production',
    );
    expect(loadConfig({}).jt808.authSecret).toBe('development-only-jt808-secret');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: ' ' }).database.kind).toBe('pglite');
  });
});
