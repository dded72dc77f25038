import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GOSSIP_LEFT_REASON, PeerHealthModule, PeerLeaseHealthTracker, recordGossipMember } from '@omnirelay/peer-health';

/** What your gossip layer knows about a member. */
export interface Member {
  readonly id: string;
  readonly role: string;
  readonly cluster: string;
  readonly region: string;
  readonly version: string;
  readonly http3: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

@Injectable()
export class GossipAgent {
  constructor(private readonly tracker: PeerLeaseHealthTracker) {}

  onMemberAlive(member: Member): void {
    recordGossipMember(this.tracker, {
      nodeId: member.id,
      role: member.role,
      cluster: member.cluster,
      region: member.region,
      meshVersion: member.version,
      http3: member.http3,
      labels: member.labels,
    });
  }

  onMemberLeft(id: string): void {
    this.tracker.recordDisconnect(id, GOSSIP_LEFT_REASON);
  }
}

@Module({ imports: [PeerHealthModule.forRoot()], providers: [GossipAgent] })
export class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  const agent = app.get(GossipAgent);
  agent.onMemberAlive({ id: 'node-7', role: 'worker', cluster: 'c1', region: 'eu-west', version: '2.4.0', http3: true, labels: { zone: 'b' } });
  agent.onMemberLeft('node-7');
  const [peer] = app.get(PeerLeaseHealthTracker).snapshot();
  console.log(JSON.stringify({ peerId: peer?.peerId, isHealthy: peer?.isHealthy, metadata: peer?.metadata }));
  await app.close();
}

void main();
