import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { JobHandler, JobHandlerRegistry, JobWiringError } from './job-handler.js';
import { JobName } from './jobs.js';

@Injectable()
class FirstHandler {
  @JobHandler(JobName.ApiKeyUsed)
  async handle(): Promise<void> {}
}

/** One handler for every job but ApiKeyUsed, built from the job list so new jobs need no edit here. */
@Injectable()
class MaintenanceHandler {}
Object.values(JobName)
  .filter((name) => name !== JobName.ApiKeyUsed)
  .forEach((name, i) => {
    const method = `handle${i}`;
    Object.defineProperty(MaintenanceHandler.prototype, method, {
      value: async () => undefined,
      writable: true,
      configurable: true,
    });
    JobHandler(name)(
      MaintenanceHandler.prototype,
      method,
      Object.getOwnPropertyDescriptor(MaintenanceHandler.prototype, method)!,
    );
  });

@Injectable()
class SecondHandler {
  @JobHandler(JobName.ApiKeyUsed)
  async handleToo(): Promise<void> {}
}

async function registryWith(...providers: Array<new () => unknown>): Promise<JobHandlerRegistry> {
  @Module({ imports: [DiscoveryModule], providers: [JobHandlerRegistry, ...providers] })
  class Probe {}
  const ref = await Test.createTestingModule({ imports: [Probe] }).compile();
  return ref.get(JobHandlerRegistry);
}

describe('JobHandlerRegistry', () => {
  it('maps each job to its one handler', async () => {
    const map = (await registryWith(FirstHandler, MaintenanceHandler)).collect();
    expect([...map.keys()]).toEqual(Object.values(JobName));
  });

  it('refuses to start when a job has no handler', async () => {
    const registry = await registryWith(MaintenanceHandler);
    expect(() => registry.collect()).toThrow(JobWiringError);
    expect(() => registry.collect()).toThrow(`job ${JobName.ApiKeyUsed} has no handler`);
  });

  it('refuses to start when a job has two handlers, naming both', async () => {
    const registry = await registryWith(FirstHandler, SecondHandler, MaintenanceHandler);
    expect(() => registry.collect()).toThrow(/has 2 handlers \(FirstHandler\.handle, SecondHandler\.handleToo\)/);
  });
});
