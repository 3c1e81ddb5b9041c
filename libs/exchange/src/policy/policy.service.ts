import { Injectable } from '@nestjs/common';
import { Conflict, Database, describePrincipal, type Principal, RulesViolated } from '@lib/platform';
import { type PolicyVersion, PolicyRepository } from './policy.repository.js';
import { DEFAULT_POLICY, policyProblems, type SharingPolicy } from './sharing-policy.js';

/** Work that must be done in the transaction that writes a new policy version. */
export type PolicyChangeStep = (version: PolicyVersion) => Promise<void>;

/** The sharing policy's current version and its changes (versioned; every change says who and why). */
@Injectable()
export class PolicyService {
  private readonly changeSteps: PolicyChangeStep[] = [];

  constructor(
    private readonly db: Database,
    private readonly repo: PolicyRepository,
  ) {}

  /** The policy in force; version 1 (the shipped default) is written the first time it is needed. */
  async current(): Promise<PolicyVersion> {
    const latest = await this.repo.latest();
    if (latest) return latest;
    await this.repo.add({ version: 1, document: DEFAULT_POLICY, changedBy: 'system', reason: 'default policy' });
    return (await this.repo.latest())!;
  }

  /**
   * Adds a step to every policy change, run in its transaction: the exchange shapes the webhook
   * deliveries not yet sent anew (the policy module cannot reach them; the exchange module adds it at start).
   */
  alsoOnChange(step: PolicyChangeStep): void {
    this.changeSteps.push(step);
  }

  history(): Promise<PolicyVersion[]> {
    return this.repo.history();
  }

  /** A new version; `basedOn`, when given, must be the current version (no lost update). */
  async change(
    document: unknown,
    reason: string,
    basedOn: number | undefined,
    principal: Principal,
  ): Promise<PolicyVersion> {
    const problems = policyProblems(document).map((p) => ({ ...p, path: p.path ? `document.${p.path}` : 'document' }));
    if (problems.length) throw new RulesViolated(problems);
    return this.db.transaction(async () => {
      const now = await this.current();
      if (basedOn !== undefined && basedOn !== now.version)
        throw new Conflict('POLICY_CHANGED', `the policy is at version ${now.version}, not ${basedOn}; read it again`, {
          version: now.version,
        });
      const ok = await this.repo.add({
        version: now.version + 1,
        document: document as SharingPolicy,
        changedBy: describePrincipal(principal),
        reason,
      });
      if (!ok) throw new Conflict('POLICY_CHANGED', 'the policy was changed meanwhile; read it again');
      const changed = (await this.repo.latest())!;
      for (const step of this.changeSteps) await step(changed);
      return changed;
    });
  }
}
