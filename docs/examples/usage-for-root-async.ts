import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';

/** Environment variables are strings: read them as such and convert, or the kit refuses the option. */
function numberSetting(config: ConfigService, name: string, fallback: number): number {
  const text = config.get<string>(name);
  return text === undefined ? fallback : Number(text);
}

@Module({
  imports: [
    ConfigModule.forRoot(),
    PeerHealthModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        heartbeatGracePeriodMs: numberSetting(config, 'PEER_GRACE_MS', 30_000),
        retentionMs: numberSetting(config, 'PEER_RETENTION_MS', 3_600_000),
      }),
      // static extras, also accepted by forRoot:
      isGlobal: true,
      controller: true,
      pathPrefix: '/omnirelay/control',
    }),
  ],
})
export class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  const tracker = app.get(PeerLeaseHealthTracker);
  console.log(`grace ${tracker.heartbeatGracePeriodMs} ms, retention ${tracker.retentionMs} ms`);
  await app.close();
}

void main();
