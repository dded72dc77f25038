import { Module, type DynamicModule } from '@nestjs/common';
import type { MeshGossipOptions } from './interfaces/mesh-gossip-options.interface';
import { MESH_GOSSIP_OPTIONS } from './mesh-gossip.constants';
import { MeshGossipController } from './mesh-gossip.controller';
import { MeshGossipService } from './mesh-gossip.service';

/**
 * Membership gossip. Needs `PeerHealthModule.forRoot()` in the application (it records into the
 * tracker); global, so that leadership can read the membership view.
 */
@Module({})
export class MeshGossipModule {
  static forRoot(options: MeshGossipOptions): DynamicModule {
    return {
      module: MeshGossipModule,
      global: true,
      controllers: [MeshGossipController],
      providers: [{ provide: MESH_GOSSIP_OPTIONS, useValue: options }, MeshGossipService],
      exports: [MeshGossipService],
    };
  }
}
