import { createRequire } from 'node:module';
import { SetMetadata, type Type } from '@nestjs/common';
import { DashboardController } from '../../diagnostics/dashboard/dashboard.controller';
import { LeaseHealthController } from '../../diagnostics/lease-health.controller';
import {
  BAD_REQUEST_SCHEMA,
  LEASE_HEALTH_DOCUMENT_SCHEMA,
  LEASE_HEALTH_QUERY_PARAMETERS,
  type QueryParameterLike,
  type SchemaLike,
} from './lease-health-openapi';
import type { KitRouteConventions } from '../interfaces/kit-route-conventions.interface';

/** What the kit uses of `@nestjs/swagger`, typed here so that the kit's declarations never name the package. */
interface SwaggerDecorators {
  ApiTags(...tags: string[]): ClassDecorator;
  ApiExcludeController(disable?: boolean): ClassDecorator;
  ApiOperation(options: { summary: string; description?: string }): MethodDecorator;
  ApiQuery(options: QueryParameterLike): MethodDecorator;
  ApiProduces(...mimeTypes: string[]): MethodDecorator;
  ApiResponse(options: { status: number; description: string; schema?: SchemaLike; headers?: Record<string, { description: string; schema: SchemaLike }> }): MethodDecorator;
}


/** `@nestjs/throttler`'s metadata key prefix (THROTTLER_SKIP), followed by a throttler's name. */
const THROTTLER_SKIP = 'THROTTLER:SKIP';
const OPENAPI_TAG = 'peer-health';

let swaggerLoaded: SwaggerDecorators | null | undefined;

/** `@nestjs/swagger` if the host installed it, else null; looked up once, when a module is defined. */
function swagger(): SwaggerDecorators | null {
  if (swaggerLoaded !== undefined) return swaggerLoaded;
  try {
    // An optional peer dependency, loaded only here: the kit runs without it.
    const loaded = createRequire(__filename)('@nestjs/swagger') as Partial<SwaggerDecorators>;
    swaggerLoaded = typeof loaded.ApiOperation === 'function' && typeof loaded.ApiExcludeController === 'function' ? (loaded as SwaggerDecorators) : null;
  } catch {
    swaggerLoaded = null;
  }
  return swaggerLoaded;
}

function decorateMethod(target: object, name: string, decorators: readonly MethodDecorator[]): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, name);
  if (descriptor === undefined) return;
  for (const decorate of decorators) decorate(target, name, descriptor);
}

/** Operation metadata lives on the base classes' methods, shared by every bound controller: written once. */
let operationsDocumented = false;

function documentOperations(api: SwaggerDecorators): void {
  if (operationsDocumented) return;
  operationsDocumented = true;
  const json = 'application/json';
  decorateMethod(LeaseHealthController.prototype, 'leaseHealth', [
    api.ApiOperation({
      summary: 'Peer lease health: every peer of every snapshot provider, merged',
      description: 'The wire document of @omnirelay/peer-health. Conditional GET with If-None-Match is answered 304 when nothing changed.',
    }),
    ...LEASE_HEALTH_QUERY_PARAMETERS.map((parameter) => api.ApiQuery(parameter)),
    api.ApiProduces(json),
    api.ApiResponse({
      status: 200,
      description: 'The merged view',
      schema: LEASE_HEALTH_DOCUMENT_SCHEMA,
      headers: {
        ETag: { description: 'version of the view (absent for a partial answer)', schema: { type: 'string' } },
        'X-Peer-Health-Partial': { description: 'providers the answer was served without', schema: { type: 'string' } },
        Link: { description: 'the next page, with limit', schema: { type: 'string' } },
      },
    }),
    api.ApiResponse({ status: 304, description: 'Not modified since the ETag given in If-None-Match' }),
    api.ApiResponse({ status: 400, description: 'A bad query parameter', schema: BAD_REQUEST_SCHEMA }),
  ]);
  decorateMethod(LeaseHealthController.prototype, 'watch', [
    api.ApiOperation({
      summary: 'Peer health events: transitions, anomalies and leadership changes as Server-Sent Events',
      description: 'Resumes after the event named by Last-Event-ID; a reset event means the replay ring no longer holds it.',
    }),
    api.ApiProduces('text/event-stream'),
    api.ApiResponse({ status: 200, description: 'An endless text/event-stream', schema: { type: 'string' } }),
    api.ApiResponse({ status: 503, description: 'Too many event-stream watchers' }),
  ]);
  decorateMethod(DashboardController.prototype, 'page', [
    api.ApiOperation({ summary: 'Peer health dashboard: a self-contained page; it reads the data routes with a bearer token' }),
    api.ApiProduces('text/html'),
    api.ApiResponse({ status: 200, description: 'The page (no data)', schema: { type: 'string' } }),
  ]);
}

/** Applies the host's conventions to a bound controller of the kit (before Nest reads its metadata). */
export function applyRouteConventions(controller: Type, conventions: KitRouteConventions): void {
  const throttlers = conventions.skipThrottle === true ? ['default'] : conventions.skipThrottle === false ? [] : conventions.skipThrottle;
  // What `@SkipThrottle({ [name]: true })` writes on a class; the guard reads it on the handler, then the class.
  for (const name of throttlers) SetMetadata(`${THROTTLER_SKIP}${name}`, true)(controller);
  const api = swagger();
  if (api === null) return;
  if (!conventions.openApi) {
    api.ApiExcludeController()(controller);
    return;
  }
  documentOperations(api);
  api.ApiTags(OPENAPI_TAG)(controller);
}
