import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ManualClock, PeerHealthModule, PeerLeaseHealthTracker, PhiAccrualPolicy } from '@omnirelay/peer-health';

const start = Date.UTC(2026, 10, 24);
const clock = new ManualClock(start); // a simulated clock, so that the example runs instantly
const policy = new PhiAccrualPolicy({ threshold: 8, acceptableHeartbeatPauseMs: 3000 });

@Module({
  imports: [PeerHealthModule.forRoot({ healthPolicy: policy, clock, controller: false, telemetry: { enabled: false } })],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  const tracker = app.get(PeerLeaseHealthTracker);
  tracker.onTransition(({ peerId, from, to, at }) => console.log(`${peerId}: ${from} -> ${to} at +${at - start} ms`));

  // A worker heart-beats every 900 to 1100 ms for five minutes, then goes quiet.
  for (let i = 0; i < 300; i++) {
    tracker.recordLeaseHeartbeat('worker-1');
    clock.advance(i % 2 === 0 ? 900 : 1100);
  }
  tracker.recordLeaseHeartbeat('worker-1');
  console.log(`policy ${tracker.healthPolicy.name}, last heartbeat at +${clock.now() - start} ms`);
  clock.advance(10_000); // the transition fires inside advance(), at the crossing time
  await app.close();
}

void main();
