import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { FEDERATED_READ_HEADER, PEER_HEALTH_ROUTE_PATH } from '../base/peer-health.constants';
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

interface FastifyLikeInstance {
  addHook(name: 'onRequest', hook: (request: FastifyLikeRequest, reply: FastifyLikeReply, done: () => void) => void): unknown;
}

/**
 * On Fastify, answers a conditional GET of the endpoint whose If-None-Match names the current ETag
 * with 304 straight from an onRequest hook, before Nest's routing pipeline: the cheapest answer a
 * poller can get. Everything else (other routes, first fetches, changed state) goes on as usual.
 */
@Injectable()
export class ConditionalGetHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: ApplicationConfig,
    private readonly diagnostics: PeerHealthDiagnosticsService,
    @Optional() @Inject(PEER_HEALTH_ROUTE_PATH) private readonly routePath: string | undefined,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as { getType?: () => string; getInstance?: () => unknown } | undefined;
    if (this.routePath === undefined || adapter?.getType?.() !== 'fastify') return;
    const instance = adapter.getInstance?.() as FastifyLikeInstance | undefined;
    if (typeof instance?.addHook !== 'function') return;
    const prefix = this.config.getGlobalPrefix().replace(/^\/?/, '/').replace(/\/$/, '');
    const path = `${prefix === '/' ? '' : prefix}${this.routePath}`;
    const federatedHeader = FEDERATED_READ_HEADER.toLowerCase();
    instance.addHook('onRequest', (request, reply, done) => {
      const ifNoneMatch = request.headers['if-none-match'];
      if (request.method !== 'GET' || typeof ifNoneMatch !== 'string' || request.url !== path) {
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
}
