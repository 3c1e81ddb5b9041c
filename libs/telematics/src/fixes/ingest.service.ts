import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  type Principal,
  type ProblemItem,
  ShardedStreams,
  shardOf,
  STREAM_DEFINITIONS,
  StreamName,
} from '@lib/platform';
import { checkPoint } from './fix-validation.js';
import type { IncomingFix, PackedFix } from './fix.js';
import { FixesRepository } from './fixes.repository.js';
import { VehicleResolver } from './vehicle-resolver.js';

export const MAX_BATCH = 5000;

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

  constructor(
    private readonly fixes: FixesRepository,
    private readonly resolver: VehicleResolver,
    private readonly streams: ShardedStreams,
    private readonly config: AppConfig,
  ) {}

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
      if (errors.length) rejected.push({ index, errors });
      else
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
    const { stored } = await this.ingest(good, 'http');
    return { received: points.length, accepted: good.length, duplicates: good.length - stored, rejected };
  }

  /** Validated fixes of known vehicles (the gateway calls this directly). */
  async ingest(fixes: IncomingFix[], source: 'http' | 'jt808'): Promise<{ stored: number }> {
    if (fixes.length === 0) return { stored: 0 };
    const receivedAt = new Date();
    const shards = fixes.map((f) => shardOf(f.vehicleId, this.shards));
    const fresh = await this.fixes.insert(fixes, source, shards, receivedAt);
    const r = receivedAt.getTime();
    await this.streams.append<PackedFix>(
      StreamName.Fixes,
      fixes.map((f) => ({
        key: f.vehicleId,
        item: {
          v: f.vehicleId,
          t: f.ts,
          x: f.lon,
          y: f.lat,
          s: f.speedKmh,
          h: f.heading,
          a: f.accuracyM,
          f: f.alarmFlags,
          r,
          n: fresh.has(`${f.vehicleId}|${f.ts}`) ? 1 : 0,
        },
      })),
    );
    return { stored: fresh.size };
  }
}
