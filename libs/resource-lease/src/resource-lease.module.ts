import { Module, type DynamicModule } from '@nestjs/common';
import { RESOURCE_LEASE_OPTIONS, WORK_STORE } from './resource-lease.constants';
import { ResourceLeaseController } from './resource-lease.controller';
import type { ResourceLeaseModuleOptions } from './resource-lease-module-options';
import { resolveResourceLeaseOptions } from './resource-lease-options';
import { ResourceLeaseQueue } from './resource-lease.queue';
import { MemoryWorkStore } from './store/memory-work.store';

/** The resource-lease dispatcher. Needs `PeerHealthModule.forRoot()` in the application: it has no tracker of its own. */
@Module({})
export class ResourceLeaseModule {
  static forRoot(options: ResourceLeaseModuleOptions = {}): DynamicModule {
    const limits = resolveResourceLeaseOptions(options);
    const store = options.store?.(limits) ?? new MemoryWorkStore(limits);
    return {
      module: ResourceLeaseModule,
      controllers: [ResourceLeaseController],
      providers: [{ provide: RESOURCE_LEASE_OPTIONS, useValue: options }, { provide: WORK_STORE, useValue: store }, ResourceLeaseQueue],
      exports: [ResourceLeaseQueue],
    };
  }
}
