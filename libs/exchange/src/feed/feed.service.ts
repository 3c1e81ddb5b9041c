import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AccessLog, type AccessChannel, KeyWatch, type Principal, RulesViolated, subjectsOf } from '@lib/platform';
import type { EventEnvelope } from '../relay/exchange-event.js';
import { envelope } from '../relay/exchange-event.js';
import { ExchangeRepository } from '../relay/exchange.repository.js';
import { PublishedSignal } from '../relay/published-signal.js';
import { PolicyService } from '../policy/policy.service.js';
import { shapeFor } from '../policy/sharing-policy.js';
import { typePatterns, typeProblems } from './type-filter.js';

export interface SseSink {
  write(chunk: string): boolean;
  end(): void;
  closed(): boolean;
}

/**
 * The pull feed and the live stream read the same published stream in the same order, shaped by
 * the same policy: an agency sees only events addressed to it, with only its fields, personal
 * fields masked unless named. Every read that gives out events is written to the access log.
 */
@Injectable()
export class FeedService implements OnModuleDestroy {
  private closing = false;
  private readonly sinks = new Set<SseSink>();

  constructor(
    private readonly repo: ExchangeRepository,
    private readonly policies: PolicyService,
    private readonly access: AccessLog,
    private readonly signal: PublishedSignal,
    private readonly keyWatch: KeyWatch,
  ) {}

  parseTypes(types: string | undefined): string[] | null {
    if (!types) return null;
    const list = types
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const problems = typeProblems(list, 'types');
    if (problems.length) throw new RulesViolated(problems);
    return list;
  }

  async page(
    principal: Principal,
    q: { after: string; types: string[] | null; limit: number; purpose: string | null },
    channel: AccessChannel = 'feed',
  ): Promise<{ events: EventEnvelope[]; next: string; more: boolean }> {
    const agency = principal.kind === 'agency' ? principal.agency : null;
    const rows = await this.repo.after({ after: q.after, agency, types: typePatterns(q.types), limit: q.limit });
    if (rows.length === 0) return { events: [], next: q.after, more: false };
    const policy = agency ? (await this.policies.current()).document : null;
    const events: EventEnvelope[] = [];
    const given: typeof rows = [];
    for (const e of rows) {
      // The audience was decided at publication; the policy in force now still decides what is shown.
      const data = policy && agency ? shapeFor(policy, agency, e.type, e.payload) : e.payload;
      if (!data) continue;
      events.push(envelope(e, data));
      given.push(e);
    }
    if (given.length > 0)
      await this.access.record([
        {
          principal,
          channel,
          action: 'read events',
          subjects: given.flatMap((e) => subjectsOf(e.payload)),
          detail: { from: given[0]!.seq, to: given[given.length - 1]!.seq, eventIds: given.map((e) => e.id) },
          purpose: q.purpose,
        },
      ]);
    return { events, next: rows[rows.length - 1]!.seq, more: rows.length === q.limit };
  }

  /** Where a live stream without a cursor starts: now. */
  lastCursor(): Promise<string> {
    return this.repo.lastCursor();
  }

  /**
   * Serves Server-Sent Events until the client goes away, the process stops, or the caller's key
   * is revoked or expires (within about 1.5 s: the key watch's turn plus one wait for events).
   */
  async stream(
    sink: SseSink,
    principal: Principal,
    q: { after: string; types: string[] | null; purpose: string | null },
  ): Promise<void> {
    this.sinks.add(sink);
    const key = this.keyWatch.watch(principal.keyId);
    let cursor = q.after;
    let beat = Date.now();
    try {
      sink.write('retry: 2000\n\n');
      while (!this.closing && !sink.closed() && !key.lost()) {
        const page = await this.page(principal, { ...q, after: cursor, limit: 200 }, 'stream');
        for (const e of page.events) sink.write(`id: ${e.cursor}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
        cursor = page.next;
        if (page.more) continue;
        if (Date.now() - beat > 15_000) {
          sink.write(': keep-alive\n\n');
          beat = Date.now();
        }
        await this.signal.next(500);
      }
      // An SSE comment: a client sees why the stream ended; reconnecting with the key gets 401.
      if (key.lost() && !sink.closed()) sink.write(': the API key was revoked or has expired\n\n');
    } catch {
      // The database went away (shutdown) or the socket broke: the client resumes with Last-Event-ID.
    } finally {
      key.stop();
      this.sinks.delete(sink);
      sink.end();
    }
  }

  onModuleDestroy(): void {
    this.closing = true;
    for (const sink of this.sinks) sink.end();
  }
}
