import 'reflect-metadata';
import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { GatewayModule } from './gateway.module';
import type { GatewayRuntime } from './gateway-runtime';
import { OPENAPI_DOCUMENT } from '@tollgate/operator-api';

/** `GET /admin/v1/users/{id}` for every route of the Nest controllers (`:id` written the OpenAPI way). */
function controllerRoutes(): string[] {
  const controllers = (GatewayModule.forRoot({} as GatewayRuntime).controllers ?? []) as Type[];
  return controllers.flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype)
      .map((name) => prototype[name])
      .filter((handler): handler is object => typeof handler === 'function' && Reflect.hasMetadata(METHOD_METADATA, handler))
      .map((handler) => {
        const path = [base, String(Reflect.getMetadata(PATH_METADATA, handler))].filter((part) => part && part !== '/').join('/');
        return `${RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]} /${path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
      });
  });
}

function documentedRoutes(): string[] {
  return Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
}

describe('the OpenAPI document', () => {
  it('describes every admin and self-service route of the gateway, and no other', () => {
    const operatorRoutes = controllerRoutes().filter((route) => / \/(admin\/v1|v1\/me)(\/|$)/.test(route));
    expect(operatorRoutes.length).toBeGreaterThan(15);
    // A route missing here: describe it in libs/operator-api/src/openapi/openapi.document.ts, then `npm run console:api`.
    expect(documentedRoutes().sort()).toEqual(operatorRoutes.sort());
  });

  it('refers only to schemas and responses it defines, and names each operation once', () => {
    const text = JSON.stringify(OPENAPI_DOCUMENT);
    for (const [, kind, name] of text.matchAll(/"#\/components\/(schemas|responses)\/([A-Za-z0-9]+)"/g)) {
      expect(Object.keys(OPENAPI_DOCUMENT.components[kind as 'schemas' | 'responses'])).toContain(name);
    }
    const operationIds = [...text.matchAll(/"operationId":"([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });
});
