import { Controller, Get } from '@nestjs/common';
import type { ScopeLeadership } from './interfaces/leadership-store.interface';
import { MeshLeadershipService } from './mesh-leadership.service';

@Controller('control')
export class MeshLeadershipController {
  constructor(private readonly leadership: MeshLeadershipService) {}

  @Get('leaders')
  leaders(): { scopes: readonly ScopeLeadership[] } {
    return { scopes: this.leadership.leaders() };
  }
}
