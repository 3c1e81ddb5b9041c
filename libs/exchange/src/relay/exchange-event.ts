import { EVENTS } from '@lib/platform';

/** A published event as stored (exchange_events). */
export interface PublishedEvent {
  seq: string;
  id: string;
  stream: string;
  streamSeq: string;
  type: string;
  version: number;
  subjectId: string | null;
  payload: Record<string, unknown>;
  audience: string[];
  occurredAt: string;
  publishedAt: string;
}

/** What every channel (webhook, feed, stream) sends: the same envelope, the payload shaped for the reader. */
export interface EventEnvelope {
  id: string;
  type: string;
  version: number;
  stream: string;
  /** Per-stream sequence number (gap-free within the stream). */
  sequence: number;
  /** The feed cursor / SSE id of this event (global order). */
  cursor: string;
  occurredAt: string;
  publishedAt: string;
  subjectId: string | null;
  data: Record<string, unknown>;
}

export function envelope(e: PublishedEvent, data: Record<string, unknown>): EventEnvelope {
  return {
    id: e.id,
    type: e.type,
    version: e.version,
    stream: e.stream,
    sequence: Number(e.streamSeq),
    cursor: e.seq,
    occurredAt: e.occurredAt,
    publishedAt: e.publishedAt,
    subjectId: e.subjectId,
    data,
  };
}

/** The JSON schema of the envelope, published beside the event schemas. */
export const ENVELOPE_SCHEMA = {
  type: 'object',
  required: ['id', 'type', 'version', 'stream', 'sequence', 'cursor', 'occurredAt', 'publishedAt', 'data'],
  properties: {
    id: { type: 'string', format: 'uuid', description: 'unique; the webhook Idempotency-Key' },
    type: { enum: Object.keys(EVENTS) },
    version: { type: 'integer' },
    stream: { type: 'string' },
    sequence: { type: 'integer', description: 'per-stream sequence number' },
    cursor: { type: 'string', description: 'global position: the feed cursor and the SSE event id' },
    occurredAt: { type: 'string', format: 'date-time' },
    publishedAt: { type: 'string', format: 'date-time' },
    subjectId: { type: ['string', 'null'] },
    data: { type: 'object', description: 'the payload, as the sharing policy lets the reader see it' },
  },
};
