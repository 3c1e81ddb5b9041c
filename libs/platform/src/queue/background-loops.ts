import { Injectable, Logger } from '@nestjs/common';

interface Loop {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
  timer?: NodeJS.Timeout;
  running?: Promise<unknown>;
}

/**
 * Short periodic loops that must run in the processes that consume jobs (the exchange relay):
 * started with the job runner, stopped before the queue and the database close. A loop never
 * overlaps itself; a failing turn is logged and the next turn tries again.
 */
@Injectable()
export class BackgroundLoops {
  private readonly log = new Logger('Loops');
  private readonly loops: Loop[] = [];
  private started = false;

  register(name: string, everyMs: number, run: () => Promise<unknown>): void {
    const loop: Loop = { name, everyMs, run };
    this.loops.push(loop);
    if (this.started) this.schedule(loop);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const loop of this.loops) this.schedule(loop);
  }

  /** Runs a loop's turn now (after the current one), e.g. when a producer knows there is work. */
  async nudge(name: string): Promise<void> {
    const loop = this.loops.find((l) => l.name === name);
    if (!loop || !this.started) return;
    await this.turn(loop);
  }

  private schedule(loop: Loop): void {
    const tick = (): void => {
      if (!this.started) return;
      void this.turn(loop).finally(() => {
        if (this.started) loop.timer = setTimeout(tick, loop.everyMs);
      });
    };
    loop.timer = setTimeout(tick, loop.everyMs);
  }

  private async turn(loop: Loop): Promise<void> {
    while (loop.running) await loop.running.catch(() => undefined);
    const running = loop.run().catch((err: unknown) => {
      this.log.warn({ loop: loop.name, error: err instanceof Error ? err.message : String(err) }, 'loop turn failed');
    });
    loop.running = running;
    await running;
    if (loop.running === running) loop.running = undefined;
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const loop of this.loops) {
      clearTimeout(loop.timer);
      await loop.running;
    }
  }
}
