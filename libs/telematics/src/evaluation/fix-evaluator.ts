import { Injectable, Logger } from '@nestjs/common';
import type {
  Assignment,
  DriverCardEvent,
  FacilityPassage,
  Fix,
  GeofenceEngine,
  VehicleState,
  ViolationEvent,
} from '@lib/geofence';
import {
  ConsumesStream,
  Database,
  JobName,
  JobQueue,
  MetricsService,
  type StreamConsumer,
  type StreamEntry,
  StreamName,
} from '@lib/platform';
import { Counter, Histogram } from 'prom-client';
import type { AssignmentEntity } from '../assignments/assignment.entity.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { DriverCardsRepository } from '../crew/driver-cards.repository.js';
import { FIX_FLAG, type PackedFix } from '../fixes/fix.js';
import { FixesRepository, type StoredFix } from '../fixes/fixes.repository.js';
import { type LatestPosition, PositionsStore } from '../fixes/positions.store.js';
import { FacilityPassagesRepository } from '../passages/facility-passages.repository.js';
import { ViolationsService } from '../violations/violations.service.js';
import { EngineStatesRepository } from './engine-states.repository.js';
import { WorldService } from './world.service.js';

/**
 * Checkpoint each shard's changed vehicle states this often. Between checkpoints the fixes
 * themselves are the log: a worker taking the shard over replays those received since.
 */
const CHECKPOINT_MS = 30_000;
/**
 * On taking a shard over, fixes received since its last checkpoint (less this margin for fixes
 * still held or in flight then) are replayed; with no checkpoint at all, this far back.
 */
const REPLAY_MARGIN_MS = 60_000;
const FIRST_START_WINDOW_MS = 15 * 60_000;
/**
 * A vehicle on an e-waybill that entered or left a facility fence gets its trip matched
 * (departure, arrival): one job per waybill per window, run after a delay at least the window's
 * length, so it starts only once its window has closed and sees every passage committed in it
 * (BullMQ keeps finished job ids, so a later passage in the same window could not queue a second
 * job). The window is that of the enqueue, which follows the batch's commit: a batch that took
 * long to commit must not join an earlier window whose job may already have run.
 */
const WAYBILL_PROGRESS_WINDOW_MS = 2_000;
const WAYBILL_PROGRESS_DELAY_MS = 2_500;

const toAssignment = (a: AssignmentEntity | undefined): Assignment | null =>
  a
    ? {
        routeId: a.routeId,
        loaded: a.loaded,
        hazardClasses: a.hazardClasses,
        chemicalIds: a.chemicalIds,
        waybillId: a.waybillId,
        validFrom: a.validFrom.getTime(),
        validTo: a.validTo.getTime(),
        crewQualifications: a.crewQualifications ?? [],
        loadingFacilityId: a.loadingFacilityId ?? null,
        unloadingFacilityId: a.unloadingFacilityId ?? null,
      }
    : null;

interface Shard {
  states: Map<string, VehicleState>;
  dirty: Set<string>;
  checkpointedAt: number;
  /** Fixes evaluated ahead of their hold (vehicle|ts): skipped when they come due. */
  evaluatedAhead: Set<string>;
}

/** A fix with its receipt time, which the engine counts silence from (SIGNAL_LOST). */
type ReceivedFix = Fix & { receivedAt: number };

interface Work {
  fix: ReceivedFix;
  /** Stored by this receipt (false: the fix was stored before, by an earlier send of the same batch). */
  fresh: boolean;
  /** This receipt added alarm bits to a fix stored before (a report of the same second): raise them. */
  merged?: boolean;
}

/**
 * The evaluation step of the spine: consumes the fixes stream shard by shard, each vehicle's
 * fixes in time order, through the geofence engine; writes the violations it opens and closes
 * with their outbox events in one transaction, flags late/jumping/inaccurate fixes, updates the
 * latest positions, and checkpoints the engine's per-vehicle state. Replays after a crash or a
 * takeover write the same rows again, which are then no-ops (violation and event ids are derived
 * from the episode), so every alert exists exactly once.
 */
@Injectable()
@ConsumesStream(StreamName.Fixes)
export class FixEvaluator implements StreamConsumer<PackedFix> {
  private readonly log = new Logger('FixEvaluator');
  private readonly shards = new Map<number, Shard>();
  private readonly evaluated: Counter<'disposition'>;
  private readonly opened: Counter<'rule'>;
  private readonly latency: Histogram;

  constructor(
    private readonly db: Database,
    private readonly world: WorldService,
    private readonly states: EngineStatesRepository,
    private readonly assignments: AssignmentsService,
    private readonly fixes: FixesRepository,
    private readonly positions: PositionsStore,
    private readonly violations: ViolationsService,
    private readonly jobs: JobQueue,
    metrics: MetricsService,
    private readonly driverCards: DriverCardsRepository,
    private readonly passages: FacilityPassagesRepository,
  ) {
    this.evaluated = new Counter({
      name: 'fixes_evaluated_total',
      help: 'Fixes through the engine, by disposition',
      labelNames: ['disposition'],
      registers: [metrics.registry],
    });
    this.opened = new Counter({
      name: 'violations_opened_total',
      help: 'Violations opened, by rule',
      labelNames: ['rule'],
      registers: [metrics.registry],
    });
    this.latency = new Histogram({
      name: 'fix_receipt_to_evaluation_seconds',
      help: 'From a fix being received to its evaluation',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [metrics.registry],
    });
  }

  private shard(n: number): Shard {
    let s = this.shards.get(n);
    if (!s) {
      s = { states: new Map(), dirty: new Set(), checkpointedAt: Date.now(), evaluatedAhead: new Set() };
      this.shards.set(n, s);
    }
    return s;
  }

  async onAcquire(shardNo: number): Promise<void> {
    const shard = this.shard(shardNo);
    const { states, lastCheckpoint } = await this.states.ofShard(shardNo);
    for (const state of states) shard.states.set(state.vehicleId, state);
    // Whatever arrived after the last checkpoint may have been evaluated by a worker that died
    // before checkpointing it: replay it. What was evaluated already gives no-op writes.
    const since = lastCheckpoint ? lastCheckpoint.getTime() - REPLAY_MARGIN_MS : Date.now() - FIRST_START_WINDOW_MS;
    const recent = await this.fixes.receivedSince(shardNo, new Date(since));
    if (recent.length) {
      this.log.log({ shard: shardNo, fixes: recent.length }, 'replaying recent fixes after taking the shard');
      await this.process(
        shardNo,
        recent.map((f) => ({ fix: fromStored(f), fresh: true })),
        'replay',
      );
    }
  }

  async onBatch(
    shardNo: number,
    entries: StreamEntry<PackedFix>[],
    lookahead: StreamEntry<PackedFix>[],
  ): Promise<void> {
    const toWork = ({ item: p }: StreamEntry<PackedFix>): Work => ({
      fix: {
        vehicleId: p.v,
        ts: p.t,
        lon: p.x,
        lat: p.y,
        speedKmh: p.s,
        heading: p.h,
        accuracyM: p.a,
        alarmFlags: p.f,
        receivedAt: p.r,
        ...(p.l === 0 ? { located: false } : {}),
      },
      fresh: p.n === 1,
      merged: p.n === 2,
    });
    const ahead = this.shard(shardNo).evaluatedAhead;
    const work = entries.filter((e) => !ahead.delete(`${e.item.v}|${e.item.t}`)).map(toWork);
    // A fix still on hold that belongs before a due fix of its vehicle (it arrived within the hold
    // of that later fix) is evaluated with it, in time order, and skipped when it comes due.
    const newestDue = new Map<string, number>();
    for (const w of work) newestDue.set(w.fix.vehicleId, Math.max(newestDue.get(w.fix.vehicleId) ?? 0, w.fix.ts));
    const taken: string[] = [];
    for (const e of lookahead) {
      const due = newestDue.get(e.item.v);
      const key = `${e.item.v}|${e.item.t}`;
      if (due !== undefined && e.item.t < due && !ahead.has(key)) {
        work.push(toWork(e));
        taken.push(key);
      }
    }
    await this.process(shardNo, work, 'live');
    for (const key of taken) ahead.add(key);
  }

  private async process(shardNo: number, work: Work[], mode: 'live' | 'replay'): Promise<void> {
    const shard = this.shard(shardNo);
    const engine = await this.world.current();
    const byVehicle = new Map<string, Work[]>();
    for (const w of work) {
      const list = byVehicle.get(w.fix.vehicleId);
      if (list) list.push(w);
      else byVehicle.set(w.fix.vehicleId, [w]);
    }
    const vehicleIds = [...byVehicle.keys()];
    const missing = vehicleIds.filter((id) => !shard.states.has(id));
    for (const s of await this.states.ofVehicles(missing)) shard.states.set(s.vehicleId, s);
    const assignments = await this.assignments.forVehiclesCached(vehicleIds);
    const cards = await this.cardsFor(byVehicle, assignments, shard);

    const events: ViolationEvent[] = [];
    const passages: FacilityPassage[] = [];
    const flags: Array<{ vehicleId: string; ts: number; flags: number; lateFindings: unknown[] | null }> = [];
    const latest: LatestPosition[] = [];
    const receivedAt = new Map<string, number>();
    const now = Date.now();
    for (const [vehicleId, list] of byVehicle) {
      list.sort((a, b) => a.fix.ts - b.fix.ts);
      let state = shard.states.get(vehicleId);
      if (!state) {
        state = engine.newState(vehicleId);
        shard.states.set(vehicleId, state);
      }
      const assignment = toAssignment(assignments.get(vehicleId));
      let newest: Work | null = null;
      const vehicleCards = cards.get(vehicleId) ?? [];
      let nextCard = 0;
      for (const w of list) {
        // Driver cards go in time order with the fixes: each before the first fix at or after it.
        for (; nextCard < vehicleCards.length && vehicleCards[nextCard]!.ts <= w.fix.ts; nextCard++)
          events.push(...engine.applyCard(state, assignment, vehicleCards[nextCard]!));
        if (w.merged) {
          // New alarm bits on a fix of a second already seen: raised (an open alert takes them quietly).
          receivedAt.set(`${vehicleId}|${w.fix.ts}`, w.fix.receivedAt);
          const raised = engine.mergeAlarms(state, assignment, w.fix);
          this.evaluated.inc({ disposition: 'merged' });
          if (raised.length) events.push(...raised);
          continue;
        }
        // Already evaluated: on replay, anything up to the checkpoint; live, a resent fix stored
        // before (a fix stored for the first time but older than the watermark is late instead).
        if (w.fix.ts <= state.watermark && (mode === 'replay' || !w.fresh)) {
          this.evaluated.inc({ disposition: 'duplicate' });
          continue;
        }
        receivedAt.set(`${vehicleId}|${w.fix.ts}`, w.fix.receivedAt);
        const result = engine.evaluate(state, assignment, w.fix);
        this.evaluated.inc({ disposition: result.disposition });
        if (result.disposition === 'duplicate') continue;
        if (mode === 'live') this.latency.observe((now - w.fix.receivedAt) / 1000);
        if (result.events.length) events.push(...result.events);
        if (result.passages.length) passages.push(...result.passages);
        if (result.disposition === 'late')
          flags.push({ vehicleId, ts: w.fix.ts, flags: FIX_FLAG.late, lateFindings: result.lateFindings ?? [] });
        else if (result.disposition === 'jump')
          flags.push({ vehicleId, ts: w.fix.ts, flags: FIX_FLAG.jump, lateFindings: null });
        else if (result.disposition === 'inaccurate')
          flags.push({ vehicleId, ts: w.fix.ts, flags: FIX_FLAG.inaccurate, lateFindings: null });
        else if (result.disposition === 'ahead')
          flags.push({ vehicleId, ts: w.fix.ts, flags: FIX_FLAG.ahead, lateFindings: result.lateFindings ?? [] });
        // Only an in-order usable fix is where the vehicle is now (late, jump, ahead and unlocated are not).
        if (result.disposition === 'evaluated' || result.disposition === 'inaccurate') newest = w;
      }
      shard.dirty.add(vehicleId);
      if (newest) {
        const f = newest.fix;
        latest.push({
          vehicleId,
          ts: f.ts,
          lon: f.lon,
          lat: f.lat,
          speedKmh: f.speedKmh,
          heading: f.heading,
          receivedAt: f.receivedAt,
        });
      }
    }
    await this.commit(
      shardNo,
      events,
      flags,
      receivedAt,
      mode === 'replay' || now - shard.checkpointedAt >= CHECKPOINT_MS,
      passages,
    );
    if (latest.length) await this.positions.update(latest);
    await this.matchWaybills(passages);
  }

  /**
   * Card events (JT/T 808 0x0702) not yet applied to each loaded vehicle's state, up to its newest
   * fix here: they are read from their table when the vehicle's fixes are evaluated, rather than
   * carried in the fixes stream, so the stream and the fix table keep one shape and a replay after
   * a crash or a takeover reads the same cards (the state's card cursor skips those applied).
   * Only vehicles on a loaded assignment are asked for: the rule judges nothing else.
   */
  private async cardsFor(
    byVehicle: Map<string, Work[]>,
    assignments: Map<string, AssignmentEntity>,
    shard: Shard,
  ): Promise<Map<string, DriverCardEvent[]>> {
    const engine = await this.world.current();
    const cursors = [...byVehicle].flatMap(([vehicleId, list]) => {
      if (!assignments.get(vehicleId)?.loaded) return [];
      const state = shard.states.get(vehicleId);
      const upTo = list.reduce((m, w) => Math.max(m, w.fix.ts), 0);
      return [{ vehicleId, after: state ? engine.cardCursor(state) : 0, upTo }];
    });
    const out = new Map<string, DriverCardEvent[]>();
    for (const e of await this.driverCards.forEvaluation(cursors)) {
      const list = out.get(e.vehicleId);
      if (list) list.push(e);
      else out.set(e.vehicleId, [e]);
    }
    return out;
  }

  /**
   * Vehicles on an e-waybill that entered or left a facility fence: ask the waybill context to
   * match the committed passages to the trip (the periodic waybill sweep reads the same rows, so
   * it catches up whatever a lost job missed).
   */
  private async matchWaybills(passages: FacilityPassage[]): Promise<void> {
    if (passages.length === 0) return;
    const window = Math.floor(Date.now() / WAYBILL_PROGRESS_WINDOW_MS);
    const newest = new Map<string, FacilityPassage>();
    for (const p of passages) if ((newest.get(p.waybillId)?.ts ?? -1) < p.ts) newest.set(p.waybillId, p);
    const jobs = [...newest.values()].map((p) => ({
      name: JobName.WaybillProgress,
      data: { waybillId: p.waybillId, vehicleId: p.vehicleId, upTo: p.ts },
      options: { jobId: `waybill-progress:${p.waybillId}:${window}`, delayMs: WAYBILL_PROGRESS_DELAY_MS },
    }));
    if (jobs.length === 0) return;
    try {
      await this.jobs.enqueueBulk(jobs);
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message, waybills: jobs.length },
        'waybill progress not queued; the sweep will catch up',
      );
    }
  }

  /** Violations, their events, facility passages, fix flags and (when due) the checkpoint: one transaction. */
  private async commit(
    shardNo: number,
    events: ViolationEvent[],
    flags: Parameters<FixesRepository['flag']>[0],
    receivedAt: Map<string, number>,
    checkpoint: boolean,
    passages: FacilityPassage[] = [],
  ): Promise<void> {
    const shard = this.shard(shardNo);
    if (events.length === 0 && flags.length === 0 && passages.length === 0 && !checkpoint) return;
    const dirty = checkpoint ? [...shard.dirty].map((id) => shard.states.get(id)!).filter(Boolean) : [];
    await this.db.transaction(async () => {
      const { opened } = await this.violations.record(events, receivedAt);
      if (opened) for (const e of events) if (e.kind === 'opened') this.opened.inc({ rule: e.rule });
      await this.fixes.flag(flags);
      await this.passages.record(passages);
      if (checkpoint) await this.states.save(shardNo, dirty);
    });
    if (checkpoint) {
      shard.dirty.clear();
      shard.checkpointedAt = Date.now();
    }
  }

  /**
   * Time-driven rules (signal lost) for vehicles that have gone quiet: nothing received from them
   * for a minute, whatever the GPS time of what was received last.
   */
  async onTick(shardNo: number, now: number): Promise<void> {
    const shard = this.shard(shardNo);
    const engine: GeofenceEngine = await this.world.current();
    const quiet = [...shard.states.values()].filter((s) => s.watermark > 0 && now - engine.lastHeard(s) > 60_000);
    if (quiet.length === 0) return;
    const assignments = await this.assignments.forVehiclesCached(quiet.map((s) => s.vehicleId));
    const events: ViolationEvent[] = [];
    for (const state of quiet) {
      const e = engine.tick(state, toAssignment(assignments.get(state.vehicleId)), now);
      if (e.length) {
        events.push(...e);
        shard.dirty.add(state.vehicleId);
      }
    }
    if (events.length) await this.commit(shardNo, events, [], new Map(), true);
  }

  async onRelease(shardNo: number): Promise<void> {
    const shard = this.shards.get(shardNo);
    if (!shard) return;
    await this.commit(shardNo, [], [], new Map(), true);
    this.shards.delete(shardNo);
  }
}

function fromStored(f: StoredFix): ReceivedFix {
  return {
    vehicleId: f.vehicleId,
    ts: f.ts.getTime(),
    lon: f.lon,
    lat: f.lat,
    speedKmh: f.speedKmh,
    heading: f.heading,
    accuracyM: f.accuracyM,
    alarmFlags: f.alarmFlags,
    receivedAt: f.receivedAt.getTime(),
    ...(f.flags & FIX_FLAG.unlocated ? { located: false } : {}),
  };
}
