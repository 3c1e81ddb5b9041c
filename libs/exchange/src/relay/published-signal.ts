import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';

/** Wakes this process's live streams when the relay has published (others poll the table). */
@Injectable()
export class PublishedSignal {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  notify(): void {
    this.emitter.emit('published');
  }

  /** Resolves at the next publication or after `ms`, whichever comes first. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.emitter.off('published', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.emitter.once('published', done);
    });
  }
}
