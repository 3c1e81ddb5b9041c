import { Injectable, SetMetadata } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { Principal } from '../auth/principal.js';
import { JobWiringError } from '../queue/job-handler.js';
import { type Filing, FILING_KINDS, type FilingKind } from './filing-kinds.js';

export interface FilingDecision {
  principal: Principal;
  reason: string | null;
  at: Date;
}

/**
 * Turns a confirmed claim into the fact, inside the decision's transaction (the filing and the
 * fact change together or not at all). `confirm` may refuse (throw a DomainError) when the claim no
 * longer fits (a plate taken meanwhile): the filing then stays pending.
 */
export interface FilingHandler {
  confirm(filing: Filing, decision: FilingDecision): Promise<Record<string, unknown> | void>;
  /** What a refusal changes besides the filing (a refused licence is marked refused). */
  refuse?(filing: Filing, decision: FilingDecision): Promise<void>;
}

const FILING_HANDLER = 'hazchem:filing-handler';

/** Marks a provider as the one handler of a filing kind. */
export const HandlesFiling = (kind: FilingKind): ClassDecorator => SetMetadata(FILING_HANDLER, kind);

/** Finds every @HandlesFiling provider and checks, at boot, that each kind has exactly one. */
@Injectable()
export class FilingHandlerRegistry {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  collect(): Map<FilingKind, FilingHandler> {
    const found = new Map<FilingKind, Array<{ where: string; handler: FilingHandler }>>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const kind = this.reflector.get<FilingKind | undefined>(FILING_HANDLER, instance.constructor);
      if (!kind) continue;
      found.set(kind, [
        ...(found.get(kind) ?? []),
        { where: instance.constructor.name, handler: instance as FilingHandler },
      ]);
    }
    const problems: string[] = [];
    for (const kind of FILING_KINDS) {
      const list = found.get(kind) ?? [];
      if (list.length === 0) problems.push(`filing kind ${kind} has no handler`);
      if (list.length > 1)
        problems.push(`filing kind ${kind} has ${list.length} handlers (${list.map((h) => h.where).join(', ')})`);
    }
    if (problems.length > 0) throw new JobWiringError(problems.join('; '));
    return new Map([...found].map(([kind, list]) => [kind, list[0]!.handler]));
  }
}
