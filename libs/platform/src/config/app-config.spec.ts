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
    [
      'LEDGER_BACKDATE_HOURS',
      '0',
      /^LEDGER_BACKDATE_HOURS: must be an integer between 1 and 87600 \(hours\) \(got 0\)$/,
    ],
    ['LEDGER_BACKDATE_HOURS', '72h', /^LEDGER_BACKDATE_HOURS: must be an integer between 1 and 87600/],
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
    expect(
      loadConfig({
        NODE_ENV: 'production',
        JT808_AUTH_SECRET: 'a-real-secret-from-the-vault',
        LEDGER_CHAIN_KEY: 'another-real-secret-from-the-vault-32',
      }).env,
    ).toBe('production');
    expect(loadConfig({}).jt808.authSecret).toBe('development-only-jt808-secret');
  });

  it('reads the JT/T 808 connection limits, with defaults, and stops at a bad one naming it', () => {
    expect(loadConfig({}).jt808).toMatchObject({
      authTimeoutMs: 30_000,
      maxPerAddress: 50,
      registrationsPerMinute: 10,
      maxBadFramesInRow: 10,
      sessionCheckMs: 2000,
    });
    expect(
      loadConfig({ JT808_AUTH_TIMEOUT_S: '5', JT808_MAX_PER_ADDRESS: '3', JT808_MAX_BAD_FRAMES: '4' }).jt808,
    ).toMatchObject({ authTimeoutMs: 5000, maxPerAddress: 3, maxBadFramesInRow: 4 });
    expect(() => loadConfig({ JT808_AUTH_TIMEOUT_S: '0' })).toThrow(/^JT808_AUTH_TIMEOUT_S: must be an integer/);
    expect(() => loadConfig({ JT808_MAX_PER_ADDRESS: 'many' })).toThrow(/^JT808_MAX_PER_ADDRESS: /);
    expect(() => loadConfig({ JT808_REGISTER_PER_MIN: '-1' })).toThrow(/^JT808_REGISTER_PER_MIN: /);
    expect(() => loadConfig({ JT808_SESSION_CHECK_MS: '10' })).toThrow(/^JT808_SESSION_CHECK_MS: /);
  });

  it.each([
    ['169.254.0.0/16', /^WEBHOOK_ALLOW_CIDRS: 169\.254\.0\.0\/16 is not inside a private range/],
    ['10.20.0.0/16,0.0.0.0/0', /^WEBHOOK_ALLOW_CIDRS: 0\.0\.0\.0\/0 is not inside a private range/],
    ['10.20.0.0/16, intranet', /^WEBHOOK_ALLOW_CIDRS: intranet is not a CIDR/],
    ['10.1.2.3/8', /^WEBHOOK_ALLOW_CIDRS: 10\.1\.2\.3\/8 has bits set/],
  ])('stops at WEBHOOK_ALLOW_CIDRS=%s naming the entry', (value, message) => {
    expect(() => loadConfig({ WEBHOOK_ALLOW_CIDRS: value })).toThrow(message);
  });

  it('opens the listed private networks to webhooks', () => {
    const { egress } = loadConfig({ WEBHOOK_ALLOW_CIDRS: ' 10.20.0.0/16 , fd12:3456::/32,' }).exchange.webhook;
    expect(egress.allowCidrs.map((c) => c.text)).toEqual(['10.20.0.0/16', 'fd12:3456::/32']);
    expect(loadConfig({}).exchange.webhook.egress.allowCidrs).toEqual([]);
  });

  it('checks event payloads against their schemas in development and test, not in production', () => {
    expect(loadConfig({}).checksEventPayloads).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).checksEventPayloads).toBe(true);
    const production = loadConfig({
      NODE_ENV: 'production',
      JT808_AUTH_SECRET: 'a-real-secret-from-the-vault',
      LEDGER_CHAIN_KEY: 'ledger-chain-key-from-the-vault-2026',
    });
    expect(production.checksEventPayloads).toBe(false);
    expect(production.with({}).checksEventPayloads).toBe(false);
  });

  it('allows loopback webhook receivers in development and test only', () => {
    const production = {
      NODE_ENV: 'production',
      JT808_AUTH_SECRET: 'a-real-secret-from-the-vault',
      LEDGER_CHAIN_KEY: 'ledger-chain-key-from-the-vault-2026',
    };
    expect(loadConfig({}).exchange.webhook.egress.allowLoopback).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).exchange.webhook.egress.allowLoopback).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_LOOPBACK: 'false' }).exchange.webhook.egress.allowLoopback).toBe(false);
    expect(loadConfig(production).exchange.webhook.egress.allowLoopback).toBe(false);
    expect(() => loadConfig({ ...production, WEBHOOK_ALLOW_LOOPBACK: 'true' })).toThrow(
      /^WEBHOOK_ALLOW_LOOPBACK: must not be true in production/,
    );
    expect(() => loadConfig({ WEBHOOK_ALLOW_LOOPBACK: 'yes' })).toThrow(
      /^WEBHOOK_ALLOW_LOOPBACK: must be true or false/,
    );
  });

  it('refuses a missing or development LEDGER_CHAIN_KEY in production, and accepts a real one', () => {
    const production = { NODE_ENV: 'production', JT808_AUTH_SECRET: 'a-real-secret-from-the-vault' };
    expect(() => loadConfig(production)).toThrow(/^LEDGER_CHAIN_KEY: must be set in production/);
    expect(() => loadConfig({ ...production, LEDGER_CHAIN_KEY: 'development-only-ledger-chain-key' })).toThrow(
      /^LEDGER_CHAIN_KEY: must be set in production/,
    );
    const key = 'k'.repeat(16) + '-from-the-vault-2026';
    expect(loadConfig({ ...production, LEDGER_CHAIN_KEY: key }).ledgerChain.key).toBe(key);
    // Outside production the development key keeps the chains keyed all the same.
    expect(loadConfig({}).ledgerChain.key).toBe('development-only-ledger-chain-key');
    expect(loadConfig({ NODE_ENV: 'test' }).with({}).ledgerChain.key).toBe('development-only-ledger-chain-key');
  });

  it('never echoes LEDGER_CHAIN_KEY: a short key and a key equal to the JT/T 808 secret are refused by name only', () => {
    for (const [env, message] of [
      [{ LEDGER_CHAIN_KEY: 'short-but-secret-17' }, /^LEDGER_CHAIN_KEY: must be at least 32 characters$/],
      [
        {
          LEDGER_CHAIN_KEY: 'one-secret-for-everything-0123456789',
          JT808_AUTH_SECRET: 'one-secret-for-everything-0123456789',
        },
        /^LEDGER_CHAIN_KEY: must differ from JT808_AUTH_SECRET$/,
      ],
    ] as const) {
      let error: unknown;
      try {
        loadConfig(env);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(env.LEDGER_CHAIN_KEY);
    }
  });

  it('dates movements back 72 hours by default, or as LEDGER_BACKDATE_HOURS says', () => {
    expect(loadConfig({}).ledger.backdateMs).toBe(72 * 3_600_000);
    expect(loadConfig({ LEDGER_BACKDATE_HOURS: '24' }).ledger.backdateMs).toBe(24 * 3_600_000);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: ' ' }).database.kind).toBe('pglite');
  });
});
