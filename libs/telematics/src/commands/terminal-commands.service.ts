import { Injectable } from '@nestjs/common';
import { encodeGbk, MAX_TEXT_BYTES, type ParameterValues } from '@lib/jt808';
import {
  AppConfig,
  BackgroundLoops,
  decodeCursor,
  describePrincipal,
  Forbidden,
  isUuidString,
  NotFound,
  type Principal,
  type ProblemItem,
  RulesViolated,
  toPage,
  uuid7,
} from '@lib/platform';
import { RegistryLookup } from '@lib/registry';
import { AssignmentsService } from '../assignments/assignments.service.js';
import type { SendTerminalCommandDto, TerminalCommandPage, TerminalCommandView } from './terminal-commands.dto.js';
import type { CommandKind, CommandRequest, TerminalCommand } from './terminal-command.js';
import { TerminalCommandsRepository } from './terminal-commands.repository.js';

/**
 * Who may ask a terminal what. Police and transport speak to drivers (text); the transport bureau
 * supervises the terminals (position queries, parameters). A carrier may only ask where its own
 * vehicle is: it already reads its positions, and a query changes nothing on the terminal, while
 * a text or a parameter from the government platform would speak with the bureau's voice.
 */
const MAY_SEND: Record<CommandKind, (p: Principal) => boolean> = {
  text: (p) => p.kind === 'admin' || (p.kind === 'agency' && (p.agency === 'police' || p.agency === 'transport')),
  position_query: (p) =>
    p.kind === 'admin' || p.kind === 'enterprise' || (p.kind === 'agency' && p.agency === 'transport'),
  set_parameters: (p) => p.kind === 'admin' || (p.kind === 'agency' && p.agency === 'transport'),
  query_parameters: (p) => p.kind === 'admin' || (p.kind === 'agency' && p.agency === 'transport'),
};

/** Who asked, as commands record it: admin, agency:<agency>, enterprise:<id>. */
export const requester = (p: Principal): string =>
  p.kind === 'agency' ? `agency:${p.agency}` : p.kind === 'enterprise' ? `enterprise:${p.enterpriseId}` : 'admin';

export function toCommandView(c: TerminalCommand): TerminalCommandView {
  return {
    id: c.id,
    vehicleId: c.vehicleId,
    kind: c.kind,
    request: c.request as Record<string, unknown>,
    origin: c.origin,
    requestedBy: c.requestedBy,
    state: c.state,
    createdAt: c.createdAt.toISOString(),
    expiresAt: c.expiresAt.toISOString(),
    sentAt: c.sentAt?.toISOString() ?? null,
    serial: c.serial,
    answeredAt: c.answeredAt?.toISOString() ?? null,
    answer: c.answer && {
      ...c.answer,
      messageId: `0x${c.answer.messageId.toString(16).padStart(4, '0')}`,
    },
  };
}

/**
 * Commands to vehicle terminals: asked through the API (stored queued, delivered by whichever
 * gateway holds the terminal, see TerminalCommandRelay), read back with the terminal's answer.
 */
@Injectable()
export class TerminalCommandsService {
  constructor(
    private readonly commands: TerminalCommandsRepository,
    private readonly registry: RegistryLookup,
    private readonly assignments: AssignmentsService,
    private readonly config: AppConfig,
    loops: BackgroundLoops,
  ) {
    // Timeouts and expiries are swept by the processes that run jobs, and by every gateway (a
    // gateway process runs no jobs): the sweep is one conditional UPDATE, harmless twice.
    loops.register('terminal-commands-sweep', 5000, () => this.sweep());
  }

  sweep(now = new Date()): Promise<{ timedOut: number; expired: number }> {
    return this.commands.sweep(now);
  }

  /** The vehicle, when the principal may see it: a carrier only its own (others are not found). */
  private async vehicle(vehicleId: string, p: Principal): Promise<{ plate: string; carrierId: string }> {
    const v = (await this.registry.vehicleMap([vehicleId])).get(vehicleId);
    if (!v || (p.kind === 'enterprise' && p.enterpriseId !== v.carrierId)) throw new NotFound('vehicle', vehicleId);
    return v;
  }

  async send(vehicleId: string, dto: SendTerminalCommandDto, p: Principal): Promise<TerminalCommandView> {
    await this.vehicle(vehicleId, p);
    if (!MAY_SEND[dto.kind](p))
      throw new Forbidden(`${describePrincipal(p)} may not send a ${dto.kind} command`, 'COMMAND_NOT_ALLOWED');
    const problems: ProblemItem[] = [];
    const request: CommandRequest = {};
    if (dto.kind === 'text') {
      if (!dto.text) problems.push({ path: 'text', rule: 'required', message: 'a text command needs text' });
      else {
        const bytes = encodeGbk(dto.text.content);
        if (!bytes)
          problems.push({
            path: 'text.content',
            rule: 'TEXT_NOT_GBK',
            message: 'the text has a character terminals cannot show (JT/T 808 text is GBK)',
          });
        else if (bytes.length > MAX_TEXT_BYTES)
          problems.push({
            path: 'text.content',
            rule: 'TEXT_TOO_LONG',
            message: `the text is ${bytes.length} GBK bytes; one message carries at most ${MAX_TEXT_BYTES}`,
          });
        request.text = {
          content: dto.text.content,
          emergency: dto.text.emergency ?? false,
          display: dto.text.display ?? true,
          tts: dto.text.tts ?? true,
          advertising: dto.text.advertising ?? false,
          textType: dto.text.textType ?? 'notice',
        };
      }
    } else if (dto.text)
      problems.push({ path: 'text', rule: 'notAllowed', message: `a ${dto.kind} command has no text` });
    if (dto.kind === 'set_parameters') {
      const values = Object.fromEntries(
        Object.entries(dto.parameters ?? {}).filter(([, v]) => v !== undefined),
      ) as ParameterValues;
      if (Object.keys(values).length === 0)
        problems.push({ path: 'parameters', rule: 'required', message: 'set_parameters needs at least one parameter' });
      if (values.mainServerAddress !== undefined && p.kind !== 'admin')
        throw new Forbidden(
          'only admin moves a terminal to another server (0x0013 main server address)',
          'COMMAND_NOT_ALLOWED',
        );
      request.parameters = values;
    } else if (dto.parameters)
      problems.push({ path: 'parameters', rule: 'notAllowed', message: `a ${dto.kind} command has no parameters` });
    if (problems.length) throw new RulesViolated(problems);
    const now = new Date();
    const expiryMs = Math.min(dto.expiresInS ? dto.expiresInS * 1000 : Infinity, this.config.jt808.commands.expiryMs);
    const command: TerminalCommand = {
      id: uuid7(now.getTime()),
      vehicleId,
      kind: dto.kind,
      request,
      origin: 'api',
      requestedBy: requester(p),
      requestedByKeyId: p.keyId,
      state: 'queued',
      createdAt: now,
      expiresAt: new Date(now.getTime() + expiryMs),
      sentAt: null,
      serial: null,
      answerDueAt: null,
      answeredAt: null,
      answer: null,
    };
    await this.commands.insert(command);
    return toCommandView(command);
  }

  async list(vehicleId: string, q: { limit?: number; cursor?: string }, p: Principal): Promise<TerminalCommandPage> {
    await this.vehicle(vehicleId, p);
    const limit = q.limit ?? 50;
    const rows = await this.commands.listForVehicle(vehicleId, decodeCursor(q.cursor, isUuidString), limit + 1);
    const page = toPage(rows, limit, (c) => c.id);
    return { items: page.items.map(toCommandView), nextCursor: page.nextCursor };
  }

  async get(id: string, p: Principal): Promise<TerminalCommandView> {
    const c = await this.commands.findById(id);
    if (!c) throw new NotFound('terminal command', id);
    try {
      await this.vehicle(c.vehicleId, p);
    } catch {
      throw new NotFound('terminal command', id);
    }
    return toCommandView(c);
  }

  /**
   * After a terminal authenticates: a vehicle loaded with dangerous goods gets its report
   * interval (0x0029) set to JT808_LOADED_REPORT_INTERVAL_S. JT/T 808's default interval is the
   * terminal maker's (often 30 s or more), too coarse to see a tanker leave its route within
   * seconds; the 2014 dynamic-supervision rules (道路运输车辆动态监督管理办法, 交通运输部令 2014
   * 年第 5 号) make the carrier and the platform watch loaded dangerous-goods vehicles in real time,
   * and JT/T 794-2019 §6.2 has the terminal fix at least once a second, so 10 s costs the terminal
   * nothing. The clause fixing a number for the interval was not found: the value is ours, set by
   * configuration. Stored as a command like any other, so the answer is on record.
   */
  async pushLoadedInterval(vehicleId: string, now = new Date()): Promise<TerminalCommand | null> {
    const interval = this.config.jt808.commands.loadedReportIntervalS;
    if (interval <= 0) return null;
    const a = (await this.assignments.forVehicles([vehicleId])).get(vehicleId);
    if (!a || !a.loaded || a.validFrom > now || a.validTo <= now) return null;
    const command: TerminalCommand = {
      id: uuid7(now.getTime()),
      vehicleId,
      kind: 'set_parameters',
      request: { parameters: { defaultReportIntervalS: interval } },
      origin: 'loaded_report_interval',
      requestedBy: 'platform',
      requestedByKeyId: null,
      state: 'queued',
      createdAt: now,
      // Meant for this connection: if it is gone before delivery, the next authentication pushes again.
      expiresAt: new Date(now.getTime() + this.config.jt808.commands.timeoutMs),
      sentAt: null,
      serial: null,
      answerDueAt: null,
      answeredAt: null,
      answer: null,
    };
    await this.commands.insert(command);
    return command;
  }
}
