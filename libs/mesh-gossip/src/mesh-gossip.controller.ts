import { BadRequestException, Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { GossipMessageError } from './gossip-message';
import type { GossipMemberView, GossipMessage } from './interfaces/gossip-member.interface';
import { MeshGossipService } from './mesh-gossip.service';

/** The gossip endpoint other nodes call, and the membership view for operators. */
@Controller('control')
export class MeshGossipController {
  constructor(private readonly gossip: MeshGossipService) {}

  @Post('gossip')
  @HttpCode(200)
  exchange(@Body() body: unknown): GossipMessage {
    try {
      return this.gossip.receive(body);
    } catch (error) {
      if (error instanceof GossipMessageError) {
        throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: error.message });
      }
      throw error;
    }
  }

  @Get('peers')
  peers(): { self: string; members: GossipMemberView[] } {
    return { self: this.gossip.nodeId, members: this.gossip.members() };
  }
}
