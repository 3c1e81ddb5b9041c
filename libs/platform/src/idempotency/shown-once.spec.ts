import { withoutSecret } from './shown-once.js';

describe('withoutSecret (what an Idempotency-Key record keeps of an answer)', () => {
  const shownOnce = { field: 'key', remedy: 'revoke this key (DELETE /v1/api-keys/{id}) and mint another' };

  it('nulls the secret field and says in withheld that it was shown once, naming the record', () => {
    const kept = withoutSecret({ id: '0190a1b2-0000-7000-8000-000000000001', keyId: 'abc', key: 'hc_x_y' }, shownOnce);
    expect(kept).toEqual({
      id: '0190a1b2-0000-7000-8000-000000000001',
      keyId: 'abc',
      key: null,
      withheld: {
        key: 'shown once, in the first answer to this Idempotency-Key, and cannot be shown again: if it was lost, revoke this key (DELETE /v1/api-keys/0190a1b2-0000-7000-8000-000000000001) and mint another',
      },
    });
  });

  it.each([
    ['the answer of a route without @ShownOnce', { id: 'a', key: 'hc_x_y' }, undefined],
    ['an answer without the marked field', { id: 'a' }, shownOnce],
    ['a null answer', null, shownOnce],
    ['a list answer', [{ key: 'hc_x_y' }], shownOnce],
  ])('keeps %s as it is', (_case, answer, marked) => {
    expect(withoutSecret(answer, marked)).toEqual(answer);
  });
});
