import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { AccessRule, Principal } from './principal.js';

export const ACCESS_METADATA = 'hazchem:access';
export type AccessDeclaration = { public: true } | { rules: readonly AccessRule[] };

/** Declares who may call a route. Routes without a declaration are refused (deny by default). */
export const Allow = (...rules: AccessRule[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ACCESS_METADATA, { rules } satisfies AccessDeclaration),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No key, an unknown key or a revoked key (problem+json).' }),
    ApiForbiddenResponse({ description: `The key's principal may not call this route. Allowed: ${rules.join(', ')}.` }),
  );

/** Declares a route open to anyone (health, metrics, docs). */
export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_METADATA, { public: true } satisfies AccessDeclaration);

/** The authenticated caller of the current request. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});
