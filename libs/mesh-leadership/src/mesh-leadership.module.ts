import { Module, type DynamicModule } from '@nestjs/common';
import { GossipLeadershipStore } from './gossip-leadership.store';
import type { MeshLeadershipOptions } from './interfaces/mesh-leadership-options.interface';
import { LEADERSHIP_STORE } from './mesh-leadership.constants';
import { DEFAULT_CANDIDATE_ROLES, DEFAULT_SCOPES } from './mesh-leadership.defaults';
import { MeshLeadershipController } from './mesh-leadership.controller';
import { MeshLeadershipService } from './mesh-leadership.service';

/** Leadership scopes. Needs `PeerHealthModule.forRoot()` and `MeshGossipModule.forRoot()` in the application. */
@Module({})
export class MeshLeadershipModule {
  static forRoot(options: MeshLeadershipOptions = {}): DynamicModule {
    const store =
      options.store ??
      new GossipLeadershipStore(options.scopes ?? DEFAULT_SCOPES, new Set(options.candidateRoles ?? DEFAULT_CANDIDATE_ROLES));
    return {
      module: MeshLeadershipModule,
      controllers: [MeshLeadershipController],
      providers: [{ provide: LEADERSHIP_STORE, useValue: store }, MeshLeadershipService],
      exports: [MeshLeadershipService, LEADERSHIP_STORE],
    };
  }
}
