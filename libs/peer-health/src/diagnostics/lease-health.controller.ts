import { Controller, Get, Header, Headers, Injectable, Query, Res, type Type } from '@nestjs/common';
import { LEASE_HEALTH_ROUTE } from '../module/peer-health.constants';
import { parseLeaseHealthQuery } from './lease-health-query';
import { PeerHealthDiagnosticsService } from './peer-health-diagnostics.service';

/** What the controller needs of the platform's reply (Fastify's and Express's both have it). */
interface ReplyHeaders {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

/** Serves `GET <pathPrefix>/lease-health`: the merged view of every snapshot provider, never a dispatcher's. */
@Injectable()
export class LeaseHealthController {
  constructor(private readonly diagnostics: PeerHealthDiagnosticsService) {}

  @Get(LEASE_HEALTH_ROUTE)
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  async leaseHealth(
    @Query() query: unknown,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: ReplyHeaders,
  ): Promise<Buffer | string | undefined> {
    const filter = parseLeaseHealthQuery(query);
    const rendered = await this.diagnostics.render(filter, ifNoneMatch);
    if (rendered.etag !== undefined) reply.header('ETag', rendered.etag);
    if (rendered.notModified) reply.status(304);
    return rendered.body;
  }
}

/** A controller class bound to `pathPrefix`; one per module definition, so hosts never share route metadata. */
export function createLeaseHealthController(pathPrefix: string): Type<LeaseHealthController> {
  @Controller(pathPrefix)
  class PrefixedLeaseHealthController extends LeaseHealthController {}
  Object.defineProperty(PrefixedLeaseHealthController, 'name', { value: LeaseHealthController.name });
  return PrefixedLeaseHealthController;
}
