import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import {
  COMMAND_MSG,
  parameterItems,
  parameterValues,
  positionQuery,
  queryParameters,
  readParametersAnswer,
  readPositionAnswer,
  readTerminalResponse,
  RESULT,
  writeSetParameters,
  writeTextMessage,
} from '@lib/jt808';
import { AppConfig } from '@lib/platform';
import type { CommandAnswer, ResultName, TerminalCommand } from '../commands/terminal-command.js';
import { TerminalCommandsRepository } from '../commands/terminal-commands.repository.js';
import { TerminalCommandsService } from '../commands/terminal-commands.service.js';

/** What the relay needs of an authenticated connection. */
export interface TerminalLink {
  edition(): 2013 | 2019;
  /** Writes a message; answers the serial number (流水号) it went with, or null when the connection is closed. */
  send(messageId: number, body: Buffer): number | null;
}

const RESULT_NAME: Record<number, ResultName> = {
  [RESULT.ok]: 'ok',
  [RESULT.failure]: 'failure',
  [RESULT.badMessage]: 'message_wrong',
  [RESULT.unsupported]: 'unsupported',
};

/** The frame a command goes as, for the terminal's edition; an error when it cannot be written. */
function encode(c: TerminalCommand, edition: 2013 | 2019): { messageId: number; body: Buffer } | { error: string } {
  switch (c.kind) {
    case 'text': {
      const body = c.request.text
        ? writeTextMessage({ ...c.request.text, text: c.request.text.content }, edition)
        : null;
      return body ? { messageId: COMMAND_MSG.textMessage, body } : { error: 'the text cannot be written in GBK' };
    }
    case 'position_query':
      return { messageId: COMMAND_MSG.positionQuery, body: positionQuery() };
    case 'query_parameters':
      return { messageId: COMMAND_MSG.queryParameters, body: queryParameters() };
    case 'set_parameters': {
      const items = parameterItems(c.request.parameters ?? {});
      return items?.length
        ? { messageId: COMMAND_MSG.setParameters, body: writeSetParameters(items) }
        : { error: 'no parameter can be written' };
    }
  }
}

interface InFlight {
  commandId: string;
  messageId: number;
  dueAt: number;
}

/**
 * Delivers terminal commands to the terminals this gateway process holds, and records their
 * answers. Commands are rows (TerminalCommandsService); every JT808_COMMAND_POLL_MS the relay
 * reads the queued ones of the vehicles whose terminals it holds, claims each (one conditional
 * UPDATE, so no two gateways send one command), writes the frame and remembers the serial number.
 * An answer (0x0001, 0x0201, 0x0104) naming that serial settles the command; one that never comes
 * is timed out by the sweep. A terminal that (re)authenticates gets its queued commands at once,
 * after the report interval a loaded vehicle must keep. The database is the only channel between
 * the api and the gateways, so it works the same on the embedded default and with many gateways.
 */
@Injectable()
export class TerminalCommandRelay implements BeforeApplicationShutdown {
  private readonly log = new Logger('Jt808Commands');
  private readonly links = new Map<string, TerminalLink>();
  private readonly inFlight = new Map<TerminalLink, Map<number, InFlight>>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private lastSweep = 0;

  constructor(
    private readonly commands: TerminalCommandsRepository,
    private readonly service: TerminalCommandsService,
    private readonly config: AppConfig,
  ) {}

  /** A terminal authenticated: it is this gateway's to command until its connection closes. */
  online(vehicleId: string, link: TerminalLink): void {
    if (this.stopped) return;
    this.links.set(vehicleId, link);
    this.inFlight.set(link, new Map());
    this.start();
    void this.serialized(async () => {
      await this.service.pushLoadedInterval(vehicleId);
      await this.deliver([vehicleId]);
    });
  }

  offline(vehicleId: string, link: TerminalLink): void {
    if (this.links.get(vehicleId) === link) this.links.delete(vehicleId);
    // Commands sent on it and not answered time out: the terminal may have acted on them.
    this.inFlight.delete(link);
  }

  /**
   * An answer from an authenticated terminal. True when it settled one of this gateway's commands;
   * an answer to nothing this gateway sent (or sent too long ago) is dropped.
   */
  async answer(vehicleId: string, link: TerminalLink, messageId: number, body: Buffer): Promise<boolean> {
    const pending = this.inFlight.get(link);
    if (!pending || this.links.get(vehicleId) !== link) return false;
    let answerFlow: number;
    let expected: number;
    let answer: CommandAnswer;
    if (messageId === COMMAND_MSG.terminalResponse) {
      const r = readTerminalResponse(body);
      if (!r) return false;
      answerFlow = r.answerFlow;
      expected = r.messageId;
      answer = { messageId, result: RESULT_NAME[r.result] ?? 'failure' };
    } else if (messageId === COMMAND_MSG.positionAnswer) {
      const r = readPositionAnswer(body);
      if (!r) return false;
      answerFlow = r.answerFlow;
      expected = COMMAND_MSG.positionQuery;
      const l = r.location;
      answer = {
        messageId,
        result: 'ok',
        location: l && {
          ts: l.ts,
          lon: l.lon,
          lat: l.lat,
          speedKmh: l.speedKmh,
          heading: l.heading,
          altitudeM: l.altitudeM,
          alarm: l.alarm,
          status: l.status,
          located: l.located,
        },
      };
    } else if (messageId === COMMAND_MSG.parametersAnswer) {
      const r = readParametersAnswer(body);
      if (!r) return false;
      answerFlow = r.answerFlow;
      expected = COMMAND_MSG.queryParameters;
      const { values, other } = parameterValues(r.items);
      answer = { messageId, result: 'ok', parameters: values, otherParameters: other };
    } else return false;
    const sent = pending.get(answerFlow);
    if (!sent || sent.messageId !== expected) return false;
    pending.delete(answerFlow);
    return this.commands.settle(
      sent.commandId,
      'sent',
      answer.result === 'ok' ? 'answered' : 'failed',
      answer,
      new Date(),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private start(): void {
    if (this.timer || this.stopped) return;
    const tick = (): void => {
      void this.serialized(() => this.turn()).finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.config.jt808.commands.pollMs);
      });
    };
    this.timer = setTimeout(tick, this.config.jt808.commands.pollMs);
  }

  /** One turn at a time: a slow database does not pile turns up. */
  private serialized(work: () => Promise<void>): Promise<void> {
    const next = this.running.then(work).catch((err: unknown) => {
      this.log.warn({ error: err instanceof Error ? err.message : String(err) }, 'terminal command turn failed');
    });
    this.running = next;
    return next;
  }

  private async turn(): Promise<void> {
    const now = Date.now();
    for (const pending of this.inFlight.values())
      for (const [flow, f] of pending) if (f.dueAt <= now) pending.delete(flow);
    if (now - this.lastSweep >= 1000) {
      this.lastSweep = now;
      await this.service.sweep(new Date(now));
    }
    await this.deliver([...this.links.keys()]);
  }

  private async deliver(vehicleIds: string[]): Promise<void> {
    const held = vehicleIds.filter((id) => this.links.has(id));
    for (const c of await this.commands.queuedFor(held, new Date())) {
      const link = this.links.get(c.vehicleId);
      if (!link) continue;
      const frame = encode(c, link.edition());
      if ('error' in frame) {
        await this.commands.settle(
          c.id,
          'queued',
          'failed',
          { messageId: 0, result: 'failure', error: frame.error },
          new Date(),
        );
        continue;
      }
      const now = Date.now();
      const dueAt = now + this.config.jt808.commands.timeoutMs;
      if (!(await this.commands.claim(c.id, new Date(now), new Date(dueAt)))) continue;
      // The link may have closed while the claim was written.
      const serial = this.links.get(c.vehicleId) === link ? link.send(frame.messageId, frame.body) : null;
      if (serial === null) {
        await this.commands.requeue(c.id);
        continue;
      }
      this.inFlight.get(link)?.set(serial, { commandId: c.id, messageId: frame.messageId, dueAt });
      await this.commands.recordSerial(c.id, serial);
    }
  }
}
