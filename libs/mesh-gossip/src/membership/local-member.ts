import type { GossipDigestEntry, GossipMemberInfo } from '../interfaces/gossip-member.interface';
import { entryOf } from './member-record';

/** This node as a member: it alone moves its heartbeat and announces its own departure. @internal */
export class LocalMember {
  heartbeat = 0;
  state: 'alive' | 'left' = 'alive';

  constructor(
    public info: GossipMemberInfo,
    readonly incarnation: number,
  ) {}

  entry(): GossipDigestEntry {
    return entryOf(this.info, this.incarnation, this.heartbeat, this.state);
  }
}
