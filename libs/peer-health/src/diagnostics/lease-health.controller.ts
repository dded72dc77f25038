import { Controller, Get, Header, Injectable, Query, type Type } from '@nestjs/common';
import { LEASE_HEALTH_ROUTE } from '../module/peer-health.constants';
import { parseLeaseHealthQuery } from './lease-health-query';
import { serializeLeaseHealth } from './lease-health.serializer';
import { PeerHealthDiagnosticsService } from './peer-health-diagnostics.service';

/** Serves `GET <pathPrefix>/lease-health`: the merged view of every snapshot provider, never a dispatcher's. */
@Injectable()
export class LeaseHealthController {
  constructor(private readonly diagnostics: PeerHealthDiagnosticsService) {}

  @Get(LEASE_HEALTH_ROUTE)
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async leaseHealth(@Query() query: unknown): Promise<string> {
    const filter = parseLeaseHealthQuery(query);
    const diagnostics = await this.diagnostics.collect();
    return serializeLeaseHealth(filter ? diagnostics.filter(filter) : diagnostics);
  }
}

/** A controller class bound to `pathPrefix`; one per module definition, so hosts never share route metadata. */
export function createLeaseHealthController(pathPrefix: string): Type<LeaseHealthController> {
  @Controller(pathPrefix)
  class PrefixedLeaseHealthController extends LeaseHealthController {}
  Object.defineProperty(PrefixedLeaseHealthController, 'name', { value: LeaseHealthController.name });
  return PrefixedLeaseHealthController;
}
