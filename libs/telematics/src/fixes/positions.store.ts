import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Fix } from '@lib/geofence';
import { AppConfig, Database, haversineM, REDIS } from '@lib/platform';

export interface LatestPosition extends Pick<Fix, 'vehicleId' | 'ts' | 'lon' | 'lat' | 'speedKmh' | 'heading'> {
  receivedAt: number;
}

/**
 * Latest position per vehicle: Redis GEO (GEOADD / GEOSEARCH) plus a hash of details when Redis
 * is configured; the latest_positions table on the embedded default.
 */
@Injectable()
export class PositionsStore {
  private readonly geoKey: string;
  private readonly metaKey: string;

  constructor(
    private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis | null,
    config: AppConfig,
  ) {
    this.geoKey = `${config.queue.prefix}:positions:geo`;
    this.metaKey = `${config.queue.prefix}:positions:meta`;
  }

  async update(positions: LatestPosition[]): Promise<void> {
    if (positions.length === 0) return;
    if (this.redis) {
      const pipeline = this.redis.pipeline();
      pipeline.geoadd(this.geoKey, ...positions.flatMap((p) => [p.lon, p.lat, p.vehicleId]));
      pipeline.hset(this.metaKey, ...positions.flatMap((p) => [p.vehicleId, JSON.stringify(p)]));
      const results = await pipeline.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
      return;
    }
    await this.db.query(
      `INSERT INTO latest_positions (vehicle_id, ts, lon, lat, speed_kmh, heading, received_at)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::float8[], $4::float8[], $5::real[], $6::smallint[], $7::timestamptz[])
       ON CONFLICT (vehicle_id) DO UPDATE SET ts = EXCLUDED.ts, lon = EXCLUDED.lon, lat = EXCLUDED.lat, speed_kmh = EXCLUDED.speed_kmh,
         heading = EXCLUDED.heading, received_at = EXCLUDED.received_at WHERE latest_positions.ts < EXCLUDED.ts`,
      [
        positions.map((p) => p.vehicleId),
        positions.map((p) => new Date(p.ts)),
        positions.map((p) => p.lon),
        positions.map((p) => p.lat),
        positions.map((p) => p.speedKmh),
        positions.map((p) => p.heading),
        positions.map((p) => new Date(p.receivedAt)),
      ],
    );
  }

  /** Vehicles within radiusM of a point, nearest first, with their distance. */
  async near(
    lon: number,
    lat: number,
    radiusM: number,
    limit: number,
  ): Promise<Array<LatestPosition & { distanceM: number }>> {
    if (this.redis) {
      const hits = (await this.redis.geosearch(
        this.geoKey,
        'FROMLONLAT',
        lon,
        lat,
        'BYRADIUS',
        radiusM,
        'm',
        'ASC',
        'COUNT',
        limit,
        'WITHDIST',
      )) as Array<[string, string]>;
      if (hits.length === 0) return [];
      const metas = await this.redis.hmget(this.metaKey, ...hits.map(([id]) => id));
      return hits.flatMap(([, dist], i) =>
        metas[i] ? [{ ...(JSON.parse(metas[i]!) as LatestPosition), distanceM: Math.round(Number(dist)) }] : [],
      );
    }
    const dLat = radiusM / 110_540;
    const dLon = radiusM / (111_320 * Math.cos((lat * Math.PI) / 180));
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT vehicle_id, ts, lon, lat, speed_kmh, heading, received_at FROM latest_positions
        WHERE lon BETWEEN $1 AND $2 AND lat BETWEEN $3 AND $4`,
      [lon - dLon, lon + dLon, lat - dLat, lat + dLat],
    );
    return rows
      .map((r) => ({ ...this.fromRow(r), distanceM: Math.round(haversineM(lon, lat, Number(r.lon), Number(r.lat))) }))
      .filter((p) => p.distanceM <= radiusM)
      .sort((a, b) => a.distanceM - b.distanceM)
      .slice(0, limit);
  }

  async all(limit: number): Promise<LatestPosition[]> {
    if (this.redis) {
      const all = await this.redis.hgetall(this.metaKey);
      return Object.values(all)
        .slice(0, limit)
        .map((v) => JSON.parse(v) as LatestPosition);
    }
    const rows = await this.db.query<Record<string, unknown>>(
      'SELECT vehicle_id, ts, lon, lat, speed_kmh, heading, received_at FROM latest_positions LIMIT $1',
      [limit],
    );
    return rows.map((r) => this.fromRow(r));
  }

  private fromRow(r: Record<string, unknown>): LatestPosition {
    return {
      vehicleId: r.vehicle_id as string,
      ts: (r.ts as Date).getTime(),
      lon: Number(r.lon),
      lat: Number(r.lat),
      speedKmh: Number(r.speed_kmh),
      heading: Number(r.heading),
      receivedAt: (r.received_at as Date).getTime(),
    };
  }
}
