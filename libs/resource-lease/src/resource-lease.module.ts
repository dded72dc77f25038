import { Module, type DynamicModule } from '@nestjs/common';
import type { ResourceLeaseOptions } from './interfaces/resource-lease.interfaces';
import { RESOURCE_LEASE_OPTIONS } from './resource-lease.constants';
import { ResourceLeaseController } from './resource-lease.controller';
import { ResourceLeaseQueue } from './resource-lease.queue';

/** The resource-lease dispatcher. Needs `PeerHealthModule.forRoot()` in the application: it has no tracker of its own. */
@Module({})
export class ResourceLeaseModule {
  static forRoot(options: ResourceLeaseOptions = {}): DynamicModule {
    return {
      module: ResourceLeaseModule,
      controllers: [ResourceLeaseController],
      providers: [{ provide: RESOURCE_LEASE_OPTIONS, useValue: options }, ResourceLeaseQueue],
      exports: [ResourceLeaseQueue],
    };
  }
}
