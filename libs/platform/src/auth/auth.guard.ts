import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError, Forbidden } from '../errors/domain-error.js';
import { ACCESS_METADATA, type AccessDeclaration } from './access.decorators.js';
import { ApiKeyService } from './api-key.service.js';
import { AuthThrottle } from './auth-throttle.js';
import { describePrincipal, type Principal, satisfies } from './principal.js';

class Unauthenticated extends DomainError {
  constructor(detail: string) {
    super('UNAUTHENTICATED', 401, detail);
  }
}

class TooManyAttempts extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'TOO_MANY_ATTEMPTS',
      429,
      `too many failed authentications from this address; retry in ${retryAfterSeconds} s`,
    );
  }
}

/**
 * Global guard. Deny by default: a route that declares neither @Public() nor @Allow(...) is
 * refused, and a test walks every route to make sure none is left undeclared.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly log = new Logger('Auth');

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly throttle: AuthThrottle,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const declaration = this.reflector.getAllAndOverride<AccessDeclaration | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    if (!declaration) {
      this.log.error({ route: `${req.method} ${req.route?.path as string}` }, 'route declares no access rule; refused');
      throw new Forbidden('this route declares no access rule', 'ROUTE_NOT_DECLARED');
    }
    if ('public' in declaration) return true;

    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!bearer) throw new Unauthenticated('send an API key as "Authorization: Bearer <key>"');
    // The key is checked before the throttle decides: the throttle holds back failing attempts only.
    const principal = await this.keys.authenticate(bearer);
    if (!principal) {
      const wait = this.throttle.failed(req.ip ?? 'unknown');
      if (wait > 0) throw new TooManyAttempts(wait);
      throw new Unauthenticated('the API key is unknown, revoked or expired');
    }
    req.principal = principal;
    if (!satisfies(principal, declaration.rules)) {
      throw new Forbidden(
        `${describePrincipal(principal)} may not call this route (allowed: ${declaration.rules.join(', ')})`,
      );
    }
    return true;
  }
}
