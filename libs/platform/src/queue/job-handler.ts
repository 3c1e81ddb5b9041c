import { Injectable, SetMetadata } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { type Job, type JobHandlerFn, JobQueue } from './job-queue.js';
import { BackgroundLoops } from './background-loops.js';
import { JobName } from './jobs.js';
import { ShardedStreams, STREAM_CONSUMER_METADATA, type StreamConsumer, StreamName } from './streams.js';

const JOB_HANDLER = 'hazchem:job-handler';

/** Marks a provider method as the one handler of a job. */
export const JobHandler = (name: JobName): MethodDecorator => SetMetadata(JOB_HANDLER, name);

export type { Job };

/** A handler wiring mistake; the consuming process refuses to start with this message. */
export class JobWiringError extends Error {}

/**
 * Finds every @JobHandler in the process and checks, at boot, that each job name has exactly
 * one (immich does the same): a job without a handler would wait forever, one with two is a bug.
 */
@Injectable()
export class JobHandlerRegistry {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  collect(): Map<JobName, JobHandlerFn> {
    const found = new Map<JobName, Array<{ where: string; fn: JobHandlerFn }>>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method] as (job: Job) => Promise<void>;
        const name = this.reflector.get<JobName | undefined>(JOB_HANDLER, fn);
        if (!name) continue;
        const list = found.get(name) ?? [];
        list.push({ where: `${instance.constructor.name}.${method}`, fn: (job) => fn.call(instance, job) });
        found.set(name, list);
      }
    }
    const problems: string[] = [];
    for (const name of Object.values(JobName)) {
      const list = found.get(name) ?? [];
      if (list.length === 0) problems.push(`job ${name} has no handler`);
      if (list.length > 1)
        problems.push(`job ${name} has ${list.length} handlers (${list.map((h) => h.where).join(', ')})`);
    }
    if (problems.length > 0) throw new JobWiringError(problems.join('; '));
    return new Map([...found].map(([name, list]) => [name, list[0]!.fn]));
  }

  /** The one consumer of each stream (a provider marked @ConsumesStream), checked like job handlers. */
  streamConsumers(): Map<StreamName, StreamConsumer> {
    const found = new Map<StreamName, Array<{ where: string; instance: StreamConsumer }>>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const name = this.reflector.get<StreamName | undefined>(STREAM_CONSUMER_METADATA, instance.constructor);
      if (!name) continue;
      found.set(name, [
        ...(found.get(name) ?? []),
        { where: instance.constructor.name, instance: instance as StreamConsumer },
      ]);
    }
    const problems: string[] = [];
    for (const name of Object.values(StreamName)) {
      const list = found.get(name) ?? [];
      if (list.length === 0) problems.push(`stream ${name} has no consumer`);
      if (list.length > 1)
        problems.push(`stream ${name} has ${list.length} consumers (${list.map((c) => c.where).join(', ')})`);
    }
    if (problems.length > 0) throw new JobWiringError(problems.join('; '));
    return new Map([...found].map(([name, list]) => [name, list[0]!.instance]));
  }
}

/** Starts this process consuming jobs, after checking the handler wiring. */
@Injectable()
export class JobRunner {
  constructor(
    private readonly registry: JobHandlerRegistry,
    private readonly queue: JobQueue,
    private readonly streams: ShardedStreams,
    private readonly loops: BackgroundLoops,
  ) {}

  async start(): Promise<void> {
    const handlers = this.registry.collect();
    const consumers = this.registry.streamConsumers();
    await this.queue.consume(handlers);
    for (const [name, consumer] of consumers) await this.streams.consume(name, consumer);
    this.loops.start();
  }
}
