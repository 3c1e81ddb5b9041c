/** The five agencies that share the job (公安, 交通运输, 应急管理, 市场监管, 生态环境). */
export const AGENCIES = ['police', 'transport', 'emergency', 'market', 'ecology'] as const;
export type Agency = (typeof AGENCIES)[number];

export const PRINCIPAL_KINDS = ['admin', 'enterprise', 'agency'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

/** Who is calling, resolved from the API key. */
export type Principal =
  | { kind: 'admin'; keyId: string }
  | { kind: 'enterprise'; keyId: string; enterpriseId: string }
  | { kind: 'agency'; keyId: string; agency: Agency };

/** What a route declares: a principal kind, or one agency ("agency:police"). */
export type AccessRule = PrincipalKind | `agency:${Agency}`;

export function satisfies(principal: Principal, rules: readonly AccessRule[]): boolean {
  return rules.some((rule) => {
    if (rule === principal.kind) return true;
    return principal.kind === 'agency' && rule === `agency:${principal.agency}`;
  });
}

export function describePrincipal(p: Principal): string {
  if (p.kind === 'enterprise') return `enterprise ${p.enterpriseId}`;
  if (p.kind === 'agency') return `agency ${p.agency}`;
  return 'admin';
}
