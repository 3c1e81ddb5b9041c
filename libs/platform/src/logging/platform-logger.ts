import { Injectable } from '@nestjs/common';
import { Logger } from 'nestjs-pino';

/**
 * Nest's own start-up lines: a "dependencies initialized" per module and a "Mapped {…} route" per
 * route (about 200 of them). They say nothing an operator acts on and, at info, scroll the address
 * and the one-time admin key off the screen (issue 19), so they are logged at debug. Nest's
 * warnings and errors from these contexts keep their level.
 */
const NEST_START_UP = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** The logger every process hands to Nest (`app.useLogger`): nestjs-pino's, with Nest's start-up chatter at debug. */
@Injectable()
export class PlatformLogger extends Logger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && NEST_START_UP.has(context)) this.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }
}
