import { SetMetadata } from '@nestjs/common';

export const SHOWN_ONCE_METADATA = 'hazchem:shown-once';

export interface ShownOnceField {
  /** The top-level field of the answer that holds the secret. */
  field: string;
  /** What a client that lost the secret does instead; `{id}` stands for the answer's id. */
  remedy: string;
}

/**
 * Marks the field of a route's answer that holds a secret shown once (a minted API key, a webhook's
 * signing secret). The first answer carries it; the Idempotency-Key record keeps the answer without
 * it, so a secret never waits 24 h in clear in idempotency_keys (issue 15). A retry after a timeout
 * gets the same status and body with the field null and `withheld.<field>` saying why and what to
 * do: the client learns the record's id and that the secret cannot be shown again.
 */
export const ShownOnce = (field: string, remedy: string): MethodDecorator =>
  SetMetadata(SHOWN_ONCE_METADATA, { field, remedy } satisfies ShownOnceField);

export const withheldText = (remedy: string): string =>
  `shown once, in the first answer to this Idempotency-Key, and cannot be shown again: if it was lost, ${remedy}`;

/** The answer as an Idempotency-Key record may keep it: the secret field null, `withheld` saying why. */
export function withoutSecret(answer: unknown, shownOnce: ShownOnceField | undefined): unknown {
  if (!shownOnce || typeof answer !== 'object' || answer === null || Array.isArray(answer)) return answer;
  if (!(shownOnce.field in answer)) return answer;
  const id = (answer as { id?: unknown }).id;
  const remedy = typeof id === 'string' ? shownOnce.remedy.replaceAll('{id}', id) : shownOnce.remedy;
  return { ...answer, [shownOnce.field]: null, withheld: { [shownOnce.field]: withheldText(remedy) } };
}
