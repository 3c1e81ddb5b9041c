import { DomainError, RulesViolated, type ProblemItem } from '@lib/platform';

/** Errors of the ledger context (STOCK_NEGATIVE, CAPACITY_EXCEEDED, ...): 422 with a stable code. */
export class LedgerError extends DomainError {}

export const refuse = (rule: string, message: string, path = ''): never => {
  throw new RulesViolated([{ path, rule, message }]);
};

export const refuseAll = (problems: ProblemItem[]): void => {
  if (problems.length) throw new RulesViolated(problems);
};
