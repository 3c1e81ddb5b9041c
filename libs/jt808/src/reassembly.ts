import type { Decoded } from './codec.js';

interface Pending {
  messageId: number;
  count: number;
  firstFlow: number;
  parts: Map<number, Buffer>;
  since: number;
  asked: boolean;
}

/**
 * Sub-packaged messages (§4.4.3.2): a long body sent as `count` packages with consecutive flow
 * numbers. Packages are held per terminal until all have come (then the whole body is given back),
 * or until the timeout, when the missing indexes are named once (for a 0x8003 re-send request)
 * and the message is dropped on the second timeout. Bounded: at most `maxPending` messages held.
 */
export class Reassembler {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly timeoutMs = 10_000,
    private readonly maxPending = 16,
  ) {}

  /** The whole message when this package completes it, else null. */
  add(m: Decoded, now = Date.now()): Decoded | null {
    const { packageCount: count, packageIndex: index, flow, messageId } = m.header;
    if (!count || !index || index > count) return null;
    const firstFlow = (flow - (index - 1) + 0x10000) % 0x10000;
    const key = `${messageId}:${firstFlow}:${count}`;
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= this.maxPending) this.pending.delete(this.pending.keys().next().value!);
      p = { messageId, count, firstFlow, parts: new Map(), since: now, asked: false };
      this.pending.set(key, p);
    }
    p.parts.set(index, m.body);
    if (p.parts.size < count) return null;
    this.pending.delete(key);
    const body = Buffer.concat(Array.from({ length: count }, (_, i) => p.parts.get(i + 1)!));
    return {
      header: {
        ...m.header,
        messageId,
        subpackaged: false,
        packageCount: null,
        packageIndex: null,
        bodyLength: body.length,
        flow: firstFlow,
      },
      body,
    };
  }

  /** Messages past their time: those to ask again for (once), the others dropped. */
  sweep(now = Date.now()): Array<{ messageId: number; firstFlow: number; missing: number[] }> {
    const ask = [];
    for (const [key, p] of this.pending) {
      if (now - p.since < this.timeoutMs) continue;
      if (p.asked) {
        this.pending.delete(key);
        continue;
      }
      p.asked = true;
      p.since = now;
      const missing = Array.from({ length: p.count }, (_, i) => i + 1).filter((i) => !p.parts.has(i));
      ask.push({ messageId: p.messageId, firstFlow: p.firstFlow, missing });
    }
    return ask;
  }

  get size(): number {
    return this.pending.size;
  }
}
