import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { MeshGossipService } from '@omnirelay/mesh-gossip';
import { registerScrapedMetric } from './scraped-metric';
import { ScrapedHistogram } from './scraped-histogram';

export const GOSSIP_MESSAGE_MEMBERS_METRIC = 'mesh_gossip_message_members';

/** `mesh_gossip_message_members{direction}`: member entries per gossip message (one page of the list). */
@Injectable()
export class GossipMessageMembersMetric implements OnModuleInit, OnModuleDestroy {
  private unregister: () => void = () => undefined;

  constructor(private readonly gossip: MeshGossipService) {}

  onModuleInit(): void {
    const { sent, received } = this.gossip.messageMembers;
    this.unregister = registerScrapedMetric(
      GOSSIP_MESSAGE_MEMBERS_METRIC,
      () =>
        new ScrapedHistogram(GOSSIP_MESSAGE_MEMBERS_METRIC, 'Member entries per gossip message, by direction (sent, received).', ['direction'], () => [
          { labels: { direction: 'sent' }, histogram: sent },
          { labels: { direction: 'received' }, histogram: received },
        ]),
    );
  }

  onModuleDestroy(): void {
    this.unregister();
  }
}
