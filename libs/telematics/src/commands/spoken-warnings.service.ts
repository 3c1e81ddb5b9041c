import { Injectable } from '@nestjs/common';
import { encodeGbk, MAX_TEXT_BYTES } from '@lib/jt808';
import { type Principal, RulesViolated, uuidFromName, VIOLATION_RULES } from '@lib/platform';
import type { SetSpokenWarningDto } from './spoken-warnings.dto.js';
import { type SpokenWarningRule, SpokenWarningsRepository } from './spoken-warnings.repository.js';
import type { TerminalCommand } from './terminal-command.js';
import { TerminalCommandsRepository } from './terminal-commands.repository.js';
import { requester } from './terminal-commands.service.js';

/** How long the rules are cached in each process: a change reaches every worker within this. */
const CACHE_MS = 5_000;
/** A warning is about now: one not delivered within this (the terminal offline) is dropped. */
const WARNING_EXPIRY_MS = 5 * 60_000;
/** Room left in a message for the plate that replaces {plate} (GBK bytes). */
const PLATE_BYTES = 16;

export interface OpenedViolation {
  violationId: string;
  vehicleId: string;
  rule: string;
  plate: string | undefined;
  openedAt: Date;
}

/**
 * Spoken warnings (语音提醒): when a violation of a rule the transport bureau lists opens, the
 * driver hears it from the terminal at once (0x8300, read aloud, shown, marked emergency), queued
 * as a terminal command in the same transaction as the violation, with an id derived from the
 * violation so that a replay says nothing twice. The answer is on record like any command's.
 */
@Injectable()
export class SpokenWarningsService {
  private cache: { at: number; rules: Map<string, SpokenWarningRule> } | null = null;

  constructor(
    private readonly warnings: SpokenWarningsRepository,
    private readonly commands: TerminalCommandsRepository,
  ) {}

  async list(): Promise<SpokenWarningRule[]> {
    return [...(await this.rules(true)).values()];
  }

  async set(rule: string, dto: SetSpokenWarningDto, p: Principal): Promise<SpokenWarningRule> {
    const problems = [];
    if (!(VIOLATION_RULES as readonly string[]).includes(rule))
      problems.push({ path: 'rule', rule: 'isIn', message: `rule must be one of ${VIOLATION_RULES.join(', ')}` });
    const bytes = encodeGbk(dto.text.replaceAll('{plate}', ''));
    if (!bytes)
      problems.push({
        path: 'text',
        rule: 'TEXT_NOT_GBK',
        message: 'the text has a character terminals cannot say (JT/T 808 text is GBK)',
      });
    else if (bytes.length + PLATE_BYTES > MAX_TEXT_BYTES)
      problems.push({
        path: 'text',
        rule: 'TEXT_TOO_LONG',
        message: `the text with a plate must fit one message of ${MAX_TEXT_BYTES} GBK bytes`,
      });
    if (problems.length) throw new RulesViolated(problems);
    const updated: SpokenWarningRule = {
      rule,
      enabled: dto.enabled,
      text: dto.text,
      updatedBy: requester(p),
      updatedAt: new Date(),
      reason: dto.reason ?? null,
    };
    await this.warnings.upsert(updated);
    this.cache = null;
    return updated;
  }

  /** Queues the warnings for violations just opened (inside the caller's transaction). */
  async warn(opened: OpenedViolation[], now: Date): Promise<number> {
    if (opened.length === 0) return 0;
    const rules = await this.rules(false);
    const commands: TerminalCommand[] = [];
    for (const v of opened) {
      const rule = rules.get(v.rule);
      // An episode found late (a replay, a blind-area batch) is no longer news to say aloud.
      if (!rule?.enabled || now.getTime() - v.openedAt.getTime() > WARNING_EXPIRY_MS) continue;
      commands.push({
        id: uuidFromName(`${v.violationId}|spoken_warning`),
        vehicleId: v.vehicleId,
        kind: 'text',
        request: {
          text: {
            content: rule.text.replaceAll('{plate}', v.plate ?? ''),
            emergency: true,
            display: true,
            tts: true,
            advertising: false,
            textType: 'notice',
          },
        },
        origin: 'spoken_warning',
        requestedBy: 'platform',
        requestedByKeyId: null,
        state: 'queued',
        createdAt: now,
        expiresAt: new Date(now.getTime() + WARNING_EXPIRY_MS),
        sentAt: null,
        serial: null,
        answerDueAt: null,
        answeredAt: null,
        answer: null,
      });
    }
    for (const c of commands) await this.commands.insert(c, true);
    return commands.length;
  }

  private async rules(fresh: boolean): Promise<Map<string, SpokenWarningRule>> {
    if (!fresh && this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache.rules;
    const rules = new Map((await this.warnings.all()).map((r) => [r.rule, r]));
    this.cache = { at: Date.now(), rules };
    return rules;
  }
}
