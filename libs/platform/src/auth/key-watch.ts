import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ApiKeyService } from './api-key.service.js';

/** How often the watched keys are checked: a revoked or expired key's stream ends within about this. */
const CHECK_EVERY_MS = 1000;

export interface WatchedKey {
  /** True once the key was revoked or has expired: the reader stops giving out data and ends. */
  lost(): boolean;
  /** The reader is done; the key is no longer checked for it. */
  stop(): void;
}

interface Watch {
  keyId: string;
  lost: boolean;
}

/**
 * A request is authenticated once, when it starts; a long-lived read (the exchange's SSE stream)
 * would go on giving out data after its key was revoked or expired (issue 15). Such a read watches
 * its key: once a second this process asks the database which watched keys are still active (one
 * query however many streams are open, and it sees a revocation made by any process) and marks
 * the others lost; the reader checks between writes and ends itself.
 */
@Injectable()
export class KeyWatch implements OnModuleDestroy {
  private readonly log = new Logger('KeyWatch');
  private readonly watches = new Set<Watch>();
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(private readonly keys: ApiKeyService) {}

  /** Watches the key (its row id, Principal.keyId) until stop(). */
  watch(keyId: string): WatchedKey {
    const w: Watch = { keyId, lost: false };
    this.watches.add(w);
    if (!this.timer) {
      this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
      this.timer.unref();
    }
    return {
      lost: () => w.lost,
      stop: () => {
        this.watches.delete(w);
        if (this.watches.size === 0) this.clear();
      },
    };
  }

  /** One turn: marks lost every watched key that is no longer active. Exposed for tests. */
  async check(now = new Date()): Promise<void> {
    if (this.checking || this.watches.size === 0) return;
    this.checking = true;
    try {
      const open = [...this.watches].filter((w) => !w.lost);
      const active = await this.keys.stillActive([...new Set(open.map((w) => w.keyId))], now);
      for (const w of open) if (!active.has(w.keyId)) w.lost = true;
    } catch (err) {
      // The database is away: the streams fail on their own reads; the next turn checks again.
      this.log.warn({ error: err instanceof Error ? err.message : String(err) }, 'checking watched keys failed');
    } finally {
      this.checking = false;
    }
  }

  private clear(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  onModuleDestroy(): void {
    this.clear();
  }
}
