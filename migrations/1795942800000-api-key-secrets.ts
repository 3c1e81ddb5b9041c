import type { MigrationInterface, QueryRunner } from 'typeorm';

const SHOWN_ONCE =
  'shown once, in the first answer to this Idempotency-Key, and cannot be shown again: if it was lost, ';

/**
 * API keys may carry an expiry; and the answers kept for Idempotency-Key replays lose the secrets
 * they held (issue 15: a minted key sat in clear in idempotency_keys for 24 h, and so did a
 * webhook's signing secret). A kept answer gets the shape a replay has from now on: the secret
 * null, and `withheld` saying it was shown once and what to do instead.
 */
export class ApiKeySecrets1795942800000 implements MigrationInterface {
  name = 'ApiKeySecrets1795942800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api_keys ADD COLUMN expires_at timestamptz');
    await withhold(q, 'key', 'hc\\_%', 'revoke this key (DELETE /v1/api-keys/{id}) and mint another');
    await withhold(
      q,
      'secret',
      'whsec\\_%',
      'delete this endpoint (DELETE /v1/exchange/webhooks/{id}) and register it again',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // The secrets taken out of idempotency_keys are gone for good; only the column comes back out.
    await q.query('ALTER TABLE api_keys DROP COLUMN expires_at');
  }
}

async function withhold(q: QueryRunner, field: string, like: string, remedy: string): Promise<void> {
  await q.query(
    `UPDATE idempotency_keys
        SET response = response || jsonb_build_object(
              $1::text, null,
              'withheld', jsonb_build_object($1::text, replace($3::text, '{id}', coalesce(response->>'id', '{id}'))))
      WHERE jsonb_typeof(response) = 'object' AND response->>$1::text LIKE $2`,
    [field, like, SHOWN_ONCE + remedy],
  );
}
