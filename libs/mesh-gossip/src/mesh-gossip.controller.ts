import { Body, Controller, Get, Header, HttpCode, HttpException, Post } from '@nestjs/common';
import { GossipRefusal } from './errors/gossip-refusal.error';
import type { GossipMemberView } from './interfaces/gossip-member.interface';
import { GOSSIP_ROUTES } from './mesh-gossip.routes';
import { MeshGossipService } from './mesh-gossip.service';

const REASONS: Readonly<Record<GossipRefusal['status'], string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  413: 'Payload Too Large',
};

/** The gossip endpoint other nodes call, and the membership view for operators. */
@Controller(GOSSIP_ROUTES.controller)
export class MeshGossipController {
  constructor(private readonly gossip: MeshGossipService) {}

  /** Answers with this node's digest, as the JSON text the protocol wrote (signed when keyed); a probe request after its probe. */
  @Post(GOSSIP_ROUTES.exchange)
  @HttpCode(200)
  @Header('content-type', 'application/json; charset=utf-8')
  async exchange(@Body() body: unknown): Promise<string> {
    try {
      return await this.gossip.receive(body);
    } catch (error) {
      if (error instanceof GossipRefusal) {
        throw new HttpException({ statusCode: error.status, error: REASONS[error.status], message: error.message }, error.status);
      }
      throw error;
    }
  }

  @Get(GOSSIP_ROUTES.peers)
  peers(): { self: string; members: GossipMemberView[] } {
    return { self: this.gossip.nodeId, members: this.gossip.members() };
  }
}
