import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { ACCESS_METADATA } from '@lib/platform';

export interface DeclaredRoute {
  method: string;
  path: string;
  controller: string;
  handler: string;
  access: unknown;
}

const join = (...parts: string[]): string =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every route of the running app, read from the controllers' metadata (not from a list of ours). */
export function declaredRoutes(app: INestApplication): DeclaredRoute[] {
  const discovery = app.get(DiscoveryService, { strict: false });
  const scanner = app.get(MetadataScanner, { strict: false });
  const reflector = app.get(Reflector, { strict: false });
  const routes: DeclaredRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance) continue;
    const ctor = instance.constructor;
    const base = (Reflect.getMetadata(PATH_METADATA, ctor) as string | undefined) ?? '';
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const fn = prototype[name] as object;
      const path = Reflect.getMetadata(PATH_METADATA, fn) as string | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as number]!;
      routes.push({
        method,
        path: join(base, path),
        controller: ctor.name,
        handler: name,
        access: reflector.getAllAndOverride(ACCESS_METADATA, [fn as never, ctor]),
      });
    }
  }
  return routes;
}
