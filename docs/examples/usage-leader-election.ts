import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PeerHealthModule, PeerLeaseHealthTracker, recordLeadership } from '@omnirelay/peer-health';

@Injectable()
export class LeaderElection {
  constructor(private readonly tracker: PeerLeaseHealthTracker) {}

  onTermChanged(scope: string, leaderId: string, members: readonly string[]): void {
    for (const id of members) recordLeadership(this.tracker, id, scope, id === leaderId ? 'leader' : 'follower');
  }
}

@Module({ imports: [PeerHealthModule.forRoot()], providers: [LeaderElection] })
export class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  app.get(LeaderElection).onTermChanged('dispatch', 'cp-2', ['cp-1', 'cp-2']);
  for (const peer of app.get(PeerLeaseHealthTracker).snapshot()) {
    console.log(`${peer.peerId} ${peer.metadata['mesh.leader.scope.dispatch'] ?? '-'}`);
  }
  await app.close();
}

void main();
