import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  MetricsService,
  type Principal,
  type ProblemItem,
  ShardedStreams,
  shardOf,
  STREAM_DEFINITIONS,
  StreamName,
} from '@lib/platform';
import { Counter } from 'prom-client';
import { checkFix, checkPoint } from './fix-validation.js';
import type { IncomingFix, PackedFix } from './fix.js';
import { FixesRepository } from './fixes.repository.js';
import { VehicleResolver } from './vehicle-resolver.js';

/** The doors fixes come in by (a label of the refusal metric). */
export type FixSource = 'http' | 'jt808';

export interface IngestOutcome {
  /** Fixes stored for the first time. */
  stored: number;
  /** Fixes refused by checkFix, by their index in the batch given. */
  refused: Array<{ index: number; errors: ProblemItem[] }>;
}

export interface IngestReport {
  received: number;
  accepted: number;
  /** Accepted points that were already stored (a resent batch): nothing is stored or alerted twice. */
  duplicates: number;
  rejected: Array<{ index: number; errors: ProblemItem[] }>;
}

/**
 * The one ingest path for GPS fixes, whether they come by HTTP batch or from the JT/T 808 gateway:
 * validate each point, resolve its vehicle, store the batch in one statement (idempotent on
 * vehicle and time), then append every accepted fix to the vehicle-sharded stream that the
 * evaluator consumes in order. If the stream cannot take them the caller answers 503 and the
 * client retries; storing again is harmless.
 */
@Injectable()
export class IngestService {
  private readonly shards = STREAM_DEFINITIONS[StreamName.Fixes].shards;
  private readonly refusedTotal: Counter<'source' | 'rule'>;

  constructor(
    private readonly fixes: FixesRepository,
    private readonly resolver: VehicleResolver,
    private readonly streams: ShardedStreams,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.refusedTotal = new Counter({
      name: 'fixes_refused_total',
      help: 'GPS fixes refused at ingest, by door (http, jt808) and by the rule they failed',
      labelNames: ['source', 'rule'],
      registers: [metrics.registry],
    });
  }

  private countRefused(source: FixSource, errors: ProblemItem[]): void {
    for (const rule of new Set(errors.map((e) => e.rule ?? 'invalid'))) this.refusedTotal.inc({ source, rule });
  }

  /** Points as posted over HTTP. An enterprise may post only its own vehicles. */
  async ingestRaw(points: unknown[], principal: Principal): Promise<IngestReport> {
    const now = Date.now();
    const retentionMs = this.config.telematics.fixRetentionDays * 86_400_000;
    const checked = points.map((p) => checkPoint(p, now, retentionMs));
    const { vehicles, terminals } = await this.resolver.resolve(
      checked.flatMap((c) => (c.vehicleId ? [c.vehicleId] : [])),
      checked.flatMap((c) => (c.terminalId && !c.vehicleId ? [c.terminalId] : [])),
    );
    const rejected: IngestReport['rejected'] = [];
    const good: IncomingFix[] = [];
    checked.forEach((c, index) => {
      const errors = [...c.errors];
      const known = c.vehicleId ? vehicles.get(c.vehicleId) : c.terminalId ? terminals.get(c.terminalId) : undefined;
      if (errors.length === 0) {
        if (!known)
          errors.push({
            path: c.vehicleId ? 'vehicleId' : 'terminalId',
            rule: 'UNKNOWN_VEHICLE',
            message: 'no registered vehicle has this id or terminal',
          });
        else if (principal.kind === 'enterprise' && principal.enterpriseId !== known.carrierId) {
          errors.push({
            path: c.vehicleId ? 'vehicleId' : 'terminalId',
            rule: 'NOT_YOUR_VEHICLE',
            message: 'the vehicle belongs to another carrier',
          });
        }
      }
      if (errors.length) {
        rejected.push({ index, errors });
        this.countRefused('http', errors);
      } else
        good.push({
          vehicleId: known!.vehicleId,
          ts: c.ts,
          lon: c.lon,
          lat: c.lat,
          speedKmh: c.speedKmh,
          heading: c.heading,
          altitudeM: c.altitudeM,
          accuracyM: c.accuracyM,
          alarmFlags: c.alarmFlags,
        });
    });
    const { stored, refused } = await this.ingest(good, 'http');
    // checkPoint ran the same rules a moment earlier: only a fix on the 5-minute edge can differ.
    const indexOf = checked.map((c, i) => (c.errors.length ? -1 : i)).filter((i) => i >= 0);
    const late = refused.map((r) => ({ index: indexOf[r.index]!, errors: r.errors }));
    const all = [...rejected, ...late].sort((a, b) => a.index - b.index);
    const accepted = good.length - late.length;
    return { received: points.length, accepted, duplicates: accepted - stored, rejected: all };
  }

  /**
   * Fixes of known vehicles, from any door (the gateway calls this directly): every fix meets
   * checkFix here, whatever checks its door made before, and a refused one is counted by door and
   * rule and reported by its index. The rest are stored (a fix of the same vehicle and second as
   * one stored before only adds its new alarm bits) and streamed to the evaluator.
   */
  async ingest(fixes: IncomingFix[], source: FixSource): Promise<IngestOutcome> {
    if (fixes.length === 0) return { stored: 0, refused: [] };
    const receivedAt = new Date();
    const r = receivedAt.getTime();
    const retentionMs = this.config.telematics.fixRetentionDays * 86_400_000;
    const refused: IngestOutcome['refused'] = [];
    // Two reports of one vehicle and second in one batch are one row, their alarm bits merged.
    const unique = new Map<string, IncomingFix>();
    fixes.forEach((f, index) => {
      const errors = checkFix(f, r, retentionMs);
      if (errors.length) {
        refused.push({ index, errors });
        this.countRefused(source, errors);
        return;
      }
      const key = `${f.vehicleId}|${f.ts}`;
      const seen = unique.get(key);
      const fix = { ...f, heading: f.heading % 360, alarmFlags: f.alarmFlags >>> 0 };
      if (!seen) unique.set(key, fix);
      else unique.set(key, { ...seen, alarmFlags: (seen.alarmFlags | fix.alarmFlags) >>> 0 });
    });
    const good = [...unique.values()];
    if (good.length === 0) return { stored: 0, refused };
    const shards = good.map((f) => shardOf(f.vehicleId, this.shards));
    const outcome = await this.fixes.insert(good, source, shards, receivedAt);
    await this.streams.append<PackedFix>(
      StreamName.Fixes,
      good.map((f) => {
        const did = outcome.get(`${f.vehicleId}|${f.ts}`);
        // A merge streams the row as stored (its position, all its alarm bits).
        const row = did?.kind === 'merged' ? did : null;
        const located = row ? row.located : f.located !== false;
        return {
          key: f.vehicleId,
          item: {
            v: f.vehicleId,
            t: f.ts,
            x: row ? row.lon : f.lon,
            y: row ? row.lat : f.lat,
            s: f.speedKmh,
            h: f.heading,
            a: f.accuracyM,
            f: row ? row.alarmFlags : f.alarmFlags,
            r,
            n: did === undefined ? 0 : did.kind === 'stored' ? 1 : 2,
            ...(located ? {} : { l: 0 as const }),
          },
        };
      }),
    );
    return { stored: [...outcome.values()].filter((o) => o.kind === 'stored').length, refused };
  }
}
