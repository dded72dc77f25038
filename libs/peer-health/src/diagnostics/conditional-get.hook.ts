import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { FEDERATED_READ_HEADER } from '../base/peer-health.headers';
import { PEER_HEALTH_NOT_MODIFIED_POLICY, PEER_HEALTH_ROUTE_PATH } from '../base/peer-health.constants';
import { PeerHealthDiagnosticsService } from './peer-health-diagnostics.service';

interface FastifyLikeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  header(name: string, value: string): FastifyLikeReply;
  send(): unknown;
}

/** @internal What the shortcut must respect, from the module's static options. */
export interface NotModifiedPolicy {
  /** The kit's routes have guards of their own (`forRoot({ guards })`). */
  readonly routeGuarded: boolean;
  /** Which requests the shortcut may answer when guards apply; without it, none. */
  readonly authorizer: ((headers: FastifyLikeRequest['headers']) => boolean) | undefined;
}

interface FastifyLikeInstance {
  addHook(name: 'onRequest', hook: (request: FastifyLikeRequest, reply: FastifyLikeReply, done: () => void) => void): unknown;
}

/**
 * On Fastify, answers a conditional GET of the endpoint whose If-None-Match names the current ETag
 * with 304 straight from an onRequest hook, before Nest's routing pipeline: the cheapest answer a
 * poller can get. Everything else (other routes, first fetches, changed state) goes on as usual.
 * The hook runs before any guard: where guards protect the route it stays off, or answers only the
 * requests the host's `notModifiedAuthorizer` accepts, so a 304 never tells a stranger anything.
 */
@Injectable()
export class ConditionalGetHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: ApplicationConfig,
    private readonly diagnostics: PeerHealthDiagnosticsService,
    @Optional() @Inject(PEER_HEALTH_ROUTE_PATH) private readonly routePath: string | undefined,
    @Optional() @Inject(PEER_HEALTH_NOT_MODIFIED_POLICY) private readonly policy: NotModifiedPolicy | undefined,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as { getType?: () => string; getInstance?: () => unknown } | undefined;
    if (this.routePath === undefined || adapter?.getType?.() !== 'fastify') return;
    const instance = adapter.getInstance?.() as FastifyLikeInstance | undefined;
    if (typeof instance?.addHook !== 'function') return;
    // Global guards (useGlobalGuards, APP_GUARD) are registered by the time modules are initialised.
    const guarded =
      this.policy?.routeGuarded === true || this.config.getGlobalGuards().length > 0 || this.config.getGlobalRequestGuards().length > 0;
    const authorizer = guarded ? this.policy?.authorizer : undefined;
    if (guarded && authorizer === undefined) return;
    const prefix = this.config.getGlobalPrefix().replace(/^\/?/, '/').replace(/\/$/, '');
    const path = `${prefix === '/' ? '' : prefix}${this.routePath}`;
    const federatedHeader = FEDERATED_READ_HEADER.toLowerCase();
    instance.addHook('onRequest', (request, reply, done) => {
      const ifNoneMatch = request.headers['if-none-match'];
      if (request.method !== 'GET' || typeof ifNoneMatch !== 'string' || request.url !== path) {
        done();
        return;
      }
      if (authorizer !== undefined && !this.authorized(authorizer, request.headers)) {
        done();
        return;
      }
      const etag = this.diagnostics.notModifiedEtag(ifNoneMatch, request.headers[federatedHeader] !== undefined);
      if (etag === undefined) {
        done();
        return;
      }
      reply.code(304).header('etag', etag).header('cache-control', 'no-cache').send();
    });
  }

  /** An authorizer that throws has not said yes: the request goes to the guards, which answer it. */
  private authorized(authorizer: (headers: FastifyLikeRequest['headers']) => boolean, headers: FastifyLikeRequest['headers']): boolean {
    try {
      return authorizer(headers);
    } catch {
      return false;
    }
  }
}
